"""The independent ratings page of a decision and its forms: rate a cell, submit, invite, reveal,
put a disagreement on a planned meeting's agenda.

Every form is a plain POST that answers with a redirect, or the page with the problem (422, 409),
so it all works without JavaScript; htmx gets the rated cell back (with the sheet's status out of
band), like the record's matrix editor. Refusals are the site's 403 page (Refused).
"""

from __future__ import annotations

import datetime
import operator
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST, require_safe

from decisions.caching import fragments
from decisions.caching.fragments import reads_state
from decisions.caching.pageframe import render_page
from decisions.caching.union import TEXT, Relation
from decisions.caching.union import load as load_rows
from decisions.models import Decision, MeetingSeries, Person, Rating
from decisions.permissions import Refused
from decisions.records.ratings import flow
from decisions.records.ratings.compare import DISAGREEMENT_SPREAD
from decisions.records.ratings.state import RatingsView, load

TEMPLATE = "decisions/decision_ratings.html"


def _url(view: RatingsView, anchor: str = "") -> str:
    url = reverse("decisions:decision-ratings", args=[view.decision.number])
    return f"{url}#{anchor}" if anchor else url


def _page(request: HttpRequest, view: RatingsView, status: int = 200, **extra: Any) -> HttpResponse:
    context = {**_context(view), "today": datetime.date.today(), **extra}
    return render(request, TEMPLATE, context, status=status)


def _context(view: RatingsView) -> dict[str, Any]:
    """What the page shows of `view` (one reader's: their sheet, the sheets they may see)."""
    comparison = view.comparison
    rater_ids = {rater.person.pk for rater in view.raters}
    return {
        "decision": view.decision,
        "view": view,
        "comparison": comparison,
        "rows": [
            (row, [(c.criterion, view.cell(row.option.pk, c.criterion.pk)) for c in row.cells])
            for row in view.matrix.rows
        ],
        "ratings": Rating.choices,
        "threshold": DISAGREEMENT_SPREAD,
        **_owner_choices(view, rater_ids, bool(comparison and comparison.disputed)),
    }


def _owner_choices(view: RatingsView, rater_ids: set[int], disputed: bool) -> dict[str, list[Any]]:
    """For an owner: the people to invite and (with a point to discuss) the meeting series, in
    one UNION query."""
    if not view.may_manage:
        return {"candidates": [], "series": []}
    relations = [
        Relation(
            "person", Person.objects.filter(user__isnull=False).exclude(pk__in=rater_ids), "pk",
            {"name": (TEXT, "name"), "slug": (TEXT, "slug")},
        )
    ]  # fmt: skip
    if disputed:
        relations.append(Relation("series", MeetingSeries.objects.all(), "pk", {"name": (TEXT, "name")}))
    rows = load_rows(relations)
    candidates = sorted(
        (Person(pk=pk, name=row["name"], slug=row["slug"]) for pk, row in rows["person"]),
        key=lambda p: (p.name, p.pk),
    )
    series = sorted(
        (MeetingSeries(pk=pk, name=row["name"]) for pk, row in rows.get("series", [])),
        key=lambda s: (s.name, s.pk),
    )
    return {"candidates": candidates, "series": series}


@require_safe
@reads_state
def decision_ratings(request: HttpRequest, number: int) -> HttpResponse:
    """The page: who rates, the viewer's own sheet, and what the sheets they may see say together.

    Kept under the data state for each account: ratings are blind until submitted, so what one
    reader may see is never served to another (visitors share the page of nobody). Any write (a
    rating, a submission, a reveal, a new link between an account and a person) renews it. The
    rendered page is kept too ({% statecache ... csrf %} in the template): its data is read, or unpickled,
    only when that is not.
    """
    mine = SimpleLazyObject(
        lambda: fragments.cached(
            request, "ratings-page", (number, request.user.pk), lambda: _context(load(number, request.user))
        )
    )
    # Read from the reader's own data when not kept (load() answers 404): no query of its own.
    head = SimpleLazyObject(
        lambda: fragments.cached(request, "ratings-head", (number,), lambda: _head(mine["decision"]))
    )
    context: dict[str, Any] = {
        name: SimpleLazyObject(partial(operator.getitem, mine, name)) for name in _READER_PARTS
    }
    htmx = bool(request.htmx)
    context.update(
        decision=SimpleLazyObject(lambda: Decision(pk=head[0], number=number, title=head[1])),
        ratings=Rating.choices,
        threshold=DISAGREEMENT_SPREAD,
        today=datetime.date.today(),
        htmx=htmx,
        # The whole page is kept in its frame (decisions.caching.pageframe) for each reader, as
        # its fragment is: ratings are blind, so what one reader sees is never another's. A
        # frame is only kept for a page that rendered, so a kept one also says the record exists.
        body_vary=(request.user.pk, htmx),
    )
    return render_page(request, TEMPLATE, context, first=lambda: head[0])  # 404 when not found


# What the page shows one reader, built (or read from what was kept) only when its fragment is not.
_READER_PARTS = ("view", "comparison", "rows", "candidates", "series")


def _head(decision: Decision) -> tuple[int, str]:
    """What the page shows of the decision outside its kept fragment: its id and title."""
    return decision.pk, decision.title


def _refuse_rating(view: RatingsView) -> None:
    if not view.may_rate:
        raise Refused("decision.rate", what=f"rate {view.decision.code}", record=view.decision)


