"""Machine-readable views: the read-only JSON API under /api/, its documentation page, and CSV
exports of the filtered RFC and decision lists.

Plain Django rather than Django REST framework: the API only reads, and JsonResponse plus a few
serializer functions keep it one dependency lighter. Lists take the filters of their HTML page
through the same forms, but where a page ignores a bad value the API answers 400, because a
script that misspells `status=acepted` should hear about it rather than receive every row.
Every endpoint runs a fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Max, Model, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.http import require_safe

from decisions import matrix
from decisions.meetings.forms import MeetingFilterForm
from decisions.models import (
    RFC,
    Area,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    Meeting,
    Person,
    Precedent,
    Remark,
)
from decisions.precedents.forms import PrecedentFilterForm
from decisions.records.forms import DecisionFilterForm
from decisions.rfcs.forms import RFCFilterForm
from decisions.search import engine as fulltext

PER_PAGE = 20
MAX_PER_PAGE = 100
Serializer = Callable[[HttpRequest, Any], dict]


class ApiError(Exception):
    """Raised anywhere below a view to answer with a JSON error instead of an HTML page."""

    def __init__(self, status: int, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields


def error_response(status: int, message: str, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"status": status, "error": message}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status)


def api_view(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """GET and HEAD only, and an ApiError becomes its JSON answer."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message, error.fields)

    return wrapper


# Parameters and pagination ---------------------------------------------------------------


def _whole_number(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, f"“{name}” must be a whole number from 1 up, not “{raw}”.")
    return int(raw)


def _checked(form: forms.Form) -> forms.Form:
    if not form.is_valid():
        fields = {name: [str(message) for message in errors] for name, errors in form.errors.items()}
        raise ApiError(400, f"Bad value for {', '.join(fields)}.", fields)
    return form


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return _absolute(request, f"{request.path}?{query.urlencode()}")


def paginated(request: HttpRequest, rows: QuerySet, serialize: Serializer) -> JsonResponse:
    """One page of rows as {count, page, pages, next, previous, results}: two queries plus prefetches."""
    number = _whole_number(request, "page", 1)
    per_page = min(_whole_number(request, "per_page", PER_PAGE), MAX_PER_PAGE)
    paginator = Paginator(rows, per_page)
    if number > paginator.num_pages:
        raise ApiError(400, f"There is no page {number}; the last page is {paginator.num_pages}.")
    page = paginator.page(number)
    return JsonResponse(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "next": _page_url(request, number + 1) if page.has_next() else None,
            "previous": _page_url(request, number - 1) if page.has_previous() else None,
            "results": [serialize(request, row) for row in page.object_list],
        }
    )


def _get(rows: QuerySet, message: str, **lookup: Any) -> Any:
    try:
        return rows.get(**lookup)
    except rows.model.DoesNotExist:
        raise ApiError(404, message) from None


# Serializers ---------------------------------------------------------------------------


def _links(request: HttpRequest, obj: Model, api_name: str, *args: Any) -> dict[str, str]:
    return {
        "url": _absolute(request, obj.get_absolute_url()),
        "api_url": _absolute(request, reverse(f"decisions:{api_name}", args=args)),
    }


def _person(request: HttpRequest, person: Person | None) -> dict | None:
    if person is None:
        return None
    return {"name": person.name, "slug": person.slug, "url": _absolute(request, person.get_absolute_url())}


def _areas(areas: Iterable[Area]) -> list[dict]:
    return [{"slug": area.slug, "name": area.name} for area in areas]


def _rfc_ref(request: HttpRequest, rfc: RFC) -> dict:
    return {
        "number": rfc.number,
        "series": rfc.series,
        "label": rfc.label,
        "title": rfc.title,
        "status": rfc.status,
        **_links(request, rfc, "rfc-api-detail", *rfc.url_args()),
    }


def _decision_ref(request: HttpRequest, decision: Decision) -> dict:
    return {
        "number": decision.number,
        "code": decision.code,
        "title": decision.title,
        "status": decision.status,
        **_links(request, decision, "decision-api-detail", decision.number),
    }


def _meeting_ref(request: HttpRequest, meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "date": meeting.date,
        "series": meeting.series.name,
        **_links(request, meeting, "meeting-api-detail", meeting.pk),
    }


