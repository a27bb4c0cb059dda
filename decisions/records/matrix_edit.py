"""Editing a decision's options matrix: one endpoint whose `action` names the change.

Each cell, option and criterion carries its own version, and so does the outcome: two people
changing different cells, options or criteria never refuse each other. Only a change to the
same thing someone else saved after you opened the page is refused (409), with their value shown
beside yours and yours kept in the form. Every change is a revision of the record
(decisions.records.history); removing an option or criterion asks first and can be undone.

htmx gets the changed cell (with its row's total) or the matrix editor back; a plain form post
gets a redirect, or the page with the problem, so everything works without JavaScript.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from decisions.models import Assessment, Criterion, Decision, DecisionStatus, Option
from decisions.permissions import Refused
from decisions.records import history
from decisions.records.editor import (
    VERSION_HEADER,
    editor_context,
    formsets,
    get_decision_for_edit,
    render_edit,
)
from decisions.records.forms import AssessmentForm, CriterionForm, DecisionForm, OptionForm

CELL_CONFLICT = (
    "Someone else rated this cell after you opened the page. Their rating is shown here; yours "
    "is still in the form: save it to replace theirs."
)
ROW_CONFLICT = (
    "Someone else changed {what} after you opened the page; it is now {theirs}. Your input is "
    "still in the form: save it to replace theirs."
)
OUTCOME_CONFLICT = (
    "Someone else saved the outcome after you opened the page; it is now: {theirs}. Your choice "
    "is still in the form: save it to replace theirs."
)


class ActionError(Exception):
    """A matrix change that cannot be done, with the reason to show the person."""

    status = 422


class Conflict(ActionError):
    """Someone else saved the same cell, option, criterion or outcome first."""

    status = 409


class NeedsConfirmation(Exception):
    """A removal not confirmed yet: ask first (and again when the row changed since)."""

    def __init__(self, axis: Axis, row: Any, message: str = "") -> None:
        super().__init__(message)
        self.axis, self.row, self.message = axis, row, message


@dataclass
class Change:
    """One requested change, and what it did: the message, and what a removal took away."""

    data: Any
    user: Any
    note: str = ""
    undo: dict | None = None
    revision: Any = None
    cell: tuple[str, str] | None = field(default=None)


def _seen(data: Any) -> int:
    """The version the person's form was opened at; a garbled one matches nothing."""
    value = str(data.get("version", ""))
    return int(value) if value.isdigit() else -1


def _one(queryset: QuerySet, pk: str | None, what: str) -> Any:
    try:
        return queryset.get(pk=int(pk or ""))
    except (ValueError, queryset.model.DoesNotExist):
        raise ActionError(f"That {what} no longer exists; someone may have removed it.") from None


def _move(rows: list[Any], target: Any, direction: str) -> None:
    index = next(i for i, row in enumerate(rows) if row.pk == target.pk)
    other = index - 1 if direction in {"up", "left"} else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for order, row in enumerate(rows):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])


def _form_errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {e}".lstrip(": ")
        for f, errs in form.errors.items()
        for e in errs
    )


def _save_named(form: Any, decision: Decision, model: type, instance: Any = None) -> Any:
    if not form.is_valid():
        raise ActionError(_form_errors(form))
    name = form.cleaned_data["name"].strip()
    clash = model.objects.filter(decision=decision, name__iexact=name).exclude(
        pk=getattr(instance, "pk", None)
    )
    if clash.exists():
        raise ActionError(
            f"“{name}” is already one of the {model._meta.verbose_name_plural}; pick another name."
        )
    row = form.save(commit=False)
    row.decision = decision
    row.name = name
    if instance is None:
        row.order = (model.objects.filter(decision=decision).aggregate(n=Max("order"))["n"] or 0) + 1
    row.save()
    return row


@dataclass(frozen=True)
class Axis:
    """Options (rows) and criteria (columns) are edited the same way; this says which one."""

    key: str
    model: type
    form: type
    related: str
    describe: Callable[[Any], str]


AXES = {
    "option": Axis("option", Option, OptionForm, "options", lambda row: f"the option “{row.name}”"),
    "criterion": Axis(
        "criterion",
        Criterion,
        CriterionForm,
        "criteria",
        lambda row: f"the criterion “{row.name}” (weight {row.weight})",
    ),
}


def _target(axis: Axis, decision: Decision, data: Any) -> Any:
    return _one(getattr(decision, axis.related), data.get(axis.key), axis.key)


def _add(axis: Axis, decision: Decision, change: Change) -> None:
    row = _save_named(axis.form(change.data, prefix=f"new-{axis.key}"), decision, axis.model)
    change.note = f"Added {axis.describe(row)}."


def _update(axis: Axis, decision: Decision, change: Change) -> None:
    target = _target(axis, decision, change.data)
    theirs, version = axis.describe(target), target.version
    form = axis.form(change.data, instance=target)
    if _seen(change.data) != version:
        form.is_valid()  # the person's input, checked, is what the page shows again
        raise Conflict(ROW_CONFLICT.format(what=f"this {axis.key}", theirs=theirs))
    target.version = version + 1
    row = _save_named(form, decision, axis.model, target)
    change.note = f"Saved {axis.describe(row)}."


