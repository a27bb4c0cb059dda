"""The decision record pages: the list, the record, its Markdown and the ZIP of every record, and
writing records (create, edit, build the options matrix with htmx).

Every write starts with Decision.claim_version(): of two people editing from the same version,
the later save is refused with a message and their input is shown again, never dropped.
Each matrix action answers an htmx request with the re-rendered matrix editor, and a plain form
post with a redirect (or the page with the error), so everything works without JavaScript.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST, require_safe

from decisions.forms import form_over_current
from decisions.markdown.fields import prerender
from decisions.models import (
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionStatus,
    Meeting,
    Option,
    OwnerRole,
    Rating,
    Topic,
)
from decisions.permissions import can_create_decision, can_edit_decision, meetings_linkable_by
from decisions.records import export as exporting
from decisions.records import matrix as matrix_module
from decisions.records.forms import (
    AssessmentForm,
    CitationFormSet,
    CriterionForm,
    DecisionFilterForm,
    DecisionForm,
    DiscussionFormSet,
    NewDecisionForm,
    OptionForm,
    OwnerFormSet,
)
from decisions.records.pages import decision_page
from decisions.shortcuts import MARKDOWN_CONTENT_TYPE, RECORD_CACHE_SECONDS, action_item_order, filtered_list


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
    return filtered_list(request, form, decisions, "decisions/decision_list.html", 50, can_create=can_create)


def _get_decision(number: int) -> Decision:
    return get_object_or_404(Decision.objects.select_related("chosen_option", "supersedes"), number=number)


@require_safe
def decision_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One query when the record is cached, four when not (the query count `make bench` holds constant).

    The record, and everything it shows besides its matrix, come in one query (decisions.records.pages);
    the rendered record is cached under a fingerprint of those rows, so any change to it, or to a
    meeting, person or precedent it shows, renders it again. Edits to the matrix move the
    record's version. The matrix and the lists are only built when the record is not cached.
    """
    page, rows_key = decision_page(number)
    if page is None:
        raise Http404(f"No decision DR-{number:04d}.")
    decision = page.decision
    context = {
        "decision": decision,
        "matrix": SimpleLazyObject(lambda: matrix_module.for_decision(decision)),
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
        "action_items": SimpleLazyObject(lambda: sorted(page.links.action_items, key=action_item_order)),
        "can_edit": can_edit_decision(request.user, decision),
        "record_key": rows_key,
        "record_seconds": RECORD_CACHE_SECONDS,
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


VERSION_HEADER = "X-Decision-Version"
STALE_MESSAGE = (
    "Someone else changed this decision (at {time}) after you opened it, so your change was not "
    "saved. The page now shows their version; your input is kept below. Check it and save again."
)


def _get_decision_for_edit(request: HttpRequest, number: int) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("chosen_option"), number=number)
    if not can_edit_decision(request.user, decision):
        raise PermissionDenied("You may read this decision but not edit it.")
    return decision


def _stale_message(decision: Decision) -> str:
    current = Decision.objects.only("updated_at").get(pk=decision.pk)
    return STALE_MESSAGE.format(time=timezone.localtime(current.updated_at).strftime("%H:%M:%S"))


