"""Read-only pages (GET and HEAD only). Each view states its queries so page cost stays constant."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from decisions import matrix, related
from decisions.forms import DecisionFilterForm, MeetingFilterForm, RFCFilterForm
from decisions.models import (
    RFC,
    ActionItem,
    ActionItemStatus,
    Decision,
    DecisionOwner,
    Meeting,
    Person,
    Precedent,
    RFCAlias,
    Topic,
    parse_reference,
)
from decisions.permissions import can_edit_decision, can_edit_precedent, can_edit_rfc, can_link_decisions_to
from decisions.records import export as exporting
from decisions.rfcs.export import rfc_to_markdown

MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"
# Rendered records are cached under keys that change with them; old keys just age out.
RECORD_CACHE_SECONDS = 24 * 60 * 60


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """One query: the four lists come in one UNION (decisions.related), rendered from the cache
    unless a row in them changed."""
    lists, rows_key = related.dashboard()
    context = {
        "recent_rfcs": SimpleLazyObject(lambda: lists.recent_rfcs),
        "open_decisions": SimpleLazyObject(lambda: lists.open_decisions),
        "open_actions": SimpleLazyObject(lambda: lists.open_actions),
        "recent_meetings": SimpleLazyObject(lambda: lists.recent_meetings),
        "record_key": rows_key,
        "record_seconds": RECORD_CACHE_SECONDS,
    }
    return render(request, "decisions/home.html", context)


# RFCs ----------------------------------------------------------------------------------


def _filtered_list(
    request: HttpRequest, form: Any, rows: QuerySet, template: str, per_page: int, **extra: Any
) -> HttpResponse:
    """A filtered, paginated list; htmx asks for the `results` partial of the same template."""
    page = Paginator(form.filter(rows), per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": form.is_filtered(),
        **extra,
    }
    return render(request, f"{template}#results" if request.htmx else template, context)


@require_safe
def rfc_list(request: HttpRequest) -> HttpResponse:
    """Six queries whatever the page shows; the filters and the rows render from the cache.

    The page's RFCs, authors and areas come in one query (decisions.related); the rendered
    results are cached under a fingerprint of those rows, and the filter form (hundreds of
    author options) under its choices and values, so an edit anywhere shows at once.
    """
    form = RFCFilterForm(request.GET)
    # The series filter only appears once another series (PEPs, KEPs...) has been imported;
    # series > '' reads the series index instead of scanning every row.
    series_shown = bool(request.GET.get("series")) or RFC.objects.filter(series__gt="").exists()
    page = Paginator(form.filter(RFC.objects.all()), settings.RFCS_PER_PAGE).get_page(request.GET.get("page"))
    rows, rows_key = related.rfc_list_rows(list(page.object_list.values_list("pk", flat=True)))
    page.object_list = SimpleLazyObject(lambda: rows.rfcs)
    query = request.GET.copy()
    query.pop("page", None)
    filtered = form.is_filtered()
    choices = form.choices_stamp
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": filtered,
        "series_choices_shown": series_shown,
        "filters_key": _digest(repr([choices, sorted(request.GET.lists()), series_shown])),
        "results_key": _digest(
            repr([rows_key, page.paginator.count, page.number, query.urlencode(), filtered])
        ),
        "record_seconds": RECORD_CACHE_SECONDS,
    }
    template = "decisions/rfc_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def get_rfc(number: int, series: str = "") -> RFC:
    """The RFC at /rfcs/<number>/ (the site's own) or /rfcs/<series>/<number>/, or a 404."""
    return get_object_or_404(
        RFC.objects.select_related("shepherd", "supersedes"), series=series, number=number
    )


@require_safe
def rfc_alias(request: HttpRequest, alias: str) -> HttpResponse:
    """Legacy ids keep working: /rfcs/pep-8/, /rfcs/KEP-625/, /rfcs/0001-private-fields/ redirect."""
    rfc = RFC.objects.by_reference(alias).only("series", "number").first()
    if rfc is None:
        found = RFCAlias.objects.filter(alias=RFCAlias.normalise(alias)).select_related("rfc").first()
        if found is None:
            raise Http404(f"No RFC is known as {alias!r}.")
        rfc = found.rfc
    return redirect(rfc, permanent=True)


@require_safe
def rfc_detail(request: HttpRequest, number: int, series: str = "") -> HttpResponse:
    """One query when the page is cached, two when not (its text is read only then).

    The RFC's fields and lists come in one query (decisions.related); the rendered page is cached
    under a fingerprint of those rows, so an edit, a new citing decision or a renamed author shows
    at once.
    """
    page, rows_key = related.rfc_page(series, number)
    if page is None:
        raise Http404(f"No {RFC(series=series, number=number).label}.")
    rfc = page.rfc
    references = metadata_references(rfc)
    context = {
        "rfc": rfc,
        "body_html": SimpleLazyObject(lambda: RFC.objects.values_list("body_html", flat=True).get(pk=rfc.pk)),
        "authors": SimpleLazyObject(lambda: page.authors),
        "areas": SimpleLazyObject(lambda: page.areas),
        "superseded_by": SimpleLazyObject(lambda: page.superseded_by),
        "decisions": SimpleLazyObject(lambda: page.decisions),
        "meetings": SimpleLazyObject(lambda: page.meetings),
        "status_changes": SimpleLazyObject(lambda: page.status_changes),
        "metadata": SimpleLazyObject(
            lambda: metadata_rows(rfc, bool(rfc.supersedes_id or page.superseded_by), references)
        ),
        "aliases": SimpleLazyObject(lambda: page.aliases),
        "can_edit": can_edit_rfc(request.user, rfc, editor_user_ids=page.editor_user_ids),
        # Whether a referenced RFC exists decides a link: part of what the cached page shows.
        "record_key": rows_key + repr(sorted(references[1])),
        "record_seconds": RECORD_CACHE_SECONDS,
    }
    return render(request, "decisions/rfc_detail.html", context)


def metadata_references(rfc: RFC) -> tuple[dict[str, tuple[str, int]], set[tuple[str, int]]]:
    """The references among an imported RFC's header values ("pep-205", "KEP-178"), and which of
    them this site has: one query, and only for an RFC whose header has references."""
    wanted: dict[str, tuple[str, int]] = {}
    for key, value in (rfc.metadata or {}).items():
        if key not in REFERENCE_KEYS:
            continue
        for text in map(str, value if isinstance(value, list) else [value]):
            reference = parse_reference(text)
            if reference:
                wanted[text] = (reference[0] or (rfc.series if text.isdigit() else ""), reference[1])
    if not wanted:
        return wanted, set()
    query = Q()
    for series, number in wanted.values():
        query |= Q(series=series, number=number)
    return wanted, set(RFC.objects.filter(query).values_list("series", "number"))


def metadata_rows(
    rfc: RFC, linked: bool, references: tuple[dict[str, tuple[str, int]], set[tuple[str, int]]]
) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Header values of an imported RFC as (label, [(text, link)]).

    URLs link, also inside "date (url)"; a reference to another RFC links only when this site
    has it (`references`, from metadata_references); a mapping reads as "key: value".
    Replaces / Superseded-By are left out when they became real links above.
    """
    wanted, known = references
    rows = []
    for key, value in (rfc.metadata or {}).items():
        if linked and key in {"Replaces", "Superseded by"}:
            continue
        if isinstance(value, dict):
            value = [f"{name}: {item}" for name, item in value.items()]
        shown = []
        for text in map(str, value if isinstance(value, list) else [value]):
            url = URL_IN_TEXT.search(text)
            if key in REFERENCE_KEYS and text in wanted:
                target = RFC(series=wanted[text][0], number=wanted[text][1])
                shown.append((target.label, target.get_absolute_url() if wanted[text] in known else None))
            elif url:
                shown.append((text[: url.start()].strip(" (") or url.group(0), url.group(0)))
            else:
                shown.append((text, None))
        rows.append((key, shown))
    return rows


URL_IN_TEXT = re.compile(r"https?://[^\s()<>]+")
REFERENCE_KEYS = {"See also", "Replaces", "Superseded by", "Requires"}


@require_safe
def rfc_history(request: HttpRequest, number: int, series: str = "") -> HttpResponse:
    rfc = get_rfc(number, series)
    revisions = list(rfc.revisions.select_related("author").order_by("number"))
    entries = []
    for index, revision in enumerate(revisions):
        diff = revision.diff_from(revisions[index - 1] if index else None)
        added = sum(kind == "add" for kind, _ in diff)
        removed = sum(kind == "del" for kind, _ in diff)
        entries.append({"revision": revision, "diff": diff, "added": added, "removed": removed})
    entries.reverse()
    context = {
        "rfc": rfc,
        "entries": entries,
        "status_changes": list(rfc.status_changes.select_related("changed_by")),
    }
    return render(request, "decisions/rfc_history.html", context)


@require_safe
def rfc_markdown(request: HttpRequest, number: int, series: str = "") -> HttpResponse:
    rfc = get_rfc(number, series)
    rfc_with_people = RFC.objects.prefetch_related("authors", "areas").get(pk=rfc.pk)
    return HttpResponse(rfc_to_markdown(rfc_with_people), content_type=MARKDOWN_CONTENT_TYPE)


# Meetings ------------------------------------------------------------------------------


@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    form = MeetingFilterForm(request.GET)
    meetings = (
        Meeting.objects.for_list()
        .annotate(
            topic_count=Count("topics", distinct=True), attendee_count=Count("attendees", distinct=True)
        )
        .order_by("-date", "series__name")
    )
    can_submit = request.user.has_perm("decisions.add_meeting")
    return _filtered_list(request, form, meetings, "decisions/meeting_list.html", 30, can_submit=can_submit)


@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One query: the meeting, its topics, remarks and relations (decisions.related).

    The rendered notes are cached under a fingerprint of those rows, for visitors only: a
    signed-in page holds forms.
    """
    page, rows_key = related.meeting_page(pk)
    if page is None:
        raise Http404(f"No meeting {pk}.")
    context = {
        "meeting": page.meeting,
        "topics": SimpleLazyObject(lambda: page.topics),
        "attendees": SimpleLazyObject(lambda: page.attendees),
        "action_items": SimpleLazyObject(lambda: sorted(page.action_items, key=_action_item_order)),
        "links": SimpleLazyObject(lambda: page.links),
        "rfcs": SimpleLazyObject(lambda: page.rfcs),
        "decisions": SimpleLazyObject(lambda: page.decisions),
        "may_link": can_link_decisions_to(request.user, page.meeting),
        "can_start_decision": request.user.has_perm("decisions.add_decision"),
        "record_key": rows_key,
        "record_seconds": RECORD_CACHE_SECONDS,
        "record_cache": "none" if request.user.is_authenticated else "pages",
    }
    return render(request, "decisions/meeting_detail.html", context)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


# Decisions -----------------------------------------------------------------------------


@require_safe
def decision_list(request: HttpRequest) -> HttpResponse:
    form = DecisionFilterForm(request.GET)
    decisions = (
        Decision.objects.select_related("chosen_option")
        .prefetch_related(Prefetch("ownerships", queryset=DecisionOwner.objects.select_related("person")))
        .annotate(last_discussed=Max("discussions__meeting__date"))
        .order_by("-number")
    )
    can_create = request.user.has_perm("decisions.add_decision")
    return _filtered_list(request, form, decisions, "decisions/decision_list.html", 50, can_create=can_create)


def _get_decision(number: int) -> Decision:
    return get_object_or_404(Decision.objects.select_related("chosen_option", "supersedes"), number=number)


@require_safe
def decision_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One query when the record is cached, four when not (DESIGN.md section 8).

    The record, and everything it shows besides its matrix, come in one query (decisions.related);
    the rendered record is cached under a fingerprint of those rows, so any change to it, or to a
    meeting, person or precedent it shows, renders it again. Edits to the matrix move the
    record's version. The matrix and the lists are only built when the record is not cached.
    """
    page, rows_key = related.decision_page(number)
    if page is None:
        raise Http404(f"No decision DR-{number:04d}.")
    decision = page.decision
    context = {
        "decision": decision,
        "matrix": SimpleLazyObject(lambda: matrix.for_decision(decision)),
        "ownerships": SimpleLazyObject(lambda: page.links.ownerships),
        "areas": SimpleLazyObject(lambda: page.links.areas),
        "rfcs": SimpleLazyObject(lambda: page.links.rfcs),
        "discussions": SimpleLazyObject(lambda: page.links.discussions),
        "citations": SimpleLazyObject(lambda: page.links.citations),
        "status_changes": SimpleLazyObject(lambda: page.links.status_changes),
        "superseded_by": SimpleLazyObject(
            lambda: sorted(page.links.superseded_by, key=lambda other: -other.number)
        ),
        "pending": SimpleLazyObject(lambda: sorted(page.links.pending, key=lambda ref: (ref.kind, ref.key))),
        "action_items": SimpleLazyObject(lambda: sorted(page.links.action_items, key=_action_item_order)),
        "can_edit": can_edit_decision(request.user, decision),
        "record_key": rows_key,
        "record_seconds": RECORD_CACHE_SECONDS,
    }
    return render(request, "decisions/decision_detail.html", context)


def _action_item_order(item: ActionItem) -> tuple:
    """ActionItem's own ordering (status, due date, id), undated items last on every database."""
    return (item.status, item.due_on is None, item.due_on or datetime.date.min, item.pk)


@require_safe
def decision_markdown(request: HttpRequest, number: int) -> HttpResponse:
    decision = _get_decision(number)
    response = HttpResponse(exporting.decision_to_markdown(decision), content_type=MARKDOWN_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{exporting.decision_filename(decision)}"'
    return response


@require_safe
def decision_export_zip(request: HttpRequest) -> HttpResponse:
    """Every record as NNNN-slug.md plus README.md, like an ADR folder in a repository."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(exporting.export_all().items()):
            # A fixed timestamp makes the same records give the same archive, byte for byte.
            info = zipfile.ZipInfo(f"decisions/{name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="decisions.zip"'
    return response


# Precedents and people -----------------------------------------------------------------


@require_safe
def precedent_list(request: HttpRequest) -> HttpResponse:
    precedents = Precedent.objects.annotate(citation_count=Count("citations")).order_by("-date", "title")
    context = {"precedents": precedents, "can_create": can_edit_precedent(request.user)}
    return render(request, "decisions/precedent_list.html", context)


@require_safe
def precedent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    precedent = get_object_or_404(Precedent, pk=pk)
    context = {
        "precedent": precedent,
        "citations": precedent.citations.select_related("decision"),
        "can_edit": can_edit_precedent(request.user, precedent),
    }
    return render(request, "decisions/precedent_detail.html", context)


@require_safe
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    spoke_in = (
        Topic.objects.filter(remarks__speaker=person)
        .select_related("meeting__series")
        .annotate(remark_count=Count("remarks", filter=Q(remarks__speaker=person)))
        .order_by("-meeting__date", "order")[:30]
    )
    context = {
        "person": person,
        "authored": list(person.rfcs_authored.only("number", "title", "status")),
        "shepherded": list(person.rfcs_shepherded.only("number", "title", "status")),
        "ownerships": list(person.ownerships.select_related("decision")),
        "open_items": list(person.action_items.open().select_related("meeting__series", "decision", "owner")),
        "closed_item_count": person.action_items.exclude(status=ActionItemStatus.OPEN).count(),
        "meetings": list(person.meetings_attended.select_related("series").order_by("-date")[:12]),
        "attendance": person.meetings_attended.count(),
        "remark_count": person.remarks.count(),
        "spoke_in": list(spoke_in),
    }
    return render(request, "decisions/person_detail.html", context)
