"""What one viewer sees of a decision's independent ratings, read in a constant number of queries.

The page, its htmx answers and the API all read through load(), so the blindness rule
(compare.visible_sheets) is applied in one place, and the values of a sheet the viewer may not
see are never even read from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from decisions.caching.union import DATETIME, INT, TEXT, Relation
from decisions.caching.union import load as load_rows
from decisions.models import Decision, Person, RatingRound, RatingSheet, SheetRating
from decisions.people.linking import person_for
from decisions.permissions import can_manage_ratings, can_rate
from decisions.permissions.rules import DECIDING_ROLES
from decisions.records import matrix as matrix_module
from decisions.records.matrix import Matrix
from decisions.records.ratings.compare import Comparison, compare, visible_sheets


@dataclass
class Rater:
    """A row of "who rates": a sheet, or a decider who has not started theirs."""

    person: Person
    sheet: RatingSheet | None
    decider: bool

    @property
    def state(self) -> str:
        if self.sheet is None and self.person.user_id is None:
            return "no account yet"  # an owner nobody can sign in as: they cannot rate
        if self.sheet is None or not self.sheet.ratings_count:
            return "not started"
        return "submitted" if self.sheet.submitted else "rating"


@dataclass
class SheetCell:
    option_id: int
    criterion_id: int
    rating: int | None
    version: int
    submitted_rating: int | None = None
    draft: str | None = None  # a refused value, shown again
    problem: str = ""


@dataclass
class RatingsView:
    decision: Decision
    viewer: Person | None
    round: RatingRound | None
    matrix: Matrix
    raters: list[Rater]
    mine: RatingSheet | None
    may_rate: bool
    may_manage: bool
    visible: set[int]
    ratings: dict[int, dict[tuple[int, int], SheetCell]] = field(default_factory=dict)

    @property
    def revealed(self) -> bool:
        return self.round is not None and self.round.revealed

    @property
    def my_cells(self) -> dict[tuple[int, int], SheetCell]:
        return self.ratings.get(self.mine.pk, {}) if self.mine else {}

    def cell(self, option_id: int, criterion_id: int) -> SheetCell:
        return self.my_cells.get((option_id, criterion_id)) or SheetCell(option_id, criterion_id, None, 0)

    @property
    def sheet_open(self) -> bool:
        """The viewer may change their sheet: not submitted, or submitted and revealed."""
        return self.may_rate and (self.mine is None or not self.mine.submitted or self.revealed)

    @property
    def missing(self) -> int:
        cells = len(self.matrix.rows) * len(self.matrix.criteria)
        return cells - len(self.my_cells)

    @property
    def comparison(self) -> Comparison | None:
        """The sheets the viewer sees together, once they may see others (revealed, or submitted)."""
        if not (self.revealed or (self.mine is not None and self.mine.submitted)):
            return None
        sheets = [rater.sheet for rater in self.raters if rater.sheet and rater.sheet.pk in self.visible]
        values = {pk: {key: c.rating for key, c in cells.items()} for pk, cells in self.ratings.items()}
        return compare(self.matrix, sheets, values)

    @property
    def submitted_count(self) -> int:
        return sum(1 for rater in self.raters if rater.sheet and rater.sheet.submitted)


def _sheets_and_deciders(
    decision: Decision, round_: RatingRound | None
) -> tuple[list[RatingSheet], list[Person]]:
    """The round's sheets (in their order, each with its person and how many cells it has, not
    their values) and the record's deciders (in the record's order), in one UNION query."""
    counted = (
        SheetRating.objects.filter(sheet=OuterRef("pk")).order_by().values("sheet").annotate(n=Count("pk"))
    )
    person = {"person_id": (INT, "person_id"), "name": (TEXT, "person__name"), "slug": (TEXT, "person__slug"),
              "user_id": (INT, "person__user_id")}  # fmt: skip
    relations = [
        Relation(
            "decider",
            decision.ownerships.filter(role__in=DECIDING_ROLES),
            "decision_id",
            {**person, "order": (INT, "order"), "id": (INT, "pk")},
        )
    ]
    if round_ is not None:
        relations.append(
            Relation(
                "sheet",
                RatingSheet.objects.filter(round=round_),
                "round_id",
                {
                    **person,
                    "id": (INT, "pk"),
                    "invited_by_id": (INT, "invited_by_id"),
                    "ratings_count": (
                        INT,
                        Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0),
                    ),
                    "created_at": (DATETIME, "created_at"),
                    "submitted_at": (DATETIME, "submitted_at"),
                    "revised_at": (DATETIME, "revised_at"),
                },
            )
        )
    rows = load_rows(relations)

    def person_of(row: dict[str, Any]) -> Person:
        return Person(pk=row["person_id"], name=row["name"], slug=row["slug"], user_id=row["user_id"])

    deciders = [
        person_of(row) for _, row in sorted(rows["decider"], key=lambda r: (r[1]["order"], r[1]["id"]))
    ]
    sheets = []
    for _, row in sorted(rows.get("sheet", []), key=lambda r: (r[1]["created_at"], r[1]["id"])):
        sheet = RatingSheet(
            pk=row["id"], round=round_, person=person_of(row), invited_by_id=row["invited_by_id"],
            created_at=row["created_at"], submitted_at=row["submitted_at"], revised_at=row["revised_at"],
        )  # fmt: skip
        sheet.ratings_count = row["ratings_count"]
        sheets.append(sheet)
    return sheets, deciders


def load(number: int, user: Any) -> RatingsView:
    """Everything the ratings page shows this user: 6 queries, whatever the numbers of raters,
    options and criteria (the decision with its round; its sheets and deciders in one; the
    visible ratings; the matrix's criteria, options and ratings)."""
    decision = Decision.objects.select_related("rating_round", "chosen_option").filter(number=number).first()
    if decision is None:
        raise Http404(f"No decision DR-{number:04d}.")
    round_ = getattr(decision, "rating_round", None)
    viewer = person_for(user)
    sheets, deciders = _sheets_and_deciders(decision, round_)
    visible = visible_sheets(round_, sheets, viewer)
    ratings: dict[int, dict[tuple[int, int], SheetCell]] = {}
    if visible:
        rows = SheetRating.objects.filter(sheet_id__in=visible).values_list(
            "sheet_id", "option_id", "criterion_id", "rating", "version", "submitted_rating"
        )
        for sheet_id, option_id, criterion_id, rating, version, submitted in rows:
            cells = ratings.setdefault(sheet_id, {})
            cells[(option_id, criterion_id)] = SheetCell(option_id, criterion_id, rating, version, submitted)
    matrix = matrix_module.for_decision(decision)
    # Cells of options or criteria removed since are not part of the matrix any more.
    keys = {(row.option.pk, cell.criterion.pk) for row in matrix.rows for cell in row.cells}
    for cells in ratings.values():
        for key in [key for key in cells if key not in keys]:
            del cells[key]
    by_person = {sheet.person_id: sheet for sheet in sheets}
    decider_ids = {person.pk for person in deciders}
    raters = [Rater(person, by_person.get(person.pk), True) for person in dict.fromkeys(deciders)]
    raters += [Rater(sheet.person, sheet, False) for sheet in sheets if sheet.person_id not in decider_ids]
    rater_ids = decider_ids | set(by_person)
    return RatingsView(
        decision=decision,
        viewer=viewer,
        round=round_,
        matrix=matrix,
        raters=raters,
        mine=by_person.get(viewer.pk) if viewer is not None else None,
        may_rate=can_rate(user, rater_ids),
        may_manage=can_manage_ratings(user, decision, decider_ids=decider_ids),
        visible=visible,
        ratings=ratings,
    )