def _precedent_ref(request: HttpRequest, precedent: Precedent) -> dict:
    return {
        "id": precedent.pk,
        "title": precedent.title,
        "external_url": precedent.url,
        **_links(request, precedent, "precedent-api-detail", precedent.pk),
    }


def rfc_summary(request: HttpRequest, rfc: RFC) -> dict:
    """An RFC as the list shows it; authors and areas must be prefetched."""
    return {
        "number": rfc.number,
        "series": rfc.series,
        "label": rfc.label,
        "title": rfc.title,
        "status": rfc.status,
        "status_label": rfc.get_status_display(),
        "authors": [_person(request, person) for person in rfc.authors.all()],
        "shepherd": _person(request, rfc.shepherd),
        "areas": _areas(rfc.areas.all()),
        "created": rfc.created_on,
        "updated": rfc.updated_at,
        "discussion_url": rfc.discussion_url or None,
        **_links(request, rfc, "rfc-api-detail", *rfc.url_args()),
    }


def decision_summary(request: HttpRequest, decision: Decision) -> dict:
    """A decision as the list shows it; needs ownerships, areas and `last_discussed`."""
    return {
        "number": decision.number,
        "code": decision.code,
        "title": decision.title,
        "status": decision.status,
        "status_label": decision.get_status_display(),
        "owners": [
            {**_person(request, ownership.person), "role": ownership.role}
            for ownership in decision.ownerships.all()
        ],
        "areas": _areas(decision.areas.all()),
        "chosen_option": decision.chosen_option.name if decision.chosen_option else None,
        "decided_on": decision.decided_on,
        "last_discussed": decision.last_discussed,
        "created": decision.created_at,
        "updated": decision.updated_at,
        **_links(request, decision, "decision-api-detail", decision.number),
    }


def matrix_data(table: matrix.Matrix) -> dict:
    """The options matrix with the same totals and ranks the decision page shows."""
    return {
        "criteria": [
            {"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight}
            for c in table.criteria
        ],
        "options": [
            {
                "id": row.option.pk,
                "name": row.option.name,
                "summary": row.option.summary,
                "chosen": row.chosen,
                "total": row.total,
                "rank": row.rank,
                "why_not": None if row.chosen else (table.why_not(row) or None),
                "assessments": [
                    {
                        "criterion_id": cell.criterion.pk,
                        "criterion": cell.criterion.name,
                        "rating": cell.rating if cell.rated else None,
                        "label": cell.label,
                        "weighted": cell.weighted,
                        "note": cell.note,
                    }
                    for cell in row.cells
                ],
            }
            for row in table.rows
        ],
        "chosen_option": table.chosen.option.name if table.chosen else None,
        "max_total": table.max_total,
        "complete": table.complete,
    }


def meeting_summary(request: HttpRequest, meeting: Meeting) -> dict:
    """A meeting as the list shows it; needs `topic_count` and `attendee_count`."""
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "date": meeting.date,
        "series": {"name": meeting.series.name, "slug": meeting.series.slug},
        "topic_count": meeting.topic_count,
        "attendee_count": meeting.attendee_count,
        **_links(request, meeting, "meeting-api-detail", meeting.pk),
    }


def precedent_summary(request: HttpRequest, precedent: Precedent) -> dict:
    """A precedent; its own `url` field is the external page, so it is `external_url` here."""
    return {
        "id": precedent.pk,
        "title": precedent.title,
        "slug": precedent.slug,
        "organization": precedent.organization,
        "kind": precedent.kind,
        "kind_label": precedent.get_kind_display(),
        "date": precedent.date,
        "external_url": precedent.url,
        "citation_count": precedent.citation_count,
        **_links(request, precedent, "precedent-api-detail", precedent.pk),
    }


# RFCs ----------------------------------------------------------------------------------


@api_view
def rfc_list(request: HttpRequest) -> JsonResponse:
    form = _checked(RFCFilterForm(request.GET))
    return paginated(request, form.filter(RFC.objects.for_list()), rfc_summary)


