"""The sign-off pages and writes: the panel on record pages, a motion's page, /motions/, and the
forms that propose, take a position, resolve a concern and withdraw (decisions.signoff.flow).

A write answers htmx with the panel in place and a plain form POST with a redirect; a refusal
(stale page, closed motion) is a 409 that says why with the person's input kept, and a
permission refusal a 403 page naming who may (decisions.permissions).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST, require_safe

from decisions.caching import fragments
from decisions.caching.datastate import SECONDS_HEADER
from decisions.caching.fragments import reads_state
from decisions.models import RFC, Concern, Decision, Motion, PositionKind
from decisions.people.linking import person_for
from decisions.permissions import (
    can_edit_decision,
    can_edit_rfc,
    can_propose_motion,
    can_resolve_concern,
    can_take_position,
    can_withdraw_motion,
)
from decisions.permissions.rules import signed_in
from decisions.shortcuts import lazy_page
from decisions.signoff import flow
from decisions.signoff.forms import MotionFilterForm, PositionForm, ProposeForm, ResolveForm, WithdrawForm
from decisions.signoff.pages import MotionView, Outline, Panel, motion_view, panel


class ReaderFacts(NamedTuple):
    """What one signed-in reader may do on an open motion, as plain values: kept under the data
    state (every write that could change them moves it), so a page whose panel is cached never
    copies the panel's rows for a reader who may take a position."""

    can_withdraw: bool
    can_position: bool
    latest_number: int | None  # the reader's latest position's number; None: no position form
    resolvable: tuple[int, ...]  # the open concerns this reader may resolve
    version: int  # the motion's, for the withdraw form


def reader_facts(user: Any, view: MotionView, may_edit: bool) -> ReaderFacts:
    can_position = can_take_position(user, view.motion, member_user_ids=view.member_user_ids)
    person = person_for(user) if can_position else None
    return ReaderFacts(
        can_withdraw_motion(user, view.motion, may_edit_record=may_edit), can_position,
        view.latest_number(person.pk) if person is not None else None,
        tuple(sorted(c.pk for c in view.open_concerns if can_resolve_concern(user, c))), view.motion.version,
    )  # fmt: skip


def panel_context(
    request: HttpRequest, the_panel: Panel, view: MotionView | None = None, *,
    editor_user_ids: set[int] | frozenset[int] | None = None, position_form: PositionForm | None = None,
    error: str = "", outline: Outline | None = None,
) -> dict[str, Any]:  # fmt: skip
    """What templates/decisions/partials/signoff_panel.html needs for one record and reader.

    With the panel's `outline`, `the_panel` may be lazy (a SimpleLazyObject): it is only read to
    render the panel, so a page whose panel is cached never copies its rows, for a visitor or for
    a signed-in reader (whose permissions on it are kept as ReaderFacts)."""
    user = request.user
    reader = signed_in(user)
    kept = outline is not None
    if outline is None:
        view = view or the_panel.current
        record = the_panel.record
        outline = the_panel.outline()._replace(
            current_pk=view.motion.pk if view else None, current_open=bool(view and view.motion.is_open)
        )
    else:
        view = SimpleLazyObject(lambda: the_panel.current) if outline.current_pk is not None else None
        record = SimpleLazyObject(lambda: the_panel.record)
    if outline.kind == "RFC":
        may_edit = can_edit_rfc(user, record, editor_user_ids=editor_user_ids)
    else:
        may_edit = can_edit_decision(user, record)
    context: dict[str, Any] = {
        "panel": the_panel,
        "view": view,
        "record": record,
        "can_propose": may_edit and not (view is not None and outline.current_open),
        "propose_url": "",
        "error": error,
    }
    if context["can_propose"]:  # a reverse() only for those shown the button
        context["propose_url"] = propose_url(outline)
    facts = None  # what this reader may do on the open motion; a visitor may do none of it
    if view is not None and outline.current_open:
        if reader and kept and position_form is None:
            facts = fragments.cached(
                request, "signoff-reader", (outline.kind, outline.record_pk, outline.current_pk, user.pk, may_edit),
                lambda: reader_facts(user, view, may_edit),
            )  # fmt: skip
        elif reader:
            facts = reader_facts(user, view, may_edit)
        context["can_withdraw"] = bool(facts and facts.can_withdraw)
        context["can_position"] = bool(facts and facts.can_position)
        context["resolvable"] = set(facts.resolvable) if facts else set()
        if facts is not None and facts.latest_number is not None:
            # Forms built only when the panel is rendered (not when it comes from the cache).
            after, auto_id = facts.latest_number, f"position-{outline.current_pk}-%s"
            context["position_form"] = position_form or SimpleLazyObject(
                lambda: PositionForm(initial={"after": after}, auto_id=auto_id)
            )
        if facts is not None and facts.can_withdraw:  # a form only for those shown it
            version = facts.version
            context["withdraw_form"] = SimpleLazyObject(
                lambda: WithdrawForm(initial={"version": version}, auto_id="withdraw-%s")
            )
    if position_form is None:
        # The panel's HTML is the same for everyone with the same permissions on it: cached under
        # the data state and these (signoff_panel.html), each reader's CSRF token put in on the
        # way out. A form handed back with its errors is rendered for this request only.
        context["fragment"] = (
            outline.kind, outline.record_pk, outline.current_pk, outline.earlier_pks,
            context["can_propose"], context.get("can_withdraw", False),
            facts.latest_number if facts is not None else None,
            tuple(sorted(context.get("resolvable", ()))),
        )  # fmt: skip
    return context


