"""The meeting pages: the list and the notes, submitting notes (paste, preview, correct what the
parser understood, save), editing them and linking topics to decisions. The action items pages
are in action_items.py.

The preview parses without writing anything; saving parses again and stores everything in one
transaction through decisions.meetings.saving.save_meeting, keeping the submitted text exactly. An edit
replaces the topics, remarks, action items and links parsed from the old notes (an item with the
same owner and text keeps its status) and carries the version it started from: of two people
editing the same notes, the later save is refused with 409 and their text is shown again.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST, require_safe

from decisions.caching import fragments
from decisions.caching.fragments import reads_state
from decisions.caching.pageframe import render_page
from decisions.meetings.changes import meeting_changes
from decisions.meetings.correcting import preview, read_controls
from decisions.meetings.corrections import Corrections, apply_corrections
from decisions.meetings.forms import (
    MeetingEditForm,
    MeetingFilterForm,
    MeetingNotesForm,
    filter_choices,
)
from decisions.meetings.limits import meeting_size_problem, notes_size_problem
from decisions.meetings.pages import MeetingPage, meeting_page
from decisions.meetings.parsing import MeetingParseError, ParsedMeeting, parse_meeting
from decisions.meetings.saving import (
    KeptState,
    MeetingExists,
    StaleMeeting,
    existing_meeting,
    meeting_title,
    render_notes,
    save_meeting,
)
from decisions.meetings.suggesting import decision_rows, mark_saved_topics, people_of
from decisions.models import (
    RFC,
    ActionItemStatus,
    Decision,
    DecisionMeeting,
    Meeting,
    MeetingSeries,
    Topic,
    unique_slug,
)
from decisions.permissions import (
    Refused,
    allowed,
    can_accept_meeting,
    can_create_decision,
    can_edit_meeting,
    can_link_decision_to_meeting,
    can_link_decisions_to,
    can_submit_meeting,
    held_role,
    waits_for_acceptance,
)
from decisions.shortcuts import action_item_order, filtered_list
from decisions.sources.models import RecordKind
from decisions.sources.readonly import ensure_editable


@require_safe
@reads_state
def meeting_list(request: HttpRequest) -> HttpResponse:
    # The years come from every meeting's date: read once per state of the data, and only when
    # the filters are rendered (they and the results are fragments cached under the data state).
    form = SimpleLazyObject(
        lambda: MeetingFilterForm(
            request.GET, choices=fragments.cached(request, "meeting-filter-choices", (), filter_choices)
        )
    )

    def meetings() -> QuerySet[Meeting]:
        # Counted by correlated subqueries, not JOINs with COUNT(DISTINCT): the paginator's COUNT
        # then leaves them out, and they run for the page's rows only. Built only when the
        # results are rendered (building it alone costs as much as a cached page).
        return (
            Meeting.objects.for_list()
            .annotate(
                topic_count=_count(Topic.objects.filter(loose=False), "meeting"),
                attendee_count=_count(Meeting.attendees.through.objects, "meeting"),
            )
            # pk last: meetings of a series on one day keep one order; no page repeats or skips one.
            .order_by("-date", "series__name", "-pk")
        )

    can_submit = can_submit_meeting(request.user)
    return filtered_list(request, form, meetings, "decisions/meeting_list.html", 30, can_submit=can_submit)


def _count(rows: QuerySet, link: str) -> Coalesce:
    """COUNT(*) of `rows` whose `link` is the meeting, as a column of the meetings' query."""
    counted = rows.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


class MeetingSummary(NamedTuple):
    """What a meeting page reads for every reader (decisions.caching.fragments.cached_apart)."""

    title: str
    read_only: bool  # held in a repository: no edit on the site
    awaiting_review: bool


def _summary(kept: tuple[MeetingPage | None, str]) -> MeetingSummary | None:
    page = kept[0]
    if page is None:
        return None
    meeting = page.meeting
    return MeetingSummary(
        meeting.title, bool(page.home and page.home.read_only), bool(meeting.awaiting_review)
    )


