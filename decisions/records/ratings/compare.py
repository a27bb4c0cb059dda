"""Who sees which sheet, and what the visible sheets say together: spread, median, consensus.

Pure: it reads rows already loaded (no query), so the page costs the same for 2 raters or 20.
Medians are exact: kept doubled (`median2`) so an even count's median, the mean of the two middle
ratings, is a whole number of half steps (+½ between Neutral and For), never rounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from decisions.models import Criterion, Option, Person, RatingRound, RatingSheet
from decisions.records.matrix import CSS, SYMBOLS, Matrix, rating_label

# A cell is a discussion point when its lowest and highest ratings are at least this many steps
# apart (on -2..+2: "Against" beside "For", or "Neutral" beside "Strongly for").
DISAGREEMENT_SPREAD = 2
RATINGS = (-2, -1, 0, 1, 2)


def visible_sheets(
    round_: RatingRound | None, sheets: Iterable[RatingSheet], viewer: Person | None
) -> set[int]:
    """The ids of the sheets whose values this viewer may see.

    Their own sheet always; everyone's once the round is revealed; before that, a rater who has
    submitted sees the other submitted sheets (nothing they see can sway ratings already given).
    Owners who have not submitted see who has submitted, not what.
    """
    sheets = list(sheets)
    if round_ is not None and round_.revealed:
        return {sheet.pk for sheet in sheets}
    mine = next((s for s in sheets if viewer is not None and s.person_id == viewer.pk), None)
    if mine is None:
        return set()
    if mine.submitted:
        return {s.pk for s in sheets if s.submitted}
    return {mine.pk}


def half_steps(doubled: int) -> str:
    """A doubled rating or total as signed text with halves: 3 -> "+1½", -1 -> "-½" (a minus sign), 0 -> "0"."""
    whole, half = divmod(abs(doubled), 2)
    sign = "" if doubled == 0 else ("+" if doubled > 0 else "−")
    return f"{sign}{whole if whole or not half else ''}{'½' if half else ''}"


def median2(values: list[int]) -> int:
    """Twice the median: the middle value, or for an even count the sum of the two middle ones."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return 2 * ordered[middle] if len(ordered) % 2 else ordered[middle - 1] + ordered[middle]


@dataclass
class Vote:
    person: Person
    rating: int

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.rating]