def _reorder(axis: Axis, decision: Decision, change: Change) -> None:
    # Moves are relative ("one up"), so they apply to the matrix as it is now: no version.
    target = _target(axis, decision, change.data)
    _move(list(getattr(decision, axis.related).all()), target, change.data.get("direction", ""))
    change.note = f"Moved “{target.name}” {change.data.get('direction')}."


def _remove(axis: Axis, decision: Decision, change: Change) -> None:
    target = _target(axis, decision, change.data)
    if change.data.get("confirm") != "yes":
        raise NeedsConfirmation(axis, target)
    if _seen(change.data) != target.version:
        raise NeedsConfirmation(
            axis,
            target,
            f"Someone changed {axis.describe(target)} since you asked; check it and confirm again.",
        )
    change.undo = history.removal(target, decision)
    target.delete()
    count = len(change.undo["ratings"])
    change.note = f"Removed {axis.describe(target)} and its {count} rating{'s' if count != 1 else ''}."


def _rate(decision: Decision, change: Change) -> None:
    option = _one(decision.options, change.data.get("option"), "option")
    criterion = _one(decision.criteria, change.data.get("criterion"), "criterion")
    change.cell = (str(option.pk), str(criterion.pk))
    current = Assessment.objects.filter(option=option, criterion=criterion).first()
    version = current.version if current else 0
    theirs = (current.rating, current.note) if current else None  # before the form fills it in
    form = AssessmentForm(change.data, instance=current)
    if not form.is_valid():
        raise ActionError(_form_errors(form))
    wanted = (form.cleaned_data["rating"], form.cleaned_data["note"])
    # The same value someone else just saved is no conflict; a new cell overwrites nothing.
    if theirs and _seen(change.data) != version and theirs != wanted:
        raise Conflict(CELL_CONFLICT)
    assessment = form.save(commit=False)
    assessment.option, assessment.criterion = option, criterion
    assessment.version = version + 1
    assessment.save()
    change.note = f"Rated “{option.name}” on {criterion.name}: {assessment.get_rating_display()}."


def _outcome_text(decision: Decision) -> str:
    chosen = f"“{decision.chosen_option.name}”" if decision.chosen_option else "no option chosen"
    decided = f", decided on {decision.decided_on:%Y-%m-%d}" if decision.decided_on else ""
    return f"{chosen}, {decision.get_status_display().lower()}{decided}"


def _outcome(decision: Decision, change: Change) -> None:
    data, previous = change.data, decision.status
    if not decision.claim_outcome(_seen(data)):
        decision.refresh_from_db()
        raise Conflict(OUTCOME_CONFLICT.format(theirs=_outcome_text(decision)))
    chosen = data.get("chosen_option") or ""
    decision.chosen_option = _one(decision.options, chosen, "option") if chosen else None
    status = data.get("status") or decision.status
    if status not in DecisionStatus.values:
        raise ActionError(f"“{status}” is not a status.")
    decision.status = status
    decided_on = data.get("decided_on") or ""
    try:
        decision.decided_on = datetime.date.fromisoformat(decided_on) if decided_on else None
    except ValueError:
        raise ActionError(f"“{decided_on}” is not a date; use YYYY-MM-DD.") from None
    if status == DecisionStatus.ACCEPTED and not decision.decided_on:
        decision.decided_on = timezone.localdate()
    decision.save(update_fields=["chosen_option", "status", "decided_on", "updated_at"])
    decision.record_status(previous, user=change.user, on=history.status_date(status, decision.decided_on))
    chosen = f"“{decision.chosen_option.name}”" if decision.chosen_option else "no option chosen"
    change.note = f"Outcome saved: {chosen}, {decision.get_status_display().lower()}."


ACTIONS: dict[str, Callable[[Decision, Change], None]] = {
    **{
        f"{verb}-{key}": partial(do, axis)
        for key, axis in AXES.items()
        for verb, do in (("add", _add), ("update", _update), ("move", _reorder), ("remove", _remove))
    },
    "rate": _rate,
    "outcome": _outcome,
}


