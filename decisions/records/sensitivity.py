"""How robust the outcome of an options matrix is: exact, in one pass, over integer weights and ratings.

The subject is the chosen option, or while none is chosen the current leader: the first option
(in the matrix's order) among those with the highest weighted total, as the page ranks them.

"First" means no other option has a strictly higher total: a tie keeps the subject first, jointly,
and is always a close call. Another option "is put first" when its total becomes strictly higher
than the subject's. Where several options would then share the top, the one named is the first
of them in the matrix's order (the page's rank).

A weighted total is linear in each weight, so for each criterion the weights at which the subject
stays first are an interval, found by integer floor and ceiling division (no floats, no sampling).
A rating moves one total by (steps x weight), so the smallest rating change is a division too.
Among single changes of equal size the order is: weights before ratings, then the criterion's
order, then the option's order, then a rise before a fall. An unrated cell counts as neutral (0),
as in the totals.

analyse() is the pure function; describe() puts its result in words; for_matrix() and for_names()
feed it from the page's Matrix or from plain names (the Markdown export).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from decisions.models import RATING_MAX, RATING_MIN, WEIGHT_MAX, WEIGHT_MIN, Rating

if TYPE_CHECKING:
    from decisions.records.matrix import Matrix

WEIGHT, RATING = "weight", "rating"
_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


@dataclass(frozen=True)
class WeightRange:
    """The weights of one criterion at which the subject stays first (`low` > `high`: none)."""

    criterion: int
    weight: int
    low: int
    high: int
    below: int | None = None  # the option first just below `low`, if `low` is above the scale's floor
    above: int | None = None  # the option first just above `high`, if `high` is under the ceiling

    @property
    def empty(self) -> bool:
        return self.low > self.high

    @property
    def whole_scale(self) -> bool:
        return self.low == WEIGHT_MIN and self.high == WEIGHT_MAX


@dataclass(frozen=True)
class Change:
    """One weight or one rating moved from `old` to `new`; `winner` is then first."""

    kind: str  # WEIGHT or RATING
    criterion: int
    option: int | None  # whose rating (None for a weight)
    old: int
    new: int
    winner: int

    @property
    def steps(self) -> int:
        return abs(self.new - self.old)

    def order(self) -> tuple[int, int, int, int, int]:
        return (self.steps, self.kind != WEIGHT, self.criterion, -1 if self.option is None else self.option,
                self.new < self.old)  # fmt: skip


@dataclass(frozen=True)
class Sensitivity:
    subject: int
    chosen: bool  # the subject is the chosen option (else the current leader)
    totals: tuple[int, ...]
    best_possible: int
    ranges: tuple[WeightRange, ...]
    # The smallest change of each kind that would put another option first (or, when the chosen
    # option is not first, that would put it first); None when no single change of that kind can.
    weight_change: Change | None = None
    rating_change: Change | None = None
    rivals: tuple[int, ...] = field(default=())  # the best of the other options, in the matrix's order

    @property
    def total(self) -> int:
        return self.totals[self.subject]

    @property
    def runner_up(self) -> int | None:
        return self.rivals[0] if self.rivals else None

    @property
    def margin(self) -> int | None:
        """The subject's total minus the best other total (negative: it is not first)."""
        return None if self.runner_up is None else self.total - self.totals[self.runner_up]

    @property
    def first(self) -> bool:
        return self.margin is None or self.margin >= 0

    @property
    def tied(self) -> bool:
        return self.margin == 0

    @property
    def close_call(self) -> bool:
        """A tie for first, or a lead of less than a tenth of the best possible total."""
        margin = self.margin
        return margin is not None and margin >= 0 and (margin == 0 or 10 * margin < self.best_possible)

    @property
    def smallest(self) -> Change | None:
        found = [c for c in (self.weight_change, self.rating_change) if c is not None]
        return min(found, key=Change.order, default=None)


def _first(totals: Sequence[int], among: Sequence[int]) -> int:
    """The option the page ranks first among `among`: highest total, then the matrix's order."""
    return max(among, key=lambda k: (totals[k], -k))


