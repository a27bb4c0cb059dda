"""Submitting meeting notes (paste, preview, correct the action items, save) and linking topics.

The preview parses without writing anything; saving parses again and stores everything in one
transaction through decisions.meetings.save_meeting, keeping the submitted text exactly.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from decisions.forms import MeetingNotesForm
from decisions.meetings import match_people, save_meeting
from decisions.models import RFC, Decision, DecisionMeeting, MeetingSeries, Topic, unique_slug
from decisions.parsing.meetings import MeetingParseError, ParsedActionItem, ParsedMeeting, parse_meeting
from decisions.views.records import can_edit_decision


class ActionItemDraftForm(forms.Form):
    owner = forms.CharField(required=False, max_length=200)
    text = forms.CharField(max_length=1000)
    due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    done = forms.BooleanField(required=False)


ActionItemDraftFormSet = forms.formset_factory(ActionItemDraftForm, extra=1, can_delete=True, max_num=500)


def can_submit_meeting(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("decisions.add_meeting"))


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
    known_rfcs = set(RFC.objects.filter(number__in=parsed.rfc_mentions).values_list("number", flat=True))
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
        try:
            parsed = parse_meeting(text, default_date=data["date"])
        except MeetingParseError as error:
            where = f" (line {error.line})" if error.line else ""
            form.add_error("notes", f"{error}{where}")
        else:
            digest = _digest(text)
            items = _items_formset(request, parsed, digest)
            context.update(_preview_context(parsed), items=items, digest=digest)
            if request.POST.get("action") == "save" and items.is_valid():
                meeting = _save(request, form, parsed, items)
                messages.success(request, f"Saved the notes of {meeting}.")
                return redirect(meeting)
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    template = "decisions/meeting_new.html#preview" if request.htmx else "decisions/meeting_new.html"
    return render(request, template, context, status=200 if request.htmx else status)


def _save(request: HttpRequest, form: MeetingNotesForm, parsed: ParsedMeeting, items: Any) -> Any:
    data = form.cleaned_data
    if data.get("title"):
        parsed.title = data["title"]
    with transaction.atomic():
        return save_meeting(
            parsed,
            series=_series(form),
            date=data["date"],
            source_text=data["text"],
            user=request.user,
            action_items=_drafted_items(items),
        )


@login_required
@require_POST
def topic_link_decision(request: HttpRequest, pk: int, topic: int) -> HttpResponse:
    """Record that a decision was discussed in this topic; the decision page then lists it."""
    topic_row = get_object_or_404(Topic.objects.select_related("meeting"), pk=topic, meeting_id=pk)
    decision = get_object_or_404(Decision, number=request.POST.get("decision") or 0)
    if not can_edit_decision(request.user, decision):
        raise PermissionDenied("You may not change that decision.")
    DecisionMeeting.objects.get_or_create(decision=decision, meeting=topic_row.meeting, topic=topic_row)
    messages.success(request, f"Linked “{topic_row.title}” to {decision.code}.")
    return redirect(topic_row.get_absolute_url())
