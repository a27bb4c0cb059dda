"""Every change to independent ratings, each in one transaction: invite, rate, submit, reveal,
and putting a disagreement on a planned meeting's agenda.

Who may is the views' question (decisions.permissions: "decision.ratings", "decision.rate");
this module keeps the round's rules: a submitted sheet is final until the reveal, a cell's save
from a stale version is refused (409) when it would overwrite a different value, and a sheet is
submitted only when every cell of the matrix is rated.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from decisions.meetings.planning import NotPlannable, add_to_agenda
from decisions.models import (
    Criterion,
    Decision,
    DecisionMeeting,
    Meeting,
    MeetingSeries,
    Option,
    Person,
    RatingRound,
    RatingSheet,
    SheetRating,
)
from decisions.records.matrix import rating_label
from decisions.records.ratings.compare import CellSpread, half_steps

CELL_CONFLICT = (
    "You changed this cell in another window after this page was opened; that rating is shown "
    "here, yours is still in the form: save it again to replace it."
)


class RatingError(Exception):
    """A change that cannot be made, with the reason to show the person."""

    status = 422


class RatingConflict(RatingError):
    status = 409


def round_for(decision: Decision) -> RatingRound:
    """The decision's round, made on first use (two first uses at once make one)."""
    try:
        with transaction.atomic():
            return RatingRound.objects.get_or_create(decision=decision)[0]
    except IntegrityError:
        return RatingRound.objects.get(decision=decision)


def sheet_for(round_: RatingRound, person: Person) -> RatingSheet:
    """The person's sheet, made on their first rating (two first ratings at once make one)."""
    try:
        with transaction.atomic():
            return RatingSheet.objects.get_or_create(round=round_, person=person)[0]
    except IntegrityError:
        return RatingSheet.objects.get(round=round_, person=person)


def invite(decision: Decision, person: Person, user: Any) -> bool:
    """Give `person` a sheet; False when they have one already."""
    if person.user_id is None:
        raise RatingError(
            f"{person.name} has no account linked to their person yet, so they could not sign in to rate."
        )
    round_ = round_for(decision)
    try:
        with transaction.atomic():
            _, made = RatingSheet.objects.get_or_create(
                round=round_, person=person, defaults={"invited_by": user}
            )
    except IntegrityError:
        made = False
    return made


def _cell(decision: Decision, option: str | None, criterion: str | None) -> tuple[Option, Criterion]:
    try:
        return (
            decision.options.get(pk=int(option or "")),
            decision.criteria.get(pk=int(criterion or "")),
        )
    except (ValueError, Option.DoesNotExist, Criterion.DoesNotExist):
        raise RatingError("That option or criterion no longer exists; reload the page.") from None


def parse_rating(value: str | None) -> int:
    try:
        rating = int(value or "")
    except ValueError:
        raise RatingError("Choose a rating from −2 (strongly against) to +2 (strongly for).") from None
    if not -2 <= rating <= 2:
        raise RatingError(f"{rating} is not a rating: choose one from −2 to +2.")
    return rating


def rate(
    decision: Decision,
    person: Person,
    option: str | None,
    criterion: str | None,
    value: str | None,
    seen: int,
) -> str:
    """Save one cell of the person's own sheet; returns what was done, in words.

    `seen` is the cell's version the form was opened at (0: not rated then). A conditional
    UPDATE both checks and moves it, so of two saves from one version only one lands.
    """
    rating = parse_rating(value)
    option_row, criterion_row = _cell(decision, option, criterion)
    round_ = round_for(decision)
    now = timezone.now()
    made = sheet_for(round_, person)
    with transaction.atomic():
        # Locked: one person's saves from two windows run one after the other.
        sheet = RatingSheet.objects.select_for_update().get(pk=made.pk)
        if sheet.submitted and not round_.revealed:
            raise RatingConflict(
                "You submitted your ratings; you may revise them once the owners reveal everyone's."
            )
        current = SheetRating.objects.filter(sheet=sheet, option=option_row, criterion=criterion_row).first()
        if current is None:
            SheetRating.objects.create(
                sheet=sheet, option=option_row, criterion=criterion_row, rating=rating, updated_at=now
            )
        elif current.rating != rating:
            moved = SheetRating.objects.filter(pk=current.pk, version=seen).update(
                rating=rating, version=F("version") + 1, updated_at=now
            )
            if not moved:
                raise RatingConflict(CELL_CONFLICT)
        if sheet.submitted:
            RatingSheet.objects.filter(pk=sheet.pk).update(revised_at=now)
    return f"Rated “{option_row.name}” on {criterion_row.name}: {rating_label(rating)}."


def submit(decision: Decision, person: Person) -> None:
    """Submit the person's sheet: every cell rated, then their values count and others see them."""
    options = list(decision.options.values_list("pk", "name"))
    criteria = list(decision.criteria.values_list("pk", "name"))
    round_ = round_for(decision)
    with transaction.atomic():
        sheet = RatingSheet.objects.select_for_update().filter(round=round_, person=person).first()
        if sheet is not None and sheet.submitted:
            raise RatingConflict("You have submitted your ratings already.")
        rated = set(
            SheetRating.objects.filter(sheet=sheet).values_list("option_id", "criterion_id") if sheet else []
        )
        missing = [f"“{o}” on {c}" for oid, o in options for cid, c in criteria if (oid, cid) not in rated]
        if missing or not options or not criteria:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            raise RatingError(
                f"Rate every cell before submitting: not rated yet: {shown or 'the whole matrix'}."
            )
        RatingSheet.objects.filter(pk=sheet.pk).update(submitted_at=timezone.now())
        SheetRating.objects.filter(sheet=sheet).update(submitted_rating=F("rating"))


def reveal(decision: Decision, user: Any) -> bool:
    """Show everyone's ratings to everyone; False when they were revealed already."""
    round_ = round_for(decision)
    return bool(
        RatingRound.objects.filter(pk=round_.pk, revealed_at__isnull=True).update(
            revealed_at=timezone.now(), revealed_by=user if getattr(user, "is_authenticated", False) else None
        )
    )


def agenda_item(decision: Decision, cell: CellSpread) -> tuple[str, str]:
    """The agenda line for a disagreement (it links back to the record's ratings), and the marker
    that finds it on an agenda again."""
    url = reverse("decisions:decision-ratings", args=[decision.number])
    marker = f"{url}#point-{cell.option.pk}-{cell.criterion.pk}"
    line = (
        f"- {decision.code} ({decision.title}): “{cell.option.name}” on {cell.criterion.name}: "
        f"ratings from {half_steps(2 * cell.low)} to {half_steps(2 * cell.high)}, median {cell.median} "
        f"([the ratings]({marker}))"
    )
    return line, marker


def put_on_agenda(
    decision: Decision, cell: CellSpread, series: MeetingSeries, date: datetime.date, user: Any
) -> tuple[Meeting, bool]:
    """Add the disagreement to the series' planned meeting that day (made when missing) and link
    the meeting to the record; (meeting, False) when it was on that agenda already."""
    line, marker = agenda_item(decision, cell)
    try:
        meeting, added = add_to_agenda(series, date, line, user=user, marker=marker)
    except NotPlannable as problem:
        raise RatingConflict(str(problem)) from None
    DecisionMeeting.objects.get_or_create(decision=decision, meeting=meeting, topic=None)
    return meeting, added