@api_view
def rfc_detail(request: HttpRequest, number: int, series: str = "") -> JsonResponse:
    rfcs = (
        RFC.objects.select_related("shepherd", "supersedes")
        .defer("supersedes__body", "supersedes__body_html", "supersedes__toc")
        .prefetch_related("authors", "areas", "aliases")
    )
    label = RFC(series=series, number=number).label
    rfc = _get(rfcs, f"There is no {label}.", series=series, number=number)
    meetings = rfc.meetings.select_related("series").only("date", "title", "series__name")
    data = {
        **rfc_summary(request, rfc),
        "supersedes": _rfc_ref(request, rfc.supersedes) if rfc.supersedes else None,
        "superseded_by": [
            _rfc_ref(request, r)
            for r in rfc.superseded_by.only("series", "number", "title", "status", "supersedes")
        ],
        "sections": [{"title": h["title"], "anchor": h["id"], "level": h["level"]} for h in rfc.toc],
        "body": rfc.body,
        "body_html": rfc.body_html,
        "body_format": rfc.body_format,
        "metadata": rfc.metadata,
        "aliases": [alias.alias for alias in rfc.aliases.all()],
        "markdown_url": _absolute(request, rfc.markdown_url),
        "history_url": _absolute(request, rfc.history_url),
        "status_changes": [
            {"from": c.from_status or None, "to": c.to_status, "changed_at": c.changed_at, "note": c.note}
            for c in rfc.status_changes.all()
        ],
        "decisions": [_decision_ref(request, d) for d in rfc.decisions.only("number", "title", "status")],
        "meetings": [_meeting_ref(request, m) for m in meetings],
    }
    return JsonResponse(data)


# Decisions -----------------------------------------------------------------------------


def _decisions() -> QuerySet[Decision]:
    return (
        Decision.objects.select_related("chosen_option")
        .prefetch_related(
            Prefetch("ownerships", queryset=DecisionOwner.objects.select_related("person")), "areas"
        )
        .annotate(last_discussed=Max("discussions__meeting__date"))
    )


@api_view
def decision_list(request: HttpRequest) -> JsonResponse:
    form = _checked(DecisionFilterForm(request.GET))
    return paginated(request, form.filter(_decisions()).order_by("-number"), decision_summary)


@api_view
def decision_detail(request: HttpRequest, number: int) -> JsonResponse:
    decision = _get(
        _decisions().select_related("supersedes"), f"There is no decision DR-{number:04d}.", number=number
    )
    discussions = DecisionMeeting.objects.filter(decision=decision).select_related("meeting__series", "topic")
    citations = DecisionPrecedent.objects.filter(decision=decision).select_related("precedent")
    data = {
        **decision_summary(request, decision),
        "context": decision.context,
        "context_html": decision.context_html,
        "rationale_html": decision.rationale_html,
        "consequences_html": decision.consequences_html,
        "matrix": matrix_data(matrix.for_decision(decision)),
        "supersedes": _decision_ref(request, decision.supersedes) if decision.supersedes else None,
        "superseded_by": [
            _decision_ref(request, d) for d in decision.superseded_by.only("number", "title", "status")
        ],
        "related_rfcs": [
            _rfc_ref(request, r)
            for r in decision.related_rfcs.only("number", "title", "status").order_by("number")
        ],
        "discussed_in": [
            {
                "meeting": _meeting_ref(request, d.meeting),
                "topic": d.topic.title if d.topic else None,
                "topic_url": _absolute(request, d.topic.get_absolute_url()) if d.topic else None,
            }
            for d in discussions
        ],
        "precedents": [{**_precedent_ref(request, c.precedent), "note": c.note} for c in citations],
        "status_changes": [
            {"from": c.from_status or None, "to": c.to_status, "changed_on": c.changed_on, "note": c.note}
            for c in decision.status_changes.all()
        ],
        "markdown_url": _absolute(request, reverse("decisions:decision-markdown", args=[decision.number])),
    }
    return JsonResponse(data)


# Meetings ------------------------------------------------------------------------------


@api_view
def meeting_list(request: HttpRequest) -> JsonResponse:
    form = _checked(MeetingFilterForm(request.GET))
    meetings = Meeting.objects.for_list().annotate(
        topic_count=Count("topics", distinct=True), attendee_count=Count("attendees", distinct=True)
    )
    rows = form.filter(meetings).order_by("-date", "series__name", "title", "pk")
    return paginated(request, rows, meeting_summary)


