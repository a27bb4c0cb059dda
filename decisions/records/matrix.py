"""The options matrix of a decision: cells, weighted totals, pros and cons, rationale.

Pages and the Markdown export both read a decision through this module, so the table a reader
sees and the file committed to git always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from decisions.models import Assessment, Criterion, Decision, Option, Rating

SYMBOLS = {2: "++", 1: "+", 0: "○", -1: "−", -2: "−−"}
CSS = {2: "r-pos2", 1: "r-pos1", 0: "r-zero", -1: "r-neg1", -2: "r-neg2"}


def rating_label(rating: int) -> str:
    return Rating(rating).label


@dataclass
class Cell:
    option: Option
    criterion: Criterion
    assessment: Assessment | None
    footnote: int = 0
    # A refused edit of this cell, shown again so the person's input is not lost, and why.
    draft: dict | None = None
    conflict: str = ""

    @property
    def version(self) -> int:
        """What the editor's form claims: 0 for a cell nobody has rated yet."""
        return self.assessment.version if self.assessment else 0

    @property
    def rating(self) -> int:
        return self.assessment.rating if self.assessment else 0

    @property
    def note(self) -> str:
        return self.assessment.note if self.assessment else ""

    @property
    def rated(self) -> bool:
        return self.assessment is not None

    @property
    def weighted(self) -> int:
        return self.rating * self.criterion.weight

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.rating] if self.rated else "?"

    @property
    def label(self) -> str:
        return rating_label(self.rating) if self.rated else "Not rated"

    @property
    def css(self) -> str:
        return CSS[self.rating] if self.rated else "r-none"


@dataclass
class Row:
    option: Option
    cells: list[Cell]
    chosen: bool = False
    rank: int = 0

    @property
    def total(self) -> int:
        return sum(cell.weighted for cell in self.cells)

    @property
    def pros(self) -> list[Cell]:
        """Where the option helps, heaviest first."""
        return sorted((c for c in self.cells if c.rated and c.rating > 0), key=lambda c: -c.weighted)

    @property
    def cons(self) -> list[Cell]:
        """Where the option hurts, heaviest first."""
        return sorted((c for c in self.cells if c.rated and c.rating < 0), key=lambda c: c.weighted)


@dataclass
class Matrix:
    decision: Decision
    criteria: list[Criterion]
    rows: list[Row]
    footnotes: list[Cell] = field(default_factory=list)

    @property
    def chosen(self) -> Row | None:
        return next((row for row in self.rows if row.chosen), None)

    @property
    def alternatives(self) -> list[Row]:
        return [row for row in self.rows if not row.chosen]

    def find(self, option_id: str | None, criterion_id: str | None) -> Cell | None:
        row = self.row(option_id)
        return (
            next((cell for cell in row.cells if str(cell.criterion.pk) == criterion_id), None)
            if row
            else None
        )

    def row(self, option_id: str | None) -> Row | None:
        return next((row for row in self.rows if str(row.option.pk) == option_id), None)

    @property
    def max_total(self) -> int:
        return 2 * sum(criterion.weight for criterion in self.criteria)

    @property
    def complete(self) -> bool:
        return all(cell.rated for row in self.rows for cell in row.cells)

    def why_not(self, row: Row) -> str:
        """The recorded reason an option lost, or one drawn from the matrix."""
        if row.option.why_not:
            return row.option.why_not
        chosen = self.chosen
        # Nothing to compare before anything is rated (a plain ADR imported without a matrix).
        if chosen is None or not any(cell.rated for cell in (*row.cells, *chosen.cells)):
            return ""
        weaker = sorted(
            (
                (mine, theirs)
                for mine, theirs in zip(row.cells, chosen.cells, strict=True)
                if theirs.rating > mine.rating
            ),
            key=lambda pair: -(pair[1].rating - pair[0].rating) * pair[0].criterion.weight,
        )
        text = f"Weighted total {row.total:+d} against {chosen.total:+d} for “{chosen.option.name}”."
        if weaker:
            names = ", ".join(mine.criterion.name for mine, _ in weaker[:3])
            text += f" Weaker on {names}."
        return text


def build(decision: Decision, options: list[Option], criteria: list[Criterion]) -> Matrix:
    """Assemble the matrix from options whose assessments are prefetched (no query per cell)."""
    rows = []
    for option in options:
        by_criterion = {a.criterion_id: a for a in option.assessments.all()}
        cells = [Cell(option, criterion, by_criterion.get(criterion.pk)) for criterion in criteria]
        rows.append(Row(option, cells, chosen=option.pk == decision.chosen_option_id))
    for rank, row in enumerate(sorted(rows, key=lambda r: -r.total), 1):
        row.rank = rank
    footnotes = [cell for row in rows for cell in row.cells if cell.note]
    for number, cell in enumerate(footnotes, 1):
        cell.footnote = number
    return Matrix(decision, list(criteria), rows, footnotes)


def for_decision(decision: Decision) -> Matrix:
    """Load and build the matrix of one decision in three queries."""
    criteria = list(decision.criteria.all())
    options = list(decision.options.prefetch_related("assessments"))
    return build(decision, options, criteria)