@dataclass
class CellSpread:
    """One cell over the visible sheets, beside the record's own rating of it."""

    option: Option
    criterion: Criterion
    votes: list[Vote]
    recorded: int | None  # the record's matrix (None: not rated there)

    @cached_property
    def key(self) -> str:
        """ "option-criterion": names the cell in forms and anchors."""
        return f"{self.option.pk}-{self.criterion.pk}"

    @cached_property
    def values(self) -> list[int]:
        return [vote.rating for vote in self.votes]

    @cached_property
    def low(self) -> int | None:
        return min(self.values) if self.votes else None

    @cached_property
    def high(self) -> int | None:
        return max(self.values) if self.votes else None

    @cached_property
    def spread(self) -> int:
        return self.high - self.low if self.votes else 0

    @cached_property
    def median2(self) -> int | None:
        return median2(self.values) if self.votes else None

    @cached_property
    def median(self) -> str:
        return half_steps(self.median2) if self.votes else "–"

    @cached_property
    def median_label(self) -> str:
        """In words; a half step names the two ratings it lies between."""
        if not self.votes:
            return "Not rated"
        low, odd = divmod(self.median2, 2)
        if not odd:
            return rating_label(low)
        return f"between {rating_label(low)} and {rating_label(low + 1)}"

    @cached_property
    def css(self) -> str:
        if not self.votes:
            return "r-none"
        return CSS[self.median2 // 2] if self.median2 % 2 == 0 else "r-half"

    @cached_property
    def counts(self) -> list[tuple[int, int]]:
        """(rating, how many gave it), -2 to +2."""
        return [(value, self.values.count(value)) for value in RATINGS]

    @cached_property
    def farthest(self) -> list[Vote]:
        """Who disagrees most: the raters farthest from the median (none when all agree)."""
        if not self.votes:
            return []
        distance = max(abs(2 * vote.rating - self.median2) for vote in self.votes)
        if distance == 0:
            return []
        return [vote for vote in self.votes if abs(2 * vote.rating - self.median2) == distance]

    @cached_property
    def disputed(self) -> bool:
        return len(self.votes) >= 2 and self.spread >= DISAGREEMENT_SPREAD

    # Text the page shows, made here once: a template filter per vote made a 20 x 20 page slow.
    @cached_property
    def range_text(self) -> str:
        return f"{half_steps(2 * self.low)} to {half_steps(2 * self.high)}" if self.votes else ""

    @cached_property
    def votes_text(self) -> str:
        return ", ".join(f"{vote.person.name} {half_steps(2 * vote.rating)}" for vote in self.votes)

    @cached_property
    def recorded_text(self) -> str:
        return "not rated" if self.recorded is None else half_steps(2 * self.recorded)

    @cached_property
    def farthest_text(self) -> str:
        return ", ".join(f"{vote.person.name} ({half_steps(2 * vote.rating)})" for vote in self.farthest)

    @cached_property
    def counts_text(self) -> str:
        return " · ".join(f"{half_steps(2 * value)}: {count}" for value, count in self.counts if count)


@dataclass
class ConsensusRow:
    option: Option
    cells: list[CellSpread]
    recorded_total: int
    rank: int = 0

    @property
    def total2(self) -> int:
        """Twice the weighted total of the medians (cells nobody rated count 0)."""
        return sum((cell.median2 or 0) * cell.criterion.weight for cell in self.cells)

    @property
    def total(self) -> str:
        return half_steps(self.total2)


@dataclass
class Comparison:
    criteria: list[Criterion]
    rows: list[ConsensusRow]
    voters: int
    distance: list[tuple[Person, str]] = field(default_factory=list)  # steps from the medians, in all

    @cached_property
    def disputed(self) -> list[CellSpread]:
        """The discussion points, widest spread first, then in matrix order."""
        cells = [cell for row in self.rows for cell in row.cells if cell.disputed]
        return sorted(cells, key=lambda cell: -cell.spread)


def compare(
    matrix: Matrix, sheets: list[RatingSheet], ratings: dict[int, dict[tuple[int, int], int]]
) -> Comparison:
    """The consensus of `sheets` (the visible ones) beside the record's matrix.

    `ratings` maps a sheet id to {(option id, criterion id): rating}. Per person, `distance` is the
    sum over cells of how far their rating is from the median (in steps, halves shown as ½):
    most apart first.
    """
    rows: list[ConsensusRow] = []
    apart: dict[int, int] = {sheet.person_id: 0 for sheet in sheets}
    for row in matrix.rows:
        cells = []
        for cell in row.cells:
            key = (row.option.pk, cell.criterion.pk)
            votes = [Vote(s.person, ratings[s.pk][key]) for s in sheets if key in ratings.get(s.pk, {})]
            spread = CellSpread(row.option, cell.criterion, votes, cell.rating if cell.rated else None)
            for vote in votes:
                apart[vote.person.pk] += abs(2 * vote.rating - spread.median2)
            cells.append(spread)
        rows.append(ConsensusRow(row.option, cells, row.total))
    for rank, row in enumerate(sorted(rows, key=lambda r: -r.total2), 1):
        row.rank = rank
    people = {sheet.person_id: sheet.person for sheet in sheets}
    distance = sorted(
        ((people[pk], half_steps(d).lstrip("+")) for pk, d in apart.items()),
        key=lambda pair: (-apart[pair[0].pk], pair[0].name),
    )
    voters = sum(1 for sheet in sheets if ratings.get(sheet.pk))
    return Comparison(list(matrix.criteria), rows, voters, distance)
