"""The options matrix as a chart of weighted totals: geometry for a server-rendered SVG (no script).

The template (decisions/partials/matrix_sensitivity.html) draws it with classes only, as the strict
CSP allows no inline style; the numbers are also the chart's text, its <desc> and the matrix's
"Weighted total" column. The scale runs from the lowest total (or 0) to the highest (or 0), so a
chart of modest totals is not a row of stubs; drawing coordinates are the only floats here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decisions.records.matrix import Matrix

WIDTH = 360  # the viewBox; the SVG scales to its box (27rem at most), down to a 390 px phone
PAD = 8
ROW = 44  # the name's line, then the bar
BAR = 16
NAME_CHARS = 36


@dataclass(frozen=True)
class Bar:
    name: str  # shortened to fit; the full name is in the table and the description
    full_name: str
    total: int
    y_text: float
    y_bar: float
    x: float
    width: float
    subject: bool  # the chosen option or, while open, the leader
    negative: bool

    @property
    def height(self) -> int:
        return BAR

    @property
    def axis_top(self) -> float:
        """The zero line is drawn beside each bar only, so it never crosses a name."""
        return self.y_bar - 3

    @property
    def axis_bottom(self) -> float:
        return self.y_bar + BAR + 3

    @property
    def signed(self) -> str:
        return f"{self.total:+d}".replace("-", "−")


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    zero_x: float
    best_possible: int
    description: str


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def totals_chart(matrix: Matrix) -> Chart | None:
    """The chart of `matrix` (decisions.records.matrix.Matrix); None without options or criteria."""
    rows = matrix.rows
    if not rows or not matrix.criteria:
        return None
    totals = [row.total for row in rows]
    low, high = min(0, *totals), max(0, *totals)
    span = (high - low) or 1
    inner = WIDTH - 2 * PAD
    zero = PAD + inner * (0 - low) / span
    chosen = next((i for i, row in enumerate(rows) if row.chosen), None)
    subject = chosen if chosen is not None else max(range(len(rows)), key=lambda i: (totals[i], -i))
    bars = []
    for index, (row, total) in enumerate(zip(rows, totals, strict=True)):
        top = PAD + index * ROW
        length = inner * abs(total) / span
        bars.append(
            Bar(
                name=_short(row.option.name),
                full_name=row.option.name,
                total=total,
                y_text=top + 14,
                y_bar=top + 20,
                x=round(zero - length if total < 0 else zero, 1),
                width=round(max(length, 1.5), 1),  # a zero total still shows where it sits
                subject=index == subject,
                negative=total < 0,
            )
        )
    best = matrix.max_total
    which = "chosen option" if chosen is not None else "current leader"
    description = (
        f"Weighted totals out of a possible {best}: "
        + "; ".join(f"{bar.full_name} {bar.signed}" + (f" ({which})" if bar.subject else "") for bar in bars)
        + "."
    )
    return Chart(tuple(bars), WIDTH, PAD * 2 + ROW * len(bars), round(zero, 1), best, description)