@require_safe
@reads_state
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One query: the meeting, its topics, remarks and relations (decisions.meetings.pages).

    The rows and the rendered notes are kept under the data state, so the page is built again
    without a query until the next write; the notes for each set of controls (their forms hold
    the reader's CSRF token, put in per request: `{% statecache ... csrf %}`).
    """
    summary, kept = fragments.cached_apart(request, "meeting-page", (pk,), lambda: meeting_page(pk), _summary)
    if summary is None:
        raise Http404(f"No meeting {pk}.")
    # Unpickled only when read: a page whose fragments are cached makes no model instance.
    page = SimpleLazyObject(lambda: kept[0])
    meeting = SimpleLazyObject(lambda: page.meeting)
    may_start = can_create_decision(request.user)
    context = {
        "meeting": meeting,
        "page_title": summary.title,
        # For those who may open a record: each topic with the decision its remarks record or call for.
        "topics": SimpleLazyObject(
            lambda: mark_saved_topics(page.meeting, page.topics) if may_start else page.topics
        ),
        "attendees": SimpleLazyObject(lambda: page.attendees),
        "action_items": SimpleLazyObject(lambda: sorted(page.action_items, key=action_item_order)),
        "links": SimpleLazyObject(lambda: page.links),
        "rfcs": SimpleLazyObject(lambda: page.rfcs),
        "decisions": SimpleLazyObject(lambda: page.decisions),
        "home": SimpleLazyObject(lambda: page.home),
        "may_link": can_link_decisions_to(request.user, meeting),
        "can_start_decision": may_start,
        "may_accept": summary.awaiting_review and can_accept_meeting(request.user, meeting),
        # Whose action items get status buttons: every one for an editor, else the reader's own.
        "items_key": "all" if held_role(request.user, "action-item.status") else request.user.pk,
        "can_edit": not summary.read_only and can_edit_meeting(request.user, meeting),
    }
    # What differs between readers: the controls (the notes fragment's key, and those above it).
    context["body_vary"] = tuple(
        context[name] for name in ("may_link", "can_start_decision", "may_accept", "items_key", "can_edit")
    )
    return render_page(request, "decisions/meeting_detail.html", context)


def _preview_context(
    parsed: ParsedMeeting, corrections: Corrections, series: MeetingSeries | None
) -> dict[str, Any]:
    """The correcting preview (decisions.meetings.correcting) and the mentions it links."""
    context = preview(parsed, corrections, series)
    corrected = context["corrected"]
    known_rfcs = set(
        RFC.objects.filter(series="", number__in=corrected.rfc_mentions).values_list("number", flat=True)
    )
    known_decisions = set(
        Decision.objects.filter(number__in=corrected.decision_mentions).values_list("number", flat=True)
    )
    return {
        **context,
        "parsed": corrected,
        "rfc_mentions": [(n, n in known_rfcs) for n in corrected.rfc_mentions],
        "decision_mentions": [(n, n in known_decisions) for n in corrected.decision_mentions],
    }


def _decisions_found(
    context: dict[str, Any], user: Any, data: dict[str, Any], meeting: Meeting | None
) -> dict[str, Any]:
    """The decisions the corrected notes record or call for, each with its prefilled-record link."""
    series = data.get("series")
    rows = decision_rows(
        context["parsed"],
        people_of(context["names"]),
        series=series.name if series else (data.get("new_series") or "").strip(),
        date=data.get("date"),
        meeting=meeting,
    )
    return {"suggested_decisions": rows, "may_open_decision": can_create_decision(user)}


def _series(form: MeetingNotesForm) -> MeetingSeries:
    if name := (form.cleaned_data.get("new_series") or "").strip():
        series = MeetingSeries.objects.filter(name__iexact=name).first()
        return series or MeetingSeries.objects.create(name=name, slug=unique_slug(MeetingSeries, name))
    return form.cleaned_data["series"]


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not can_submit_meeting(request.user):
        raise Refused("meeting.new", what="submit meeting notes")
    form = MeetingNotesForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "waits": waits_for_acceptance(request.user, "meeting.new")}
    if request.method == "POST" and form.is_valid():
        text, data = form.cleaned_data["text"], form.cleaned_data
        if problem := notes_size_problem(text):
            form.add_error("notes", problem)
            return _render_new(request, context, status=422)
        try:
            parsed = parse_meeting(text, default_date=data["date"])
        except MeetingParseError as error:
            form.add_error("notes", _parse_problem(error))
        else:
            if problem := meeting_size_problem(parsed):
                form.add_error("notes", problem)
                return _render_new(request, context, status=422)
            corrections = read_controls(request.POST, parsed, data["corrections"])
            context.update(_preview_context(parsed, corrections, data.get("series")))
            corrected, _ = apply_corrections(parsed, corrections)
            context.update(_existing_context(form, corrected, request.user))
            context.update(_decisions_found(context, request.user, data, context["existing"]))
            if request.POST.get("action") == "save":
                if problem := meeting_size_problem(corrected):
                    form.add_error(None, problem)
                    return _render_new(request, context, status=422)
                return _save_new(request, form, corrected, corrections, context)
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    return _render_new(request, context, status=status)


# A meeting is its series and day: notes for a day that has one update it, never make a second.

EXISTS_UNSEEN = (
    "This series already has a meeting on this date, so nothing was saved: check what updating it "
    "changes below, then press “Update the existing meeting”."
)
EXISTS_CHANGED = (
    "Someone saved this meeting after your preview, so nothing was saved: below is what your notes "
    "change in the meeting as it is now. Press “Update the existing meeting” to save them over it."
)


def _chosen_series(form: MeetingNotesForm) -> MeetingSeries | None:
    """The series the notes are for, without creating a new one (the preview writes nothing)."""
    if name := (form.cleaned_data.get("new_series") or "").strip():
        return MeetingSeries.objects.filter(name__iexact=name).first()
    return form.cleaned_data.get("series")


def _existing_context(form: MeetingNotesForm, parsed: ParsedMeeting, user: Any) -> dict[str, Any]:
    """The meeting of the chosen series and day, if any, whether this person may update it, and
    what saving these (corrected) notes would change."""
    data = form.cleaned_data
    series = _chosen_series(form)
    existing = existing_meeting(series, data["date"], data.get("session") or "") if series else None
    if existing is None:
        return {"existing": None, "session": data.get("session") or "", "may_update": True}
    title = data.get("title") or meeting_title(parsed, existing.series.name, data["date"])
    changes = meeting_changes(
        existing, parsed, title=title, text=data["text"], items=None, labels=("on the site", "your notes")
    )
    return {
        "existing": existing,
        "changes": changes,
        "session": data.get("session") or "",
        "may_update": can_edit_meeting(user, existing),
    }


def _save_new(
    request: HttpRequest,
    form: MeetingNotesForm,
    parsed: ParsedMeeting,
    corrections: Corrections,
    context: dict[str, Any],
) -> HttpResponse:
    """Save as a new meeting, or over the one of that day when the preview showed it (at its version).

    Notes that change nothing (a second click, a resubmitted form) lead to the saved meeting.
    """
    existing = context["existing"]
    if existing is not None and not context["changes"].any:
        messages.info(request, f"These notes are already saved as the notes of {existing}; nothing changed.")
        return redirect(existing)
    if existing is not None and not context["may_update"]:
        raise Refused("meeting.edit", what=f"update the notes of {existing}", record=existing)
    seen = request.POST.get("update_meeting") or ""
    if existing is not None and seen != str(existing.pk):
        return _refuse_existing(request, form, parsed, context, EXISTS_UNSEEN)
    try:
        meeting = _save(request, form, parsed, corrections, existing)
    except (MeetingExists, IntegrityError):  # made by someone else since the lookup above
        return _refuse_existing(request, form, parsed, context, EXISTS_UNSEEN)
    except StaleMeeting:
        return _refuse_existing(request, form, parsed, context, EXISTS_CHANGED)
    verb = "Updated the notes of" if existing is not None else "Saved the notes of"
    messages.success(request, f"{verb} {meeting}.")
    return redirect(meeting)


def _refuse_existing(
    request: HttpRequest,
    form: MeetingNotesForm,
    parsed: ParsedMeeting,
    context: dict[str, Any],
    notice: str,
) -> HttpResponse:
    """The preview again, against the meeting as it is now, saying why nothing was saved (409)."""
    context.update(_existing_context(form, parsed, request.user))
    if context["existing"] is not None and not context["changes"].any:
        messages.info(request, f"These notes are already saved as the notes of {context['existing']}.")
        return redirect(context["existing"])
    context["exists_notice"] = notice
    return _render_new(request, context, status=409)


def _render_new(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    template = "decisions/meeting_new.html#preview" if request.htmx else "decisions/meeting_new.html"
    return render(request, template, context, status=200 if request.htmx else status)


def _parse_problem(error: MeetingParseError) -> str:
    return f"{error} (line {error.line})" if error.line else str(error)


def _save(
    request: HttpRequest,
    form: MeetingNotesForm,
    parsed: ParsedMeeting,
    corrections: Corrections,
    existing: Meeting | None,
) -> Meeting:
    """Save the corrected parse, exactly what the preview showed, with the corrections made: a new
    meeting (MeetingExists if the day has one by now), or `existing` at the version the preview
    showed (StaleMeeting if it moved on)."""
    data = form.cleaned_data
    if data.get("title"):
        parsed.title = data["title"]
    rendered = render_notes(parsed, data["text"])  # before the transaction: it holds the write lock
    update: dict[str, Any] = {"new": True, "session": data.get("session") or ""}
    if existing is not None:
        version = request.POST.get("update_version") or ""
        update = {
            "meeting": existing,
            "expected_version": int(version) if version.isdigit() else 0,
            "source_path": existing.source_path,  # still the file it was imported from
        }
    with transaction.atomic():
        meeting = save_meeting(
            parsed,
            series=_series(form),
            date=data["date"],
            source_text=data["text"],
            user=request.user,
            rendered=rendered,
            corrections=corrections,
            **update,
        )
        if existing is None and waits_for_acceptance(request.user, "meeting.new"):
            Meeting.objects.filter(pk=meeting.pk).update(awaiting_review=True)
            meeting.awaiting_review = True
        return meeting


@login_required
@require_POST
def topic_link_decision(request: HttpRequest, pk: int, topic: int) -> HttpResponse:
    """Record that a decision was discussed in this topic; the decision page then lists it."""
    topic_row = get_object_or_404(Topic.objects.select_related("meeting"), pk=topic, meeting_id=pk)
    decision = get_object_or_404(Decision, number=request.POST.get("decision") or 0)
    if not can_link_decision_to_meeting(request.user, decision, topic_row.meeting):
        raise Refused(
            "decision.link",
            what=f"link {decision.code} to this meeting",
            record=decision,
            reason=f"Only editors, and the owners of {decision.code} who submitted or attended this "
            "meeting, may link the two.",
        )
    DecisionMeeting.objects.get_or_create(decision=decision, meeting=topic_row.meeting, topic=topic_row)
    messages.success(request, f"Linked “{topic_row.title}” to {decision.code}.")
    return redirect(topic_row.get_absolute_url())


# Editing saved notes ----------------------------------------------------------------------------

STALE_MESSAGE = (
    "Someone else saved these notes after you opened them, so your changes were not saved. "
    "Your text is kept below, and the notes as they are now are shown under it: "
    "merge what you need and save again."
)
DAY_TAKEN = (
    "{series} already has a meeting on this date{which}: a series meets once a day. "
    "Choose another date or series, or paste these notes into that meeting and delete this one."
)


def _day_taken(meeting: Meeting, data: dict[str, Any]) -> str | None:
    """Why the edit cannot move the notes to that series and date, if another meeting is there."""
    other = Meeting.objects.filter(series=data["series"], date=data["date"], session=meeting.session)
    other = other.exclude(pk=meeting.pk).first()
    if other is None:
        return None
    return DAY_TAKEN.format(series=data["series"], which=f" (“{other.title}”, /meetings/{other.pk}/)")


def _edit_preview(
    meeting: Meeting, form: MeetingEditForm, parsed: ParsedMeeting, corrections: Corrections, user: Any
) -> dict[str, Any]:
    data = form.cleaned_data
    context = _preview_context(parsed, corrections, data["series"])
    kept = KeptState(meeting)  # the same rule the save applies
    labels = dict(ActionItemStatus.choices)
    for row in context["item_rows"]:
        carried = kept.carry(row["item"])
        if carried is not None:
            row["status"], row["status_label"] = carried[2], labels[carried[2]]
    return {
        **context,
        **_decisions_found(context, user, data, meeting),
        "title": data.get("title") or meeting_title(parsed, data["series"].name, data["date"]),
        "stale": data["version"] != meeting.version,
    }


def _edit_initial(meeting: Meeting) -> dict[str, Any]:
    return {
        "series": meeting.series_id,
        "date": meeting.date,
        "title": meeting.title,
        "notes": meeting.source_text,
        "version": meeting.version,
        "corrections": Corrections.from_dict(meeting.corrections).to_json(),
    }


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit saved notes: preview what is understood, then replace what was parsed in one transaction."""
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    if not can_edit_meeting(request.user, meeting):
        raise Refused("meeting.edit", what=f"edit the notes of {meeting}", record=meeting)
    ensure_editable(RecordKind.MEETING, meeting.pk, f"The meeting of {meeting.date:%Y-%m-%d}")
    if request.method != "POST":
        form = MeetingEditForm(initial=_edit_initial(meeting))
        return _render_edit(request, meeting, {"form": form})

    form = MeetingEditForm(request.POST)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        if problem := notes_size_problem(data["notes"]):
            form.add_error("notes", problem)
            return _render_edit(request, meeting, context, status=200 if request.htmx else 422)
        try:
            parsed = parse_meeting(data["notes"], default_date=data["date"])
        except MeetingParseError as error:
            form.add_error("notes", _parse_problem(error))
        else:
            if problem := meeting_size_problem(parsed):
                form.add_error("notes", problem)
                return _render_edit(request, meeting, context, status=200 if request.htmx else 422)
            corrections = read_controls(request.POST, parsed, data["corrections"])
            context.update(_edit_preview(meeting, form, parsed, corrections, request.user))
            if taken := _day_taken(meeting, data):
                form.add_error("date", taken)
            elif request.POST.get("action") == "save":
                return _save_edit(request, meeting, form, parsed, corrections, context)
    status = 422 if form.errors else 200
    return _render_edit(request, meeting, context, status=200 if request.htmx else status)


def _save_edit(
    request: HttpRequest,
    meeting: Meeting,
    form: MeetingEditForm,
    parsed: ParsedMeeting,
    corrections: Corrections,
    context: dict,
) -> HttpResponse:
    data = form.cleaned_data
    parsed, _ = apply_corrections(parsed, corrections)
    parsed.title = context["title"]
    rendered = render_notes(parsed, data["notes"])  # before the transaction: it holds the write lock
    try:
        with transaction.atomic():
            saved = save_meeting(
                parsed,
                series=data["series"],
                date=data["date"],
                source_text=data["notes"],
                source_path=meeting.source_path,
                user=request.user,
                meeting=meeting,
                expected_version=data["version"],
                rendered=rendered,
                corrections=corrections,
            )
    except StaleMeeting:
        return _refuse_stale(request, meeting)
    except IntegrityError:  # another meeting took the same series and date just now
        form.add_error("date", _day_taken(meeting, data) or DAY_TAKEN.format(series=data["series"], which=""))
        return _render_edit(request, meeting, context, status=409)
    messages.success(request, f"Saved your changes to the notes of {saved}.")
    return redirect(saved)


def _refuse_stale(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The form again with the person's own text, the current version to save over, and their notes."""
    current = get_object_or_404(Meeting.objects.select_related("series"), pk=meeting.pk)  # or deleted
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = MeetingEditForm(data)
    form.is_valid()
    form.add_error(None, STALE_MESSAGE)
    return _render_edit(request, current, {"form": form, "current": current}, status=409)


def _render_edit(
    request: HttpRequest, meeting: Meeting, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    template = "decisions/meeting_edit.html#preview" if request.htmx else "decisions/meeting_edit.html"
    return render(request, template, {"meeting": meeting, **context}, status=status)


@login_required
@require_POST
def meeting_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor accepts notes a contributor submitted: they stop being shown as waiting."""
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    if not allowed(request.user, "meeting.accept"):
        raise Refused("meeting.accept", what=f"accept the notes of {meeting}", record=meeting)
    if not meeting.awaiting_review:
        messages.info(request, f"The notes of {meeting} were already accepted.")
        return redirect(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(awaiting_review=False)
    messages.success(request, f"Accepted the notes of {meeting}.")
    return redirect(meeting)