def analyse(
    weights: Sequence[int], ratings: Sequence[Sequence[int | None]], chosen: int | None = None
) -> Sensitivity | None:
    """The sensitivity of the matrix `ratings[option][criterion]` under `weights`, for `chosen`
    (an option's index) or the leader; None without options. O(options x criteria)."""
    n, m = len(ratings), len(weights)
    if n == 0:
        return None
    cells = [[r or 0 for r in row] for row in ratings]
    totals = [sum(w * r for w, r in zip(weights, row, strict=True)) for row in cells]
    s = chosen if chosen is not None else _first(totals, range(n))
    others = [k for k in range(n) if k != s]
    best_other = max((totals[k] for k in others), default=None)
    rivals = tuple(k for k in others if totals[k] == best_other)
    margins = {k: totals[s] - totals[k] for k in others}  # D_k >= 0 for all k: the subject is first
    behind = [k for k in others if margins[k] < 0]
    ranges, weight_changes, rating_changes = [], [], []
    for j in range(m):
        # With weight w_j + d, D_k becomes D_k + d * a_k, a_k = r_sj - r_kj; each k bounds d on one side.
        low, high = WEIGHT_MIN - weights[j], WEIGHT_MAX - weights[j]
        for k in others:
            a, margin = cells[s][j] - cells[k][j], margins[k]
            if a > 0:
                low = max(low, -(margin // a))  # d >= ceil(-D_k / a)
            elif a < 0:
                high = min(high, margin // -a)  # d <= floor(D_k / -a)
            elif margin < 0:
                low, high = 1, 0  # this criterion's weight cannot close the gap
        span = WeightRange(j, weights[j], weights[j] + low, weights[j] + high)
        if not span.empty:
            span = WeightRange(
                j, weights[j], span.low, span.high,
                below=_leader_at(totals, cells, j, span.low - 1 - weights[j], s) if span.low > WEIGHT_MIN else None,
                above=_leader_at(totals, cells, j, span.high + 1 - weights[j], s) if span.high < WEIGHT_MAX else None,
            )  # fmt: skip
        ranges.append(span)
        weight_changes += _weight_changes(span, s, weights[j])
        rating_changes += _rating_changes(j, weights[j], cells, s, others, margins, behind, totals)
    return Sensitivity(
        subject=s,
        chosen=chosen is not None,
        totals=tuple(totals),
        best_possible=RATING_MAX * sum(weights),
        ranges=tuple(ranges),
        weight_change=min(weight_changes, key=Change.order, default=None),
        rating_change=min(rating_changes, key=Change.order, default=None),
        rivals=rivals,
    )


def _leader_at(totals: list[int], cells: list[list[int]], j: int, delta: int, s: int) -> int:
    """The option put first when criterion j's weight moves by `delta` (the subject not first there)."""
    moved = [total + delta * row[j] for total, row in zip(totals, cells, strict=True)]
    return _first(moved, [k for k in range(len(cells)) if k != s])


def _weight_changes(span: WeightRange, s: int, weight: int) -> list[Change]:
    """The nearest weights outside the range (subject first) or inside it (subject behind)."""
    if span.empty:
        return []
    if span.low <= weight <= span.high:
        found = []
        if span.above is not None:
            found.append(Change(WEIGHT, span.criterion, None, weight, span.high + 1, span.above))
        if span.below is not None:
            found.append(Change(WEIGHT, span.criterion, None, weight, span.low - 1, span.below))
        return found
    target = span.low if weight < span.low else span.high
    return [Change(WEIGHT, span.criterion, None, weight, target, s)]


def _rating_changes(
    j: int,
    weight: int,
    cells: list[list[int]],
    s: int,
    others: list[int],
    margins: dict[int, int],
    behind: list[int],
    totals: list[int],
) -> list[Change]:
    if weight == 0 or not others:
        return []
    found = []
    mine = cells[s][j]
    if not behind:
        # Another option's rating rises until its total passes the subject's: d * w > D_k.
        for k in others:
            new = cells[k][j] + margins[k] // weight + 1
            if new <= RATING_MAX:
                found.append(Change(RATING, j, k, cells[k][j], new, k))
        # The subject's own rating falls until the best other total passes it.
        lead = min(margins.values())
        new = mine - (lead // weight + 1)
        if new >= RATING_MIN:
            found.append(Change(RATING, j, s, mine, new, _first(totals, others)))
        return found
    # The subject is behind: its own rating rises to reach the best (d * w >= gap) ...
    gap = -min(margins.values())
    new = mine - (-gap // weight)  # mine + ceil(gap / w)
    if new <= RATING_MAX:
        found.append(Change(RATING, j, s, mine, new, s))
    # ... or the one option ahead of it falls back to its total.
    if len(behind) == 1:
        k = behind[0]
        new = cells[k][j] + (margins[k] // weight)  # r - ceil(-D_k / w)
        if new >= RATING_MIN:
            found.append(Change(RATING, j, k, cells[k][j], new, s))
    return found


# Words -------------------------------------------------------------------------------------------


def _steps(n: int) -> str:
    return f"{_WORDS.get(n, n)} step{'s' if n != 1 else ''}"


def _label(rating: int) -> str:
    return str(Rating(rating).label)


def change_words(change: Change, options: Sequence[str], criteria: Sequence[str], subject: int) -> str:
    """ "the weight of X rises above 7" / "RPC's Stability rating improves by one step (to For)"."""
    criterion = criteria[change.criterion]
    if change.kind == WEIGHT:
        if change.winner == subject:  # the subject is behind: the weight it would need
            return (
                f"the weight of {criterion} rose to {change.new} or more"
                if change.new > change.old
                else f"the weight of {criterion} fell to {change.new} or less"
            )
        moved = (
            f"rises above {change.new - 1}" if change.new > change.old else f"falls below {change.new + 1}"
        )
        return f"the weight of {criterion} {moved} ({options[change.winner]} would lead)"
    assert change.option is not None
    whose = f"its own {criterion}" if change.option == subject else f"{options[change.option]}’s {criterion}"
    verb = "improves" if change.new > change.old else "worsens"
    if change.winner == subject:
        verb = "improved" if change.new > change.old else "worsened"
    notes = [f"to {_label(change.new)}"]
    if change.option == subject and change.winner != subject:
        notes.append(f"{options[change.winner]} would lead")
    return f"{whose} rating {verb} by {_steps(change.steps)} ({'; '.join(notes)})"


def _signed(n: int) -> str:
    return f"{n:+d}".replace("-", "−")


def describe(result: Sensitivity, options: Sequence[str], criteria: Sequence[str]) -> dict[str, str]:
    """The standing ("summary") and what would change it ("sentence"), in words."""
    name = options[result.subject]
    role = "The chosen option" if result.chosen else "The current leader"
    runner = result.runner_up
    if runner is None:
        return {"summary": f"{name} is the only option.", "sentence": "No other option can come first."}
    ahead = [c for c in (result.weight_change, result.rating_change) if c is not None]
    margin = result.margin or 0
    if result.tied:
        others = ", ".join(options[k] for k in result.rivals)
        summary = f"{role}, {name}, ties for first with {others} at {_signed(result.total)}."
    elif margin > 0:
        summary = (
            f"{role}, {name}, leads {options[runner]} by {margin} "
            f"({_signed(result.total)} against {_signed(result.totals[runner])}, "
            f"out of a possible {result.best_possible})."
        )
    else:
        summary = (
            f"{role}, {name}, is not first: {options[runner]} leads it by {-margin} "
            f"({_signed(result.totals[runner])} against {_signed(result.total)})."
        )
    words = [change_words(change, options, criteria, result.subject) for change in ahead]
    if not result.first:
        sentence = (
            f"{name} would be first if " + ", or if ".join(words) + "."
            if words
            else f"No single change of a weight or a rating would put {name} first."
        )
    elif words:
        stays = "stays first" if not result.tied else "stays jointly first"
        sentence = f"{name} {stays} unless " + ", or ".join(words) + "."
    else:
        sentence = f"{name} stays first whatever single weight or rating changes."
    return {"summary": summary, "sentence": sentence}


# Feeding it --------------------------------------------------------------------------------------


def for_names(
    options: Sequence[str],
    criteria: Sequence[tuple[str, int]],
    ratings: dict[tuple[str, str], int],
    chosen: str = "",
) -> Sensitivity | None:
    """From names: criteria as (name, weight), ratings keyed by (option, criterion)."""
    weights = [weight for _, weight in criteria]
    grid = [[ratings.get((option, name)) for name, _ in criteria] for option in options]
    index = options.index(chosen) if chosen in options else None
    return analyse(weights, grid, index)


def for_matrix(matrix: Matrix) -> Sensitivity | None:
    """From the page's Matrix (decisions.records.matrix): no query, only what it holds."""
    rows = matrix.rows
    if not rows:
        return None
    weights = [criterion.weight for criterion in matrix.criteria]
    grid = [[cell.rating if cell.rated else None for cell in row.cells] for row in rows]
    chosen = next((i for i, row in enumerate(rows) if row.chosen), None)
    return analyse(weights, grid, chosen)


# The page's panel --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RangeRow:
    criterion: str
    weight: int
    stays: str  # e.g. "2-10" with an en dash, "any (0-10)" for the whole scale, or "none"
    outside: str  # who leads outside the range


@dataclass(frozen=True)
class Panel:
    subject: str
    chosen: bool
    first: bool
    close_call: bool
    summary: str
    sentence: str
    rows: tuple[RangeRow, ...]


def range_words(span: WeightRange, options: Sequence[str]) -> tuple[str, str]:
    """What the table of weight ranges says for one criterion: the range, and outside it."""
    if span.empty:
        return "none", "no weight from 0 to 10 puts it first"
    stays = f"any ({WEIGHT_MIN}–{WEIGHT_MAX})" if span.whole_scale else f"{span.low}–{span.high}"
    outside = []
    if span.below is not None:
        outside.append(f"below {span.low}: {options[span.below]} leads")
    if span.above is not None:
        outside.append(f"above {span.high}: {options[span.above]} leads")
    text = "; ".join(outside)
    return stays, text[:1].upper() + text[1:] if text else "—"


def panel(matrix: Matrix) -> Panel | None:
    """The decision page's panel: the words and the table of weight ranges (no query)."""
    result = for_matrix(matrix)
    if result is None or not matrix.criteria:
        return None
    options = [row.option.name for row in matrix.rows]
    criteria = [criterion.name for criterion in matrix.criteria]
    words = describe(result, options, criteria)
    rows = tuple(
        RangeRow(criteria[span.criterion], span.weight, *range_words(span, options)) for span in result.ranges
    )
    return Panel(
        options[result.subject], result.chosen, result.first, result.close_call,
        words["summary"], words["sentence"], rows,
    )  # fmt: skip


def as_data(result: Sensitivity | None, options: Sequence[str], criteria: Sequence[str]) -> dict | None:
    """The API's `sensitivity` object: names, numbers and the same words as the page."""
    if result is None:
        return None

    def change(c: Change | None) -> dict | None:
        if c is None:
            return None
        return {
            "kind": c.kind,
            "criterion": criteria[c.criterion],
            "option": None if c.option is None else options[c.option],
            "from": c.old,
            "to": c.new,
            "steps": c.steps,
            "first_after": options[c.winner],
        }

    return {
        "option": options[result.subject],
        "basis": "chosen" if result.chosen else "leader",
        "first": result.first,
        "total": result.total,
        "runner_up": None if result.runner_up is None else options[result.runner_up],
        "margin": result.margin,
        "best_possible": result.best_possible,
        "tied_with": [options[k] for k in result.rivals] if result.tied else [],
        "close_call": result.close_call,
        "weight_ranges": [
            {
                "criterion": criteria[span.criterion],
                "weight": span.weight,
                "stays_first_from": None if span.empty else span.low,
                "stays_first_to": None if span.empty else span.high,
                "below": None if span.below is None else options[span.below],
                "above": None if span.above is None else options[span.above],
            }
            for span in result.ranges
        ],
        "smallest_weight_change": change(result.weight_change),
        "smallest_rating_change": change(result.rating_change),
        "smallest_change": change(result.smallest),
        **describe(result, options, criteria),
    }
