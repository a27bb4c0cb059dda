"""Submitting meeting notes (paste, preview, correct the action items, save), editing them, and
linking topics.

The preview parses without writing anything; saving parses again and stores everything in one
transaction through decisions.meetings.saving.save_meeting, keeping the submitted text exactly. An edit
replaces the topics, remarks, action items and links parsed from the old notes (an item with the
same owner and text keeps its status) and carries the version it started from: of two people
editing the same notes, the later save is refused with 409 and their text is shown again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from decisions import markdown
from decisions.forms import ControlFreeForm, MeetingNotesForm
from decisions.meetings.limits import MAX_ACTION_ITEMS, meeting_size_problem, notes_size_problem
from decisions.meetings.parsing import MeetingParseError, ParsedActionItem, ParsedMeeting, parse_meeting
from decisions.meetings.saving import KeptState, StaleMeeting, meeting_title, render_notes, save_meeting
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
from decisions.people.names import match_people
from decisions.permissions import can_edit_meeting, can_link_decision_to_meeting, can_submit_meeting


class ActionItemDraftForm(ControlFreeForm):
    owner = forms.CharField(required=False, max_length=200)
    text = forms.CharField(max_length=1000)
    due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    done = forms.BooleanField(required=False)


# A meeting's limit plus the one empty row, so every item a preview shows can be saved.
ActionItemDraftFormSet = forms.formset_factory(
    ActionItemDraftForm, extra=1, can_delete=True, max_num=MAX_ACTION_ITEMS + 1, validate_max=True
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()[:16]


def _items_formset(request: HttpRequest, parsed: ParsedMeeting, digest: str) -> Any:
    """The person's edited items when they previewed these same notes before, else the parsed ones."""
    if request.POST.get("parsed_digest") == digest and "items-TOTAL_FORMS" in request.POST:
        return ActionItemDraftFormSet(request.POST, prefix="items")
    initial = [
        {"owner": i.owner or "", "text": i.text, "due": i.due, "done": i.done} for i in parsed.action_items
    ]
    return ActionItemDraftFormSet(initial=initial, prefix="items")


def _preview_context(parsed: ParsedMeeting) -> dict[str, Any]:
    names = list(dict.fromkeys([*parsed.attendees, *parsed.speakers]))
    people = match_people(names)
    known_rfcs = set(
        RFC.objects.filter(series="", number__in=parsed.rfc_mentions).values_list("number", flat=True)
    )
    known_decisions = set(
        Decision.objects.filter(number__in=parsed.decision_mentions).values_list("number", flat=True)
    )
    return {
        "parsed": parsed,
        "people": people,
        "new_people": [name for name in names if people.get(name) is None],
        "speakers": [(name, people.get(name)) for name in parsed.speakers],
        "rfc_mentions": [(n, n in known_rfcs) for n in parsed.rfc_mentions],
        "decision_mentions": [(n, n in known_decisions) for n in parsed.decision_mentions],
    }


def _series(form: MeetingNotesForm) -> MeetingSeries:
    if name := (form.cleaned_data.get("new_series") or "").strip():
        series = MeetingSeries.objects.filter(name__iexact=name).first()
        return series or MeetingSeries.objects.create(name=name, slug=unique_slug(MeetingSeries, name))
    return form.cleaned_data["series"]


def _drafted_items(formset: Any) -> list[ParsedActionItem]:
    return [
        ParsedActionItem(owner=f["owner"] or None, text=f["text"], due=f["due"], done=f["done"], line=0)
        for f in (form.cleaned_data for form in formset.forms)
        if f and not f.get("DELETE") and f.get("text")
    ]


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not can_submit_meeting(request.user):
        raise PermissionDenied("Your account may not submit meeting notes.")
    form = MeetingNotesForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
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
            digest = _digest(text)
            items = _items_formset(request, parsed, digest)
            context.update(_preview_context(parsed), items=items, digest=digest)
            if request.POST.get("action") == "save" and items.is_valid():
                meeting = _save(request, form, parsed, items)
                messages.success(request, f"Saved the notes of {meeting}.")
                return redirect(meeting)
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    return _render_new(request, context, status=status)