def _speaker(request: HttpRequest, name: str, slug: str | None) -> dict:
    url = _absolute(request, reverse("decisions:person-detail", args=[slug])) if slug else None
    return {"name": name, "slug": slug, "url": url}


def _topics_with_speakers(request: HttpRequest, meeting: Meeting) -> tuple[list[dict], list[dict]]:
    """Topics with their remark counts and speakers, and the meeting's speakers: two queries."""
    remarks = (
        Remark.objects.filter(topic__meeting=meeting)
        .order_by("topic__order", "order")
        .values_list("topic_id", "speaker__name", "speaker__slug", "speaker_name")
    )
    counts: dict[int, int] = {}
    by_topic: dict[int, dict[str, dict]] = {}
    everyone: dict[str, dict] = {}
    for topic_id, person_name, slug, written in remarks:
        counts[topic_id] = counts.get(topic_id, 0) + 1
        name = person_name or written
        if name:
            speaker = everyone.setdefault(slug or name, _speaker(request, name, slug))
            by_topic.setdefault(topic_id, {}).setdefault(slug or name, speaker)
    topics = [
        {
            "order": topic.order,
            "title": topic.title,
            "anchor": topic.html_id,
            "url": _absolute(request, f"{meeting.get_absolute_url()}#{topic.html_id}"),
            "remark_count": counts.get(topic.pk, 0),
            "speakers": list(by_topic.get(topic.pk, {}).values()),
        }
        for topic in meeting.topics.only("meeting", "order", "title", "anchor")
    ]
    return topics, list(everyone.values())


@api_view
def meeting_detail(request: HttpRequest, pk: int) -> JsonResponse:
    meetings = Meeting.objects.select_related("series").prefetch_related("attendees")
    meeting = _get(meetings, f"There is no meeting {pk}.", pk=pk)
    topics, speakers = _topics_with_speakers(request, meeting)
    attendees = [_person(request, person) for person in meeting.attendees.all()]
    items = meeting.action_items.select_related("owner", "decision").defer(
        "decision__context", "decision__context_html", "decision__rationale_html"
    )
    data = {
        **meeting_summary(request, _counted(meeting, len(topics), len(attendees))),
        "agenda_html": meeting.agenda_html,
        "notes": meeting.source_text,
        "attendees": attendees,
        "speakers": speakers,
        "topics": topics,
        "action_items": [
            {
                "id": item.pk,
                "owner": _person(request, item.owner),
                "owner_name": item.owner_name,
                "text": item.text,
                "due_on": item.due_on,
                "status": item.status,
                "decision": _decision_ref(request, item.decision) if item.decision else None,
            }
            for item in items
        ],
        "links": [{"url": link.url, "text": link.text} for link in meeting.links.all()],
        "rfcs": [_rfc_ref(request, r) for r in meeting.rfcs.only("number", "title", "status")],
        "decisions": [
            _decision_ref(request, d) for d in meeting.decisions.only("number", "title", "status").distinct()
        ],
    }
    return JsonResponse(data)


def _counted(meeting: Meeting, topic_count: int, attendee_count: int) -> Meeting:
    meeting.topic_count, meeting.attendee_count = topic_count, attendee_count
    return meeting


# Precedents ----------------------------------------------------------------------------


@api_view
def precedent_list(request: HttpRequest) -> JsonResponse:
    kind = _checked(PrecedentFilterForm(request.GET)).cleaned_data["kind"]
    precedents = Precedent.objects.annotate(citation_count=Count("citations")).order_by(
        "-date", "title", "pk"
    )
    if kind:
        precedents = precedents.filter(kind=kind)
    return paginated(request, precedents, precedent_summary)


@api_view
def precedent_detail(request: HttpRequest, pk: int) -> JsonResponse:
    precedents = Precedent.objects.annotate(citation_count=Count("citations"))
    precedent = _get(precedents, f"There is no precedent {pk}.", pk=pk)
    citations = precedent.citations.select_related("decision").order_by("decision__number")
    data = {
        **precedent_summary(request, precedent),
        "summary": precedent.summary,
        "summary_html": precedent.summary_html,
        "lessons": precedent.lessons,
        "lessons_html": precedent.lessons_html,
        "cited_by": [{**_decision_ref(request, c.decision), "note": c.note} for c in citations],
    }
    return JsonResponse(data)


