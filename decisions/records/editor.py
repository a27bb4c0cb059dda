"""The decision editor page: who may open it, its formsets, and the context of its matrix editor.

Shared by the record form (decisions.records.views) and the matrix actions
(decisions.records.matrix_edit), which both answer with this page or a part of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision, DecisionStatus, Meeting, Rating, Topic
from decisions.permissions import Refused, can_decide_decision, can_edit_decision, meetings_linkable_by
from decisions.records import matrix as matrix_module
from decisions.records.forms import (
    CitationFormSet,
    CriterionForm,
    DecisionForm,
    DiscussionFormSet,
    OptionForm,
    OwnerFormSet,
)
from decisions.signoff.flow import advance_due
from decisions.sources.models import RecordKind
from decisions.sources.readonly import ensure_editable

VERSION_HEADER = "X-Decision-Version"


def get_decision_for_edit(request: HttpRequest, number: int) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("chosen_option"), number=number)
    if advance_due(decision, timezone.now()):  # a period that ended may have changed its status
        decision = get_object_or_404(Decision.objects.select_related("chosen_option"), number=number)
    if not can_edit_decision(request.user, decision):
        raise Refused("decision.edit", what=f"edit {decision.code}", record=decision)
    ensure_editable(RecordKind.DECISION, decision.pk, decision.code)
    # Read by the editor's templates and the outcome action: contributors edit, owners decide.
    decision.may_decide = can_decide_decision(request.user, decision)
    return decision


def formsets(decision: Decision, user: Any, data: Any = None) -> dict[str, Any]:
    discussions = DiscussionFormSet(data, instance=decision, prefix="discussions")
    # Only meetings this person may link to (can_link_decision_to_meeting), and those linked already.
    linkable = Q(pk__in=meetings_linkable_by(user).values("pk")) | Q(decision_discussions__decision=decision)
    meetings = Meeting.objects.filter(linkable).distinct().select_related("series").order_by("-date")
    topics = Topic.objects.filter(meeting__decision_discussions__decision=decision).select_related("meeting")
    for form in discussions.forms:
        form.fields["meeting"].queryset = meetings
        form.fields["topic"].queryset = topics.distinct()
        form.fields["topic"].label_from_instance = lambda t: f"{t.meeting.date:%Y-%m-%d}: {t.title}"
    # Who owns the record is the deciders' call: a contributor may not make themselves an owner.
    owners = (
        {"owners": OwnerFormSet(data, instance=decision, prefix="owners")} if _decides(decision, user) else {}
    )
    return {
        **owners,
        "citations": CitationFormSet(data, instance=decision, prefix="citations"),
        "discussions": discussions,
    }


def _decides(decision: Decision, user: Any) -> bool:
    may = getattr(decision, "may_decide", None)
    return can_decide_decision(user, decision) if may is None else may


def editor_context(
    decision: Decision, attempt: Any = None, conflict: str = "", **extra: Any
) -> dict[str, Any]:
    """The matrix editor; a refused change comes back pre-filled so nothing typed is lost.

    `conflict` says why a change was refused because someone else saved the same thing first:
    it is shown beside the cell, option or criterion it is about, next to their values.
    """
    action = attempt.get("action", "").partition(":")[0] if attempt else None
    matrix = matrix_module.for_decision(decision)
    if action == "rate" and (cell := matrix.find(attempt.get("option"), attempt.get("criterion"))):
        cell.draft = {"rating": attempt.get("rating", ""), "note": attempt.get("note", "")}
        cell.conflict = conflict
    axis = action.removeprefix("update-") if action in ("update-option", "update-criterion") else ""
    return {
        "decision": decision,
        "matrix": matrix,
        "matrix_url": reverse("decisions:decision-matrix", args=[decision.number]),
        "ratings": Rating.choices,
        "statuses": DecisionStatus.choices,
        "option_form": OptionForm(attempt if action == "add-option" else None, prefix="new-option"),
        "criterion_form": CriterionForm(
            attempt if action == "add-criterion" else None, prefix="new-criterion"
        ),
        "attempt": attempt,
        "axis_conflict": {"axis": axis, "pk": attempt.get(axis), "message": conflict}
        if axis and conflict
        else None,
        "outcome_attempt": attempt if action == "outcome" else None,
        "may_decide": getattr(decision, "may_decide", False),
        **extra,
    }


def render_edit(
    request: HttpRequest,
    decision: Decision,
    form: DecisionForm,
    forms: dict[str, Any],
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The whole editor page: the record form and the matrix editor."""
    context = editor_context(decision, form=form, **forms, **extra)
    response = render(request, "decisions/decision_edit.html", context, status=status)
    response[VERSION_HEADER] = str(decision.version)
    return response