def propose_url(outline: Outline) -> str:
    """The propose link, from the outline (the record itself is not read)."""
    from django.urls import reverse

    name = "decisions:motion-propose-rfc" if outline.kind == "RFC" else "decisions:motion-propose-decision"
    return reverse(name, args=[outline.url_key])


def bound_cache(response: HttpResponse, the_panel: Panel | Outline) -> HttpResponse:
    """A page showing a running period is cached for visitors at most until the period's end
    (rfcs_site.pagecache reads the header; browsers never see it)."""
    ends = the_panel.ends_soonest
    if ends is not None:
        response[SECONDS_HEADER] = str(max(0, int((ends - timezone.now()).total_seconds())))
    return response


# Pages --------------------------------------------------------------------------------------------


@require_safe
@reads_state
def motion_list(request: HttpRequest) -> HttpResponse:
    """Open motions (or the ones the filters ask for), ending soonest first.

    The filters and the results are fragments cached under the data state: the form (its team
    choices), the COUNT and the rows are read only when those are rendered."""
    form = SimpleLazyObject(lambda: MotionFilterForm(request.GET))

    def paginator() -> Paginator:
        motions = form.filter(
            Motion.objects.select_related("rfc", "decision", "proposed_by")
            .defer(*_texts(RFC, "rfc"), *_texts(Decision, "decision"))
            .prefetch_related("teams")
        ).order_by("fcp_ends_at", "-proposed_at", "-pk")
        return Paginator(motions, 50)

    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": lazy_page(paginator, request.GET.get("page")),
        "query": query.urlencode(),
        "filtered": SimpleLazyObject(lambda: form.is_filtered()),
    }
    template = "decisions/motion_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def _texts(model: type[RFC | Decision], prefix: str) -> list[str]:
    """The record's long text columns, which the list never shows: left out of its JOIN."""
    long = (models.TextField, models.JSONField)
    return [f"{prefix}__{field.name}" for field in model._meta.concrete_fields if isinstance(field, long)]


@require_safe
@reads_state
def motion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One motion with every position ever recorded (the history) and every concern."""
    motion = get_object_or_404(Motion.objects.select_related("rfc", "decision"), pk=pk)
    return _motion_page(request, motion)


def _motion_page(request: HttpRequest, motion: Motion, status: int = 200, **extra: Any) -> HttpResponse:
    view = motion_view(motion)
    the_panel = Panel(motion.record, [view])
    context = {"signoff": panel_context(request, the_panel, view, **extra), "view": view, "motion": motion}
    response = render(request, "decisions/motion_detail.html", context, status=status)
    return bound_cache(response, the_panel)


# Writes -------------------------------------------------------------------------------------------


def _answer(request: HttpRequest, motion: Motion, message: str) -> HttpResponse:
    """htmx gets the panel in place; a plain POST goes back to the record's page."""
    if request.htmx:
        record = motion.record
        record.refresh_from_db()
        context = panel_context(request, panel(record, timezone.now()))
        context["notice"] = message
        return render(request, "decisions/partials/signoff_panel.html", {"signoff": context})
    messages.success(request, message)
    return redirect(motion.record)


def _refuse(request: HttpRequest, motion: Motion, error: str, status: int, **extra: Any) -> HttpResponse:
    if request.htmx:
        record = motion.record
        context = panel_context(request, panel(record, timezone.now()), error=error, **extra)
        return render(request, "decisions/partials/signoff_panel.html", {"signoff": context}, status=status)
    return _motion_page(request, motion, status=status, error=error, **extra)


