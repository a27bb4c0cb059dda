"""Read-only pages (GET and HEAD only). Each view states its queries so page cost stays constant."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from decisions import exporting, matrix
from decisions.forms import DecisionFilterForm, MeetingFilterForm, RFCFilterForm
from decisions.models import (
    RFC,
    ActionItem,
    ActionItemStatus,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    Meeting,
    Person,
    Precedent,
    Remark,
    Topic,
)
from decisions.views.precedents import can_edit_precedent
from decisions.views.records import can_edit_decision

MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "recent_rfcs": RFC.objects.for_list().order_by("-updated_at")[:8],
        "open_decisions": Decision.objects.open().prefetch_related("owners").order_by("-number")[:8],
        "open_actions": ActionItem.objects.open().select_related("owner", "meeting__series")[:10],
        "recent_meetings": Meeting.objects.for_list()
        .annotate(topic_count=Count("topics"))
        .order_by("-date")[:6],
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
    form = RFCFilterForm(request.GET)
    return _filtered_list(
        request, form, RFC.objects.for_list(), "decisions/rfc_list.html", settings.RFCS_PER_PAGE
    )


def _get_rfc(number: int) -> RFC:
    return get_object_or_404(RFC.objects.select_related("shepherd", "supersedes"), number=number)


@require_safe
def rfc_detail(request: HttpRequest, number: int) -> HttpResponse:
    rfc = _get_rfc(number)
    context = {
        "rfc": rfc,
        "authors": list(rfc.authors.all()),
        "areas": list(rfc.areas.all()),
        "superseded_by": list(rfc.superseded_by.only("number", "title", "supersedes")),
        "decisions": list(rfc.decisions.only("number", "title", "status")),
        "meetings": list(rfc.meetings.select_related("series").only("date", "title", "series__name")),
        "status_changes": list(rfc.status_changes.all()),
    }
    return render(request, "decisions/rfc_detail.html", context)


@require_safe
def rfc_history(request: HttpRequest, number: int) -> HttpResponse:
    rfc = _get_rfc(number)
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
def rfc_markdown(request: HttpRequest, number: int) -> HttpResponse:
    rfc = _get_rfc(number)
    rfc_with_people = RFC.objects.prefetch_related("authors", "areas").get(pk=rfc.pk)
    return HttpResponse(exporting.rfc_to_markdown(rfc_with_people), content_type=MARKDOWN_CONTENT_TYPE)


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
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    topics = meeting.topics.prefetch_related(
        Prefetch("remarks", queryset=Remark.objects.select_related("speaker")),
        Prefetch("decision_discussions", queryset=DecisionMeeting.objects.select_related("decision")),
    )
    may_link = request.user.has_perm("decisions.change_decision")
    context = {
        "meeting": meeting,
        "topics": list(topics),
        "attendees": list(meeting.attendees.all()),
        "action_items": list(meeting.action_items.select_related("owner", "decision", "meeting__series")),
        "links": list(meeting.links.all()),
        "rfcs": list(meeting.rfcs.only("number", "title", "status")),
        "decisions": list(meeting.decisions.only("number", "title", "status").distinct()),
        "may_link": may_link,
        "can_start_decision": request.user.has_perm("decisions.add_decision"),
    }
    return render(request, "decisions/meeting_detail.html", context)


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
    decision = _get_decision(number)
    context = {
        "decision": decision,
        "matrix": matrix.for_decision(decision),
        "ownerships": list(decision.ownerships.select_related("person")),
        "areas": list(decision.areas.all()),
        "rfcs": list(decision.related_rfcs.only("number", "title", "status").order_by("number")),
        "discussions": list(
            DecisionMeeting.objects.filter(decision=decision).select_related("meeting__series", "topic")
        ),
        "citations": list(DecisionPrecedent.objects.filter(decision=decision).select_related("precedent")),
        "status_changes": list(decision.status_changes.all()),
        "superseded_by": list(decision.superseded_by.only("number", "title", "supersedes")),
        "pending": list(decision.pending_references.all()),
        "action_items": list(decision.action_items.select_related("owner", "meeting__series")),
        "can_edit": can_edit_decision(request.user, decision),
    }
    return render(request, "decisions/decision_detail.html", context)


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