# Search --------------------------------------------------------------------------------

_API_DETAIL = {
    "decisions:rfc-detail": "rfc-api-detail",
    "decisions:decision-detail": "decision-api-detail",
    "decisions:meeting-detail": "meeting-api-detail",
    "decisions:precedent-detail": "precedent-api-detail",
}


def _api_url_for(request: HttpRequest, url: str) -> str | None:
    """The API address of the page a hit links to, found from the page's route, not the database."""
    try:
        match = resolve(url.split("#")[0].split("?")[0])
    except Resolver404:
        return None
    name = _API_DETAIL.get(match.view_name)
    return _absolute(request, reverse(f"decisions:{name}", kwargs=match.kwargs)) if name else None


def _kinds(request: HttpRequest) -> list[str] | None:
    kinds = [k.strip() for value in request.GET.getlist("kind") for k in value.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(fulltext.KINDS))
    if unknown:
        raise ApiError(400, f"Unknown kind {', '.join(unknown)}; use {', '.join(fulltext.KINDS)}.")
    return kinds or None


@api_view
def search(request: HttpRequest) -> JsonResponse:
    """Ranked full-text hits over RFCs, meetings, decisions and precedents, in the list envelope."""
    query = request.GET.get("q", "")
    kinds = _kinds(request)
    number = _whole_number(request, "page", 1)
    per_page = min(_whole_number(request, "per_page", PER_PAGE), MAX_PER_PAGE)
    try:
        found = fulltext.search(query, kinds=kinds, limit=per_page, offset=(number - 1) * per_page)
    except fulltext.SearchTooSlow as stopped:
        raise ApiError(503, stopped.message) from stopped
    pages = max(1, math.ceil(found.total / per_page))
    if number > pages:
        raise ApiError(400, f"There is no page {number}; the last page is {pages}.")
    results = [
        {
            "kind": hit.kind,
            "kind_label": hit.kind_label,
            "title": hit.title,
            "title_html": str(hit.title_html),
            "snippet_html": str(hit.snippet),
            "date": hit.date,
            "rank": hit.rank,
            "url": _absolute(request, hit.url),
            "api_url": _api_url_for(request, hit.url),
        }
        for hit in found.hits
    ]
    return JsonResponse(
        {
            "count": found.total,
            "page": number,
            "pages": pages,
            "next": _page_url(request, number + 1) if number < pages else None,
            "previous": _page_url(request, number - 1) if number > 1 else None,
            "results": results,
        }
    )


# CSV exports ---------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """The value as text, with a leading ' when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return response


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


@require_safe
def rfc_export_csv(request: HttpRequest) -> HttpResponse:
    """The RFC list as CSV, with the page's filters and sort (bad values ignored, as on the page)."""
    rfcs = RFCFilterForm(request.GET).filter(RFC.objects.for_list())
    header = [
        "number",
        "title",
        "status",
        "authors",
        "shepherd",
        "areas",
        "created",
        "updated",
        "url",
        "series",
    ]
    rows = (
        [
            rfc.number,
            rfc.title,
            rfc.get_status_display(),
            "; ".join(person.name for person in rfc.authors.all()),
            rfc.shepherd.name if rfc.shepherd else "",
            "; ".join(area.name for area in rfc.areas.all()),
            _iso(rfc.created_on),
            _iso(rfc.updated_at),
            _absolute(request, rfc.get_absolute_url()),
            rfc.get_series_display() if rfc.series else "",
        ]
        for rfc in rfcs
    )
    return csv_response("rfcs.csv", header, rows)