def _render_new(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    template = "decisions/meeting_new.html#preview" if request.htmx else "decisions/meeting_new.html"
    return render(request, template, context, status=200 if request.htmx else status)


def _parse_problem(error: MeetingParseError) -> str:
    return f"{error} (line {error.line})" if error.line else str(error)


def _save(request: HttpRequest, form: MeetingNotesForm, parsed: ParsedMeeting, items: Any) -> Any:
    data = form.cleaned_data
    if data.get("title"):
        parsed.title = data["title"]
    rendered = render_notes(parsed, data["text"])  # before the transaction: it holds the write lock
    with transaction.atomic():
        return save_meeting(
            parsed,
            series=_series(form),
            date=data["date"],
            source_text=data["text"],
            user=request.user,
            action_items=_drafted_items(items),
            rendered=rendered,
        )


@login_required
@require_POST
def topic_link_decision(request: HttpRequest, pk: int, topic: int) -> HttpResponse:
    """Record that a decision was discussed in this topic; the decision page then lists it."""
    topic_row = get_object_or_404(Topic.objects.select_related("meeting"), pk=topic, meeting_id=pk)
    decision = get_object_or_404(Decision, number=request.POST.get("decision") or 0)
    if not can_link_decision_to_meeting(request.user, decision, topic_row.meeting):
        raise PermissionDenied(
            f"Only editors, and the owners of {decision.code} who submitted or attended this meeting, "
            "may link the two."
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
TITLE_TAKEN = "Another meeting of this series on this date already has this title; choose another."


class MeetingEditForm(ControlFreeForm):
    """A saved meeting's series, date, title and notes, with the version the edit started from."""

    series = forms.ModelChoiceField(queryset=MeetingSeries.objects.order_by("name"), empty_label=None)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(
        required=False, max_length=300, help_text="Leave empty to take it from the notes."
    )
    notes = forms.CharField(
        strip=False,  # kept exactly as given
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text="The whole notes (Markdown): topics as headings, remarks as “- **Name**: text”.",
        error_messages={"required": "The notes are empty: paste the text of the meeting notes."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A NUL is refused in clean_notes with its line, rather than without one.
        field = self.fields["notes"]
        field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def clean_notes(self) -> str:
        # Browsers send a textarea's line breaks as CRLF whatever was pasted; undo that only.
        text = self.cleaned_data["notes"].replace("\r\n", "\n")
        if "\x00" in text:
            line = text[: text.index("\x00")].count("\n") + 1
            raise forms.ValidationError(f"Line {line} contains a NUL character; remove it and save again.")
        try:
            markdown.check_size(text)
        except markdown.MarkdownTooLarge as error:
            raise forms.ValidationError(str(error)) from error
        return text


def _edit_preview(meeting: Meeting, form: MeetingEditForm, parsed: ParsedMeeting) -> dict[str, Any]:
    data = form.cleaned_data
    kept = KeptState(meeting)  # the same rule the save applies
    labels = dict(ActionItemStatus.choices)
    items = []
    for item in parsed.action_items:
        carried = kept.carry(item)
        if carried is not None:
            items.append({"item": item, "status": carried[2], "label": labels[carried[2]]})
    return {
        **_preview_context(parsed),
        "title": data.get("title") or meeting_title(parsed, data["series"].name, data["date"]),
        "items": items,
        "stale": data["version"] != meeting.version,
    }


def _edit_initial(meeting: Meeting) -> dict[str, Any]:
    return {
        "series": meeting.series_id,
        "date": meeting.date,
        "title": meeting.title,
        "notes": meeting.source_text,
        "version": meeting.version,
    }


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit saved notes: preview what is understood, then replace what was parsed in one transaction."""
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    if not can_edit_meeting(request.user, meeting):
        raise PermissionDenied(
            "Only whoever submitted these notes, their attendees and editors may edit them."
        )
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
            context.update(_edit_preview(meeting, form, parsed))
            taken = Meeting.objects.filter(series=data["series"], date=data["date"], title=context["title"])
            if taken.exclude(pk=meeting.pk).exists():
                form.add_error("title", TITLE_TAKEN)
            elif request.POST.get("action") == "save":
                return _save_edit(request, meeting, form, parsed, context)
    status = 422 if form.errors else 200
    return _render_edit(request, meeting, context, status=200 if request.htmx else status)


def _save_edit(
    request: HttpRequest, meeting: Meeting, form: MeetingEditForm, parsed: ParsedMeeting, context: dict
) -> HttpResponse:
    data = form.cleaned_data
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
            )
    except StaleMeeting:
        return _refuse_stale(request, meeting)
    except IntegrityError:  # another meeting took the same series, date and title just now
        form.add_error("title", TITLE_TAKEN)
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
