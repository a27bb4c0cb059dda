"""Where each node of a view is drawn: a timeline with one lane per kind of record.

Time runs left to right and each kind of record has its own lane (RFCs, decision records,
meetings, precedents), so a reader sees at once what came first and what kind of thing links to
what. Time is ordinal, not to scale: each distinct date is one step to the right, so a precedent
from 2017 does not squeeze a year of RFCs into a corner; marks along the bottom show where a new
year (or month) begins. Nodes that would overlap in a lane are stacked in rows of the lane, and
pushed right only when every row is taken. Pure: nodes and edges in, coordinates out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from decisions.graph.edges import KIND_ORDER, Edge, Node, NodeKey

NODE_W, NODE_H = 132, 30
GAP_X, ROW_H, LANE_PAD = 10, 38, 14
LEFT, TOP, RIGHT = 118, 28, 16
ROWS_PER_LANE = 3
MIN_WIDTH, STEP = 640, 52
UNDATED = "undated"


@dataclass(frozen=True)
class Placed:
    node: Node
    x: int
    y: int

    @property
    def cx(self) -> int:
        return self.x + NODE_W // 2

    @property
    def cy(self) -> int:
        return self.y + NODE_H // 2


@dataclass(frozen=True)
class Lane:
    kind: str
    label: str
    y: int
    height: int


@dataclass(frozen=True)
class Curve:
    edge: Edge
    d: str  # the SVG path
    label_x: int
    label_y: int


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    lanes: list[Lane]
    nodes: list[Placed]
    curves: list[Curve]
    ticks: list[Tick]


def draw(nodes: dict[NodeKey, Node], edges: list[Edge]) -> Drawing:
    """Coordinates for every node and a curve for every edge (nodes are drawn in date order)."""
    ordered = sorted(nodes.values(), key=lambda n: (n.date or datetime.date.min, n.code))
    dates = sorted({n.date for n in ordered if n.date})
    step_of = {
        date: index + (1 if any(n.date is None for n in ordered) else 0) for index, date in enumerate(dates)
    }

    lanes: list[Lane] = []
    placed: dict[NodeKey, Placed] = {}
    y = TOP
    for kind in KIND_ORDER:
        members = [n for n in ordered if n.kind == kind]
        if not members:
            continue
        rows_end = [LEFT - GAP_X - NODE_W] * ROWS_PER_LANE  # right edge of the last node per row
        used_rows = 1
        for node in members:
            x = LEFT + STEP * (step_of[node.date] if node.date else 0)
            row = next((i for i, end in enumerate(rows_end) if end + GAP_X <= x), None)
            if row is None:  # every row is taken here: the row that frees first, pushed right
                row = min(range(ROWS_PER_LANE), key=lambda i: rows_end[i])
                x = rows_end[row] + GAP_X
            rows_end[row] = x + NODE_W
            used_rows = max(used_rows, row + 1)
            placed[node.key] = Placed(node, x, y + LANE_PAD + row * ROW_H)
        height = LANE_PAD * 2 + used_rows * ROW_H - (ROW_H - NODE_H)
        lanes.append(Lane(kind, members[0].kind_label + "s", y, height))
        y += height
    width = max(MIN_WIDTH, max((p.x + NODE_W + RIGHT for p in placed.values()), default=MIN_WIDTH))

    curves = []
    for edge in edges:
        if edge.source not in placed or edge.target not in placed:
            continue
        a, b = placed[edge.source], placed[edge.target]
        if a.y == b.y:  # same row: an arc above the row
            lift = 24 + abs(a.cx - b.cx) // 12
            d = f"M{a.cx},{a.y} C{a.cx},{a.y - lift} {b.cx},{b.y - lift} {b.cx},{b.y}"
            lx, ly = (a.cx + b.cx) // 2, a.y - lift * 3 // 4
        else:
            start_y = a.y + NODE_H if b.y > a.y else a.y
            end_y = b.y if b.y > a.y else b.y + NODE_H
            mid = (start_y + end_y) // 2
            d = f"M{a.cx},{start_y} C{a.cx},{mid} {b.cx},{mid} {b.cx},{end_y}"
            lx, ly = (a.cx + b.cx) // 2, mid
        curves.append(Curve(edge, d, lx, ly))

    ticks = _ticks(dates, step_of)
    return Drawing(width, y + 24, lanes, list(placed.values()), curves, ticks)


def _ticks(dates: list[datetime.date], step_of: dict[datetime.date, int]) -> list[Tick]:
    """A mark where each year begins (or each month, when every date is in one year)."""
    if not dates:
        return []
    by_year = dates[-1].year > dates[0].year
    ticks, last = [], None
    for date in dates:
        period = date.year if by_year else (date.year, date.month)
        if period != last:
            ticks.append(
                Tick(LEFT + STEP * step_of[date] - GAP_X // 2, str(date.year) if by_year else f"{date:%b %Y}")
            )
            last = period
    return ticks