def _apply(decision: Decision, action: Callable[[Decision, Change], None], change: Change) -> None:
    with transaction.atomic():
        history.begin(decision)
        action(decision, change)
        change.revision = history.record(decision, user=change.user, message=change.note, undo=change.undo)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decision_matrix(request: HttpRequest, number: int) -> HttpResponse:
    """POST: one matrix change. GET: the editor (its fragment for htmx), or with `?remove=`,
    the question whether to remove that option or criterion."""
    decision = get_decision_for_edit(request, number)
    if request.method != "POST":
        return _show(request, decision)
    name, _, direction = request.POST.get("action", "").partition(":")
    if name == "outcome" and not decision.may_decide:
        raise Refused("decision.decide", what=f"choose the outcome of {decision.code}", record=decision)
    data = request.POST.copy()
    data["direction"] = direction
    change = Change(data, request.user)
    error, status = "", 200
    try:
        action = ACTIONS.get(name)
        if action is None:
            raise ActionError("Unknown change; reload the page and try again.")
        _apply(decision, action, change)
    except NeedsConfirmation as ask:
        return _ask(request, decision, ask)
    except (ActionError, IntegrityError) as problem:
        status = problem.status if isinstance(problem, ActionError) else 409
        error = (
            str(problem) if isinstance(problem, ActionError) else "That change conflicts with the matrix now."
        )
    decision.refresh_from_db()
    conflict = error if status == 409 else ""
    if not request.htmx:
        if error:
            form, forms = DecisionForm(instance=decision), formsets(decision, request.user)
            return render_edit(request, decision, form, forms, status, matrix_error=error, attempt=request.POST, conflict=conflict)  # fmt: skip
        messages.success(request, change.note)
        anchor = f"cell-{change.cell[0]}-{change.cell[1]}" if change.cell else "matrix-editor"
        return redirect(f"{decision.get_absolute_url()}edit/#{anchor}")
    if name == "rate" and change.cell:
        return _cell_answer(request, decision, change, error, status)
    context = editor_context(
        decision,
        attempt=request.POST if error else None,
        conflict=conflict,
        matrix_error="" if conflict and name != "outcome" else error,
        matrix_note=change.note,
        undo_revision=change.revision if change.undo else None,
    )
    return _fragment(request, "decisions/decision_edit.html#matrix-editor", context, status)


def _fragment(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response[VERSION_HEADER] = str(context["decision"].version)
    return response


def _cell_answer(
    request: HttpRequest, decision: Decision, change: Change, error: str, status: int
) -> HttpResponse:
    """Only the rated cell, with its row's total and the status line out of band: answers to two
    cells rated at the same instant never overwrite each other's cell."""
    context = editor_context(
        decision, attempt=request.POST if error else None, conflict=error if status == 409 else ""
    )
    matrix = context["matrix"]
    row = matrix.row(change.cell[0])
    cell = matrix.find(*change.cell)
    if error and status != 409 and cell is not None:
        cell.conflict = error
    context.update(row=row, cell=cell, matrix_note=change.note if not error else "", oob=True)
    return _fragment(request, "decisions/decision_edit.html#matrix-cell-answer", context, status)


def _ask(request: HttpRequest, decision: Decision, ask: NeedsConfirmation) -> HttpResponse:
    """Removing asks first: in the editor with htmx, else on a page of its own."""
    if not request.htmx:
        if not ask.message:
            url = reverse("decisions:decision-matrix", args=[decision.number])
            response = redirect(f"{url}?remove={ask.axis.key}&id={ask.row.pk}")
            response.status_code = 303  # see the question (a GET), the post is done
            return response
        return _confirm_page(request, decision, ask.axis, ask.row, ask.message, status=409)
    context = editor_context(decision, confirm=_confirmation(ask.axis, ask.row, ask.message))
    return _fragment(
        request, "decisions/decision_edit.html#matrix-editor", context, 409 if ask.message else 200
    )


def _confirmation(axis: Axis, row: Any, message: str = "") -> dict[str, Any]:
    assessments = list(row.assessments.all())
    return {
        "axis": axis.key,
        "row": row,
        "what": axis.describe(row),
        "ratings": len(assessments),
        "notes": sum(bool(a.note) for a in assessments),
        "message": message,
    }


def _confirm_page(
    request: HttpRequest, decision: Decision, axis: Axis, row: Any, message: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "decision": decision,
        "confirm": _confirmation(axis, row, message),
        "matrix_url": reverse("decisions:decision-matrix", args=[decision.number]),
    }
    return render(request, "decisions/decision_matrix_remove.html", context, status=status)


def _show(request: HttpRequest, decision: Decision) -> HttpResponse:
    axis = AXES.get(request.GET.get("remove", ""))
    row = None
    if axis is not None:
        row = getattr(decision, axis.related).filter(pk=int(request.GET.get("id", "") or 0) if request.GET.get("id", "").isdigit() else 0).first()  # fmt: skip
    if request.htmx:
        confirm = _confirmation(axis, row) if axis and row else None
        gone = (
            "That option or criterion no longer exists; someone may have removed it."
            if axis and not row
            else ""
        )
        context = editor_context(decision, confirm=confirm, matrix_error=gone)
        return _fragment(request, "decisions/decision_edit.html#matrix-editor", context)
    if axis is None:
        return redirect(f"{decision.get_absolute_url()}edit/#matrix-editor")
    if row is None:
        messages.error(
            request, f"That {axis.key} no longer exists; someone may have removed it. See the history."
        )
        return redirect(f"{decision.get_absolute_url()}edit/#matrix-editor")
    return _confirm_page(request, decision, axis, row)