@require_safe
def decision_export_csv(request: HttpRequest) -> HttpResponse:
    """The decision list as CSV, with the page's filters (bad values ignored, as on the page)."""
    decisions = DecisionFilterForm(request.GET).filter(_decisions()).order_by("-number")
    header = [
        "number", "code", "title", "status", "owners", "chosen option", "decided on", "last discussed", "url",
    ]  # fmt: skip
    rows = (
        [
            decision.number,
            decision.code,
            decision.title,
            decision.get_status_display(),
            "; ".join(
                f"{ownership.person.name} ({ownership.get_role_display().lower()})"
                for ownership in decision.ownerships.all()
            ),
            decision.chosen_option.name if decision.chosen_option else "",
            _iso(decision.decided_on),
            _iso(decision.last_discussed),
            _absolute(request, decision.get_absolute_url()),
        ]
        for decision in decisions
    )
    return csv_response("decisions.csv", header, rows)


# The documentation page ----------------------------------------------------------------

SITE = "https://rfcs.example.org"
_PAGE_PARAMS = [
    ("page", "Page number, from 1 (default 1). A page past the last one is a 400."),
    (
        "per_page",
        f"Results per page, 1 to {MAX_PER_PAGE} (default {PER_PAGE}); more is capped at {MAX_PER_PAGE}.",
    ),
]