def _refuse_managing(view: RatingsView, what: str) -> None:
    if not view.may_manage:
        raise Refused("decision.ratings", what=f"{what} of {view.decision.code}", record=view.decision)


def _done(request: HttpRequest, view: RatingsView, note: str, anchor: str = "") -> HttpResponse:
    messages.success(request, note)
    return redirect(_url(view, anchor))


@login_required
@require_POST
def ratings_rate(request: HttpRequest, number: int) -> HttpResponse:
    view = load(number, request.user)
    _refuse_rating(view)
    data = request.POST
    seen = data.get("version", "")
    error, status, note = "", 200, ""
    try:
        note = flow.rate(
            view.decision,
            view.viewer,
            data.get("option"),
            data.get("criterion"),
            data.get("rating"),
            int(seen) if seen.isdigit() else -1,
        )
    except flow.RatingError as problem:
        error, status = str(problem), problem.status
    anchor = f"sheet-{data.get('option')}-{data.get('criterion')}"
    if not request.htmx and not error:
        return _done(request, view, note, anchor)
    view = load(number, request.user)
    cell = None
    if data.get("option", "").isdigit() and data.get("criterion", "").isdigit():
        cell = view.cell(int(data["option"]), int(data["criterion"]))
        if error:
            cell.draft, cell.problem = data.get("rating", ""), error
    if not request.htmx:
        return _page(request, view, status, sheet_error=error)
    row = next((r for r in view.matrix.rows if r.option.pk == cell.option_id), None) if cell else None
    criterion = next((c for c in view.matrix.criteria if c.pk == cell.criterion_id), None) if cell else None
    if row is None or criterion is None:
        return _page(request, view, status, sheet_error=error)
    context = {"view": view, "decision": view.decision, "row": row, "criterion": criterion, "cell": cell}
    context.update(ratings=Rating.choices, sheet_note=note, oob=True)
    return render(request, f"{TEMPLATE}#sheet-cell-answer", context, status=status)


@login_required
@require_POST
def ratings_submit(request: HttpRequest, number: int) -> HttpResponse:
    view = load(number, request.user)
    _refuse_rating(view)
    try:
        flow.submit(view.decision, view.viewer)
    except flow.RatingError as problem:
        return _page(request, view, problem.status, sheet_error=str(problem))
    return _done(
        request, view, "Your ratings are submitted. You now see the others who submitted.", "results"
    )


@login_required
@require_POST
def ratings_invite(request: HttpRequest, number: int) -> HttpResponse:
    view = load(number, request.user)
    _refuse_managing(view, "invite raters")
    chosen = request.POST.get("person", "")
    person = Person.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if person is None:
        return _page(request, view, 422, invite_error="Choose a person to invite.")
    try:
        made = flow.invite(view.decision, person, request.user)
    except flow.RatingError as problem:
        return _page(request, view, problem.status, invite_error=str(problem))
    note = f"Invited {person.name} to rate." if made else f"{person.name} rates already."
    return _done(request, view, note, "raters")


@login_required
@require_POST
def ratings_reveal(request: HttpRequest, number: int) -> HttpResponse:
    view = load(number, request.user)
    _refuse_managing(view, "reveal the ratings")
    made = flow.reveal(view.decision, request.user)
    return _done(
        request,
        view,
        "Everyone's ratings are revealed." if made else "They were revealed already.",
        "results",
    )


def _agenda_problem(
    request: HttpRequest, view: RatingsView, status: int, problem: str, point: str, kept: dict[str, str]
) -> HttpResponse:
    """The page again with the problem beside the point's form, and what was typed kept."""
    comparison = view.comparison
    cell = next(
        (c for c in (comparison.disputed if comparison else []) if c.key == point),
        None,
    )
    if cell is None:  # the point is gone: say so at the top of the page
        messages.error(request, problem)
        return redirect(_url(view, "points"))
    return _page(request, view, status, agenda_error=problem, agenda_point=point, **kept)


@login_required
@require_POST
def ratings_agenda(request: HttpRequest, number: int) -> HttpResponse:
    view = load(number, request.user)
    _refuse_managing(view, "put a disagreement on a meeting's agenda")
    data = request.POST
    comparison = view.comparison
    point = None
    if comparison is not None:
        point = next((c for c in comparison.disputed if c.key == data.get("point")), None)
    series = (
        MeetingSeries.objects.filter(pk=int(data["series"])).first()
        if data.get("series", "").isdigit()
        else None
    )
    try:
        date = datetime.date.fromisoformat(data.get("date", ""))
    except ValueError:
        date = None
    problem = (
        "That disagreement is not a discussion point any more; reload the page." if point is None
        else "Choose the meeting series." if series is None
        else "Give the meeting's date as YYYY-MM-DD." if date is None
        else ""
    )  # fmt: skip
    kept = {"agenda_series": data.get("series", ""), "agenda_date": data.get("date", "")}
    if problem:
        return _agenda_problem(request, view, 422, problem, data.get("point", ""), kept)
    try:
        meeting, added = flow.put_on_agenda(view.decision, point, series, date, request.user)
    except flow.RatingError as refused:
        return _agenda_problem(request, view, refused.status, str(refused), data.get("point", ""), kept)
    where = f"the agenda of {meeting}"
    note = f"Put on {where}." if added else f"It is on {where} already."
    messages.success(request, note)
    return redirect(f"{meeting.get_absolute_url()}#agenda")