@login_required
def decision_new(request: HttpRequest) -> HttpResponse:
    if not can_create_decision(request.user):
        raise PermissionDenied("Your account may not create decision records.")
    topic = _topic_from(request)
    initial = {"context": _quote_topic(topic)} if topic else None
    form = NewDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        prerender(form.instance)
        with transaction.atomic():
            decision = form.save(commit=False)
            decision.number = (Decision.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
            decision.save()
            decision.record_status("", user=request.user, note="Opened")
            person = getattr(request.user, "person", None)
            if person is not None:
                DecisionOwner.objects.create(decision=decision, person=person, role=OwnerRole.OWNER)
            if topic is not None:
                DecisionMeeting.objects.create(decision=decision, meeting=topic.meeting, topic=topic)
        messages.success(request, f"{decision.code} created. Now add its options and criteria.")
        return redirect("decisions:decision-edit", decision.number)
    return render(request, "decisions/decision_new.html", {"form": form, "topic": topic})


def _topic_from(request: HttpRequest) -> Topic | None:
    """The meeting topic a new decision starts from (`?topic=` or the hidden field)."""
    value = request.POST.get("topic") or request.GET.get("topic") or ""
    if not value.isdigit():
        return None
    return Topic.objects.select_related("meeting__series").filter(pk=int(value)).first()


def _quote_topic(topic: Topic) -> str:
    lines = [f"From the {topic.meeting.series.name} of {topic.meeting.date:%Y-%m-%d}, “{topic.title}”:", ""]
    remarks = list(topic.remarks.select_related("speaker").order_by("order"))
    spoken = any(r.speaker_id or r.speaker_name for r in remarks)
    for remark in remarks:
        who = remark.speaker.name if remark.speaker else remark.speaker_name
        # A remark the notes give to no one stays the note-taker's, even under a speaker's bullet.
        mark = f"**{who}**: " if who else ("_(note)_ " if spoken else "")
        lines.append("  " * remark.depth + "- " + mark + remark.text.replace("\n", " "))
    if len(lines) == 2 and topic.body:
        lines.extend(topic.body.splitlines())
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n"


def _formsets(decision: Decision, user: Any, data: Any = None) -> dict[str, Any]:
    discussions = DiscussionFormSet(data, instance=decision, prefix="discussions")
    # Only meetings this person may link to (can_link_decision_to_meeting), and those linked already.
    linkable = Q(pk__in=meetings_linkable_by(user).values("pk")) | Q(decision_discussions__decision=decision)
    meetings = Meeting.objects.filter(linkable).distinct().select_related("series").order_by("-date")
    topics = Topic.objects.filter(meeting__decision_discussions__decision=decision).select_related("meeting")
    for form in discussions.forms:
        form.fields["meeting"].queryset = meetings
        form.fields["topic"].queryset = topics.distinct()
        form.fields["topic"].label_from_instance = lambda t: f"{t.meeting.date:%Y-%m-%d}: {t.title}"
    return {
        "owners": OwnerFormSet(data, instance=decision, prefix="owners"),
        "citations": CitationFormSet(data, instance=decision, prefix="citations"),
        "discussions": discussions,
    }


def _editor_context(decision: Decision, attempt: Any = None, **extra: Any) -> dict[str, Any]:
    """The matrix editor; a refused change comes back pre-filled so nothing typed is lost."""
    action = attempt.get("action") if attempt else None
    matrix = matrix_module.for_decision(decision)
    if action == "rate" and (cell := matrix.find(attempt.get("option"), attempt.get("criterion"))):
        cell.draft = {"rating": attempt.get("rating", ""), "note": attempt.get("note", "")}
    return {
        "decision": decision,
        "matrix": matrix,
        "ratings": Rating.choices,
        "statuses": DecisionStatus.choices,
        "option_form": OptionForm(attempt if action == "add-option" else None, prefix="new-option"),
        "criterion_form": CriterionForm(
            attempt if action == "add-criterion" else None, prefix="new-criterion"
        ),
        "attempt": attempt,
        **extra,
    }


@login_required
def decision_edit(request: HttpRequest, number: int) -> HttpResponse:
    decision = _get_decision_for_edit(request, number)
    if request.method != "POST":
        form, formsets = DecisionForm(instance=decision), _formsets(decision, request.user)
        return _render_edit(request, decision, form, formsets)

    form = DecisionForm(request.POST, instance=decision)
    formsets = _formsets(decision, request.user, request.POST)
    if not (form.is_valid() and all(f.is_valid() for f in formsets.values())):
        return _render_edit(request, decision, form, formsets, status=422)
    prerender(form.instance, *(f.instance for formset in formsets.values() for f in formset.forms))
    with transaction.atomic():
        if not decision.claim_version(form.cleaned_data["version"]):
            return _refuse_stale_record(request, decision, form, formsets)
        decision = form.save(commit=False)
        decision.save()
        form.save_m2m()
        decision.related_rfcs.set(form.cleaned_data["related_rfc_numbers"])
        for formset in formsets.values():
            formset.save()
    messages.success(request, f"{decision.code} saved.")
    return redirect("decisions:decision-edit", decision.number)


def _refuse_stale_record(
    request: HttpRequest, decision: Decision, form: DecisionForm, formsets: dict[str, Any]
) -> HttpResponse:
    """Show the form again with the person's own input and the current version to save over."""
    form = form_over_current(DecisionForm, request.POST, decision, _stale_message(decision))
    return _render_edit(
        request, form.instance, form, _formsets(form.instance, request.user, form.data), status=409
    )


def _render_edit(
    request: HttpRequest,
    decision: Decision,
    form: DecisionForm,
    formsets: dict[str, Any],
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = _editor_context(decision, form=form, **formsets, **extra)
    response = render(request, "decisions/decision_edit.html", context, status=status)
    response[VERSION_HEADER] = str(decision.version)
    return response


# The options matrix ---------------------------------------------------------------------


class ActionError(Exception):
    """A matrix action that cannot be done, with the reason to show the person."""


def _one(queryset: QuerySet, pk: str | None, what: str) -> Any:
    try:
        return queryset.get(pk=int(pk or ""))
    except (ValueError, queryset.model.DoesNotExist):
        raise ActionError(f"That {what} no longer exists; someone may have removed it.") from None


def _renumber(rows: list[Any]) -> None:
    for order, row in enumerate(rows):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])