@login_required
def motion_propose(request: HttpRequest, pk: int | None = None, number: int | None = None) -> HttpResponse:
    """The form that opens a motion on an RFC (by id) or a decision record (by number)."""
    record: RFC | Decision = (
        get_object_or_404(RFC, pk=pk) if number is None else get_object_or_404(Decision, number=number)
    )
    if not can_propose_motion(request.user, record):
        raise PermissionDenied(
            "Only the people who may edit this record (its authors and shepherd, its owners and "
            "drivers) and staff may propose a motion on it."
        )
    rule = flow.rule_for(record)
    initial = {"teams": list(rule.teams.all()) if rule.pk else []}
    form = ProposeForm(request.POST or None, initial=initial)
    context = {"form": form, "record": record, "rule": rule}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            motion = flow.propose(
                record, person=person_for(request.user), disposition=data["disposition"],
                teams=list(data["teams"]), summary=data["summary"], now=timezone.now(),
            )  # fmt: skip
        except flow.Refused as refusal:
            form.add_error(None, str(refusal))
            return render(request, "decisions/motion_propose.html", context, status=409)
        messages.success(request, f"Motion to {motion.get_disposition_display().lower()} proposed.")
        return redirect(record)
    return render(request, "decisions/motion_propose.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def motion_position(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the signed-in member's next position (a concern opens a named, blocking objection)."""
    motion = get_object_or_404(Motion.objects.select_related("rfc", "decision"), pk=pk)
    person = person_for(request.user)
    if person is None or not can_take_position(request.user, motion):
        raise PermissionDenied(
            "Only members of the teams this motion asks may take a position on it, each for "
            "themselves; staff can add people to teams in the admin."
        )
    form = PositionForm(request.POST, auto_id=f"position-{motion.pk}-%s")
    if not form.is_valid():
        return _refuse(request, motion, "The position was not saved; see below.", 422, position_form=form)
    data = form.cleaned_data
    try:
        position = flow.record_position(
            motion, person=person, kind=data["kind"], note=data["note"], after=data["after"], now=timezone.now(),
            concern_name=data["concern_name"].strip(), concern_text=data["concern_text"].strip(),
        )  # fmt: skip
    except flow.Refused as refusal:
        fresh = motion_view(motion).latest_number(person.pk)
        kept = PositionForm({**request.POST.dict(), "after": fresh}, auto_id=f"position-{motion.pk}-%s")
        kept.is_valid()
        return _refuse(request, motion, str(refusal), 409, position_form=kept)
    what = "Concern raised" if position.kind == PositionKind.CONCERN else "Position recorded"
    return _answer(request, motion, f"{what}: {position.get_kind_display()}.")


@login_required
@require_POST
def concern_resolve(request: HttpRequest, pk: int, concern: int) -> HttpResponse:
    found = get_object_or_404(Concern.objects.select_related("raised_by", "motion"), pk=concern, motion=pk)
    motion = Motion.objects.select_related("rfc", "decision").get(pk=pk)
    if not can_resolve_concern(request.user, found):
        raise PermissionDenied(
            f"Only {found.raised_by.name}, who raised this concern, and staff may resolve it."
        )
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _refuse(request, motion, "Say how the concern was resolved: the note is kept with it.", 422)
    try:
        flow.resolve(
            found, person=person_for(request.user), user=request.user, note=form.cleaned_data["note"],
            now=timezone.now(),
        )  # fmt: skip
    except flow.Refused as refusal:
        return _refuse(request, motion, str(refusal), 409)
    return _answer(request, motion, f"Concern “{found.name}” resolved.")


@login_required
@require_POST
def motion_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    motion = get_object_or_404(Motion.objects.select_related("rfc", "decision"), pk=pk)
    if not can_withdraw_motion(request.user, motion):
        raise PermissionDenied(
            "Only whoever proposed this motion, the record's editors and staff may withdraw it."
        )
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _refuse(request, motion, "The form was incomplete; reload the page and try again.", 422)
    try:
        flow.withdraw(
            motion, version=form.cleaned_data["version"], note=form.cleaned_data["note"], now=timezone.now()
        )
    except flow.Refused as refusal:
        return _refuse(request, motion, str(refusal), 409)
    return _answer(request, motion, "Motion withdrawn; it stays in the record's history.")


def body_vary(signoff: dict[str, Any], *values: object) -> tuple[object, ...] | None:
    """The `body_vary` of a page holding this sign-off panel (base.html's `{% pagebody %}`): the
    panel's own key and the page's other per-reader `values`, or None when the panel says
    something to this request only (a notice, an error, a form with its errors)."""
    if signoff.get("notice") or signoff.get("error") or "fragment" not in signoff:
        return None
    return (signoff["fragment"], *values)