def _envelope(path: str, result: dict, count: int = 42) -> dict:
    return {
        "count": count,
        "page": 1,
        "pages": -(-count // PER_PAGE),
        "next": f"{SITE}{path}?page=2" if count > PER_PAGE else None,
        "previous": None,
        "results": [result],
    }


_PERSON = {
    "name": "Till Schneidereit",
    "slug": "till-schneidereit",
    "url": f"{SITE}/people/till-schneidereit/",
}
_RFC = {
    "number": 12,
    "series": "",
    "label": "RFC 12",
    "title": "Shared WASI implementations",
    "status": "accepted",
    "status_label": "Accepted",
    "authors": [_PERSON],
    "shepherd": None,
    "areas": [{"slug": "wasi", "name": "wasi"}],
    "created": "2023-03-30",
    "updated": "2024-01-15T09:30:00Z",
    "discussion_url": "https://github.com/bytecodealliance/rfcs/pull/12",
    "url": f"{SITE}/rfcs/12/",
    "api_url": f"{SITE}/api/rfcs/12/",
}
_RFC_REF = {key: _RFC[key] for key in ("number", "series", "label", "title", "status", "url", "api_url")}
_DECISION = {
    "number": 7,
    "code": "DR-0007",
    "title": "Where do shared WASI implementations live?",
    "status": "accepted",
    "status_label": "Accepted",
    "owners": [{**_PERSON, "role": "owner"}],
    "areas": [{"slug": "wasi", "name": "wasi"}],
    "chosen_option": "In-tree subproject",
    "decided_on": "2023-04-20",
    "last_discussed": "2023-04-13",
    "created": "2023-03-30T12:00:00Z",
    "updated": "2023-04-20T16:02:11Z",
    "url": f"{SITE}/decisions/7/",
    "api_url": f"{SITE}/api/decisions/7/",
}
_DECISION_REF = {key: _DECISION[key] for key in ("number", "code", "title", "status", "url", "api_url")}
_MEETING = {
    "id": 31,
    "title": "Wasmtime project call",
    "date": "2023-03-30",
    "series": {"name": "Wasmtime project call", "slug": "wasmtime-project-call"},
    "topic_count": 3,
    "attendee_count": 9,
    "url": f"{SITE}/meetings/31/",
    "api_url": f"{SITE}/api/meetings/31/",
}
_MEETING_REF = {
    **{k: _MEETING[k] for k in ("id", "title", "date", "url", "api_url")},
    "series": "Wasmtime project call",
}
_PRECEDENT = {
    "id": 4,
    "title": "Kubernetes: moving in-tree cloud providers out of tree",
    "slug": "kubernetes-moving-in-tree-cloud-providers-out-of-tree",
    "organization": "Kubernetes",
    "kind": "proposal",
    "kind_label": "Proposal",
    "date": "2019-02-01",
    "external_url": "https://github.com/kubernetes/enhancements/issues/2395",
    "citation_count": 2,
    "url": f"{SITE}/precedents/4/",
    "api_url": f"{SITE}/api/precedents/4/",
}
_CELL = {
    "criterion_id": 3,
    "criterion": "Stability",
    "rating": 1,
    "label": "For",
    "weighted": 5,
    "note": "Feature-flagged",
}


@dataclass
class Endpoint:
    path: str
    title: str
    description: str
    params: list[tuple[str, str]] = field(default_factory=list)
    example: dict = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return self.path.strip("/").replace("/", "-").replace("<", "").replace(">", "")

    @property
    def example_json(self) -> str:
        return json.dumps(self.example, indent=2, ensure_ascii=False)


ENDPOINTS = [
    Endpoint(
        "/api/rfcs/",
        "RFCs",
        "RFCs in the order and with the filters of the RFC list page.",
        [
            ("q", "Title words, an RFC number such as 12, or an id in another series such as PEP 8."),
            ("series", "site (this site's own RFCs), rust, pep or kep."),
            (
                "status",
                "draft, proposed, fcp, accepted, rejected, postponed, withdrawn, implemented or superseded.",
            ),
            ("area", "An area slug, e.g. wasi."),
            ("author", "A person's slug; only people who authored an RFC."),
            ("sort", "-number (default), number, -updated, title or status."),
            *_PAGE_PARAMS,
        ],
        _envelope("/api/rfcs/", _RFC),
    ),
    Endpoint(
        "/api/rfcs/<number>/",
        "One RFC",
        "Everything in the list entry, plus the text (Markdown and sanitized HTML), sections, history "
        "and links. RFCs of an imported series are at /api/rfcs/<series>/<number>/ (e.g. /api/rfcs/pep/8/).",
        [],
        {
            **_RFC,
            "supersedes": None,
            "superseded_by": [],
            "sections": [{"title": "Summary", "anchor": "summary", "level": 1}],
            "body": "# Summary\n\nMove the shared WASI implementations into one place.\n",
            "body_html": '<h1 id="summary">Summary</h1>\n<p>Move the shared WASI implementations into one place.</p>\n',
            "body_format": "markdown",
            "metadata": {},
            "aliases": [],
            "markdown_url": f"{SITE}/rfcs/12.md",
            "history_url": f"{SITE}/rfcs/12/history/",
            "status_changes": [
                {"from": None, "to": "draft", "changed_at": "2023-03-30T12:00:00Z", "note": ""},
                {
                    "from": "draft",
                    "to": "accepted",
                    "changed_at": "2024-01-15T09:30:00Z",
                    "note": "FCP ended",
                },
            ],
            "decisions": [_DECISION_REF],
            "meetings": [_MEETING_REF],
        },
    ),
    Endpoint(
        "/api/decisions/",
        "Decision records",
        "Decision records, newest number first, with the filters of the decisions page.",
        [
            ("status", "open, proposed, accepted, rejected, deferred or superseded."),
            ("owner", "A person's slug; only people who own a record."),
            ("area", "An area slug."),
            *_PAGE_PARAMS,
        ],
        _envelope("/api/decisions/", _DECISION),
    ),
    Endpoint(
        "/api/decisions/<number>/",
        "One decision record",
        "The record with its options matrix: criteria and weights, every assessment, each option's "
        "weighted total and rank (the same numbers as the page), and the chosen option.",
        [],
        {
            **_DECISION,
            "context": "Every embedder writes the same glue today.",
            "context_html": "<p>Every embedder writes the same glue today.</p>\n",
            "rationale_html": "<p>Reviewed once, shipped with the CLI.</p>\n",
            "consequences_html": "",
            "matrix": {
                "criteria": [{"id": 3, "name": "Stability", "description": "", "weight": 5}],
                "options": [
                    {
                        "id": 10,
                        "name": "In-tree subproject",
                        "summary": "",
                        "chosen": True,
                        "total": 5,
                        "rank": 1,
                        "why_not": None,
                        "assessments": [_CELL],
                    }
                ],
                "chosen_option": "In-tree subproject",
                "max_total": 10,
                "complete": True,
            },
            "supersedes": None,
            "superseded_by": [],
            "related_rfcs": [_RFC_REF],
            "discussed_in": [
                {
                    "meeting": _MEETING_REF,
                    "topic": "Shared WASI implementations",
                    "topic_url": f"{SITE}/meetings/31/#t1-shared-wasi-implementations",
                }
            ],
            "precedents": [
                {
                    **{k: _PRECEDENT[k] for k in ("id", "title", "external_url", "url", "api_url")},
                    "note": "The same move, from in-tree to shared.",
                }
            ],
            "status_changes": [{"from": "open", "to": "accepted", "changed_on": "2023-04-20", "note": ""}],
            "markdown_url": f"{SITE}/decisions/7.md",
        },
    ),
    Endpoint(
        "/api/meetings/",
        "Meetings",
        "Meetings, newest first, with the filters of the meetings page.",
        [
            ("q", "Words in the title or a topic title."),
            ("series", "A series slug, e.g. wasmtime-project-call."),
            ("year", "A year that has meetings, e.g. 2023."),
            *_PAGE_PARAMS,
        ],
        _envelope("/api/meetings/", _MEETING),
    ),
    Endpoint(
        "/api/meetings/<id>/",
        "One meeting",
        "The meeting with its attendees, speakers, topics (with how many remarks each and who spoke), "
        "action items, links, and the notes as submitted (Markdown).",
        [],
        {
            **_MEETING,
            "agenda_html": "",
            "notes": "## Shared WASI implementations\n\n- **Till**: should it live in-tree?\n",
            "attendees": [_PERSON],
            "speakers": [_PERSON],
            "topics": [
                {
                    "order": 1,
                    "title": "Shared WASI implementations",
                    "anchor": "t1-shared-wasi-implementations",
                    "url": f"{SITE}/meetings/31/#t1-shared-wasi-implementations",
                    "remark_count": 4,
                    "speakers": [_PERSON],
                }
            ],
            "action_items": [
                {
                    "id": 5,
                    "owner": _PERSON,
                    "owner_name": "Till",
                    "text": "Get the RFC written",
                    "due_on": "2023-04-20",
                    "status": "open",
                    "decision": _DECISION_REF,
                }
            ],
            "links": [{"url": "https://github.com/bytecodealliance/rfcs/pull/12", "text": "RFC 12"}],
            "rfcs": [_RFC_REF],
            "decisions": [_DECISION_REF],
        },
    ),
    Endpoint(
        "/api/precedents/",
        "Precedents",
        "Decisions and migrations elsewhere that ours learn from, newest first. The precedent's own "
        "address is `external_url`; `url` is its page here.",
        [("kind", "proposal, blog-post, issue, rfc or paper."), *_PAGE_PARAMS],
        _envelope("/api/precedents/", _PRECEDENT, count=6),
    ),
    Endpoint(
        "/api/precedents/<id>/",
        "One precedent",
        "The precedent with its summary and lessons (Markdown and sanitized HTML) and the decision "
        "records that cite it.",
        [],
        {
            **_PRECEDENT,
            "summary": "Providers moved out of the main repository.",
            "summary_html": "<p>Providers moved out of the main repository.</p>\n",
            "lessons": "",
            "lessons_html": "",
            "cited_by": [{**_DECISION_REF, "note": "The same move, from in-tree to shared."}],
        },
    ),
    Endpoint(
        "/api/search/",
        "Search",
        "Full-text search over RFCs, meetings, decisions and precedents, best match first, with "
        "excerpts in which the matched words are wrapped in <mark>.",
        [
            (
                "q",
                'Words; "a quoted phrase"; -word to exclude; or between alternatives. Empty finds nothing.',
            ),
            (
                "kind",
                "Only these kinds: rfc, meeting, decision, precedent (repeat it or separate by commas).",
            ),
            *_PAGE_PARAMS,
        ],
        _envelope(
            "/api/search/",
            {
                "kind": "rfc",
                "kind_label": "RFC",
                "title": "RFC 12: Shared WASI implementations",
                "title_html": "RFC 12: Shared <mark>WASI</mark> implementations",
                "snippet_html": "Move the shared <mark>WASI</mark> implementations into one place.",
                "date": "2023-03-30",
                "rank": 0.75,
                "url": f"{SITE}/rfcs/12/",
                "api_url": f"{SITE}/api/rfcs/12/",
            },
            count=3,
        ),
    ),
]


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    context = {"endpoints": ENDPOINTS, "max_per_page": MAX_PER_PAGE, "per_page": PER_PAGE}
    return render(request, "decisions/api.html", context)