def _move(rows: list[Any], target: Any, direction: str) -> None:
    index = next(i for i, row in enumerate(rows) if row.pk == target.pk)
    other = index - 1 if direction in {"up", "left"} else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)


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


def _add(axis: Axis, decision: Decision, data: Any) -> str:
    row = _save_named(axis.form(data, prefix=f"new-{axis.key}"), decision, axis.model)
    return f"Added {axis.describe(row)}."


def _update(axis: Axis, decision: Decision, data: Any) -> str:
    target = _target(axis, decision, data)
    row = _save_named(axis.form(data, instance=target), decision, axis.model, target)
    return f"Saved {axis.describe(row)}."


def _reorder(axis: Axis, decision: Decision, data: Any) -> str:
    target = _target(axis, decision, data)
    _move(list(getattr(decision, axis.related).all()), target, data.get("direction", ""))
    return f"Moved “{target.name}” {data.get('direction')}."


def _remove(axis: Axis, decision: Decision, data: Any) -> str:
    target = _target(axis, decision, data)
    target.delete()
    return f"Removed {axis.describe(target)} and its ratings."


def _rate(decision: Decision, data: Any) -> str:
    option = _one(decision.options, data.get("option"), "option")
    criterion = _one(decision.criteria, data.get("criterion"), "criterion")
    existing = Assessment.objects.filter(option=option, criterion=criterion).first()
    form = AssessmentForm(data, instance=existing)
    if not form.is_valid():
        raise ActionError(_form_errors(form))
    assessment = form.save(commit=False)
    assessment.option, assessment.criterion = option, criterion
    assessment.save()
    return f"Rated “{option.name}” on {criterion.name}: {assessment.get_rating_display()}."


def _outcome(decision: Decision, data: Any, user: Any = None) -> str:
    previous = decision.status
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
    decision.record_status(previous, user=user)
    if decision.chosen_option:
        return f"Outcome saved: “{decision.chosen_option.name}”, {decision.get_status_display().lower()}."
    return f"Outcome saved: no option chosen, {decision.get_status_display().lower()}."


ACTIONS: dict[str, Callable[..., str]] = {
    **{
        f"{verb}-{key}": partial(change, axis)
        for key, axis in AXES.items()
        for verb, change in (("add", _add), ("update", _update), ("move", _reorder), ("remove", _remove))
    },
    "rate": _rate,
    "outcome": _outcome,
}


@login_required
@require_POST
def decision_matrix(request: HttpRequest, number: int) -> HttpResponse:
    """One endpoint for every matrix change; `action` names it."""
    decision = _get_decision_for_edit(request, number)
    name, _, direction = request.POST.get("action", "").partition(":")
    action = ACTIONS.get(name)
    error, note, status = "", "", 200
    try:
        if action is None:
            raise ActionError("Unknown change; reload the page and try again.")
        with transaction.atomic():
            version = request.POST.get("version", "")
            if not decision.claim_version(int(version) if version.isdigit() else 0):
                status = 409
                raise ActionError(_stale_message(decision))
            data = request.POST.copy()
            data["direction"] = direction
            kwargs = {"user": request.user} if action is _outcome else {}
            note = action(decision, data, **kwargs)
    except (ActionError, IntegrityError) as problem:
        error = (
            str(problem)
            if isinstance(problem, ActionError)
            else "That change conflicts with the current matrix."
        )
        status = status if status != 200 else 422
        decision.refresh_from_db()
    else:
        decision.refresh_from_db()
    if not request.htmx:
        if error:
            form, formsets = DecisionForm(instance=decision), _formsets(decision, request.user)
            return _render_edit(
                request, decision, form, formsets, status, matrix_error=error, attempt=request.POST
            )
        messages.success(request, note)
        return redirect(f"{decision.get_absolute_url()}edit/#matrix")
    context = _editor_context(
        decision, matrix_error=error, matrix_note=note, attempt=request.POST if error else None
    )
    response = render(request, "decisions/decision_edit.html#matrix-editor", context, status=status)
    response[VERSION_HEADER] = str(decision.version)
    return response
