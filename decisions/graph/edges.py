"""The graph's nodes and typed edges, read from where each relation is stored, in a few queries.

Edges come from the relations the rooms already keep, each with its type:

| stored as | edge |
| --- | --- |
| `RFC.supersedes`, `Decision.supersedes` | supersedes |
| a record's meetings (`DecisionMeeting`), an RFC's meetings (`Meeting.rfcs`) | discussed in |
| a record's precedents (`DecisionPrecedent`), its related RFCs | cites |
| `graph.Link` (stated by a person: amends, implements, any of the five) | its own kind |

A view of the graph is a set of nodes (chosen by `select_nodes` for the whole graph, or the
neighbourhood of one record by `neighbourhood`) and the edges among them: one UNION ALL query
for the edges (decisions.caching.union), one for the nodes' labels, dates and areas. The number
of queries does not grow with the data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import DateField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from decisions.caching.union import DATE, INT, TEXT, Relation, load
from decisions.graph.models import Link, LinkKind, NodeKind
from decisions.meetings.models import Meeting
from decisions.precedents.models import Precedent
from decisions.records.models import Decision, DecisionMeeting, DecisionPrecedent
from decisions.rfcs.models import RFC

NodeKey = tuple[str, int]
KIND_ORDER = (NodeKind.RFC, NodeKind.DECISION, NodeKind.MEETING, NodeKind.PRECEDENT)
NODES_PER_KIND = 80  # the whole-graph view: most recent linked records of each kind

RFCMeeting = Meeting.rfcs.through
DecisionRFC = Decision.related_rfcs.through


@dataclass(frozen=True)
class Edge:
    kind: str  # a LinkKind value
    source: NodeKey
    target: NodeKey
    stated: bool = False  # a graph.Link a person added (it can be removed), not a stored relation
    link_id: int | None = None

    @property
    def label(self) -> str:
        return LinkKind(self.kind).label


@dataclass
class Node:
    kind: str
    pk: int
    code: str
    title: str
    date: datetime.date | None
    url: str
    areas: set[int] = field(default_factory=set)

    @property
    def key(self) -> NodeKey:
        return (self.kind, self.pk)

    @property
    def kind_label(self) -> str:
        return NodeKind(self.kind).label


# --- edges ---------------------------------------------------------------------------------------

# (tag, source kind, target kind, edge kind, model, source column, target column)
_DERIVED = (
    ("rfc_supersedes", NodeKind.RFC, NodeKind.RFC, LinkKind.SUPERSEDES, RFC, "pk", "supersedes_id"),
    ("decision_supersedes", NodeKind.DECISION, NodeKind.DECISION, LinkKind.SUPERSEDES, Decision, "pk", "supersedes_id"),
    ("decision_meeting", NodeKind.DECISION, NodeKind.MEETING, LinkKind.DISCUSSED_IN, DecisionMeeting, "decision_id", "meeting_id"),
    ("rfc_meeting", NodeKind.RFC, NodeKind.MEETING, LinkKind.DISCUSSED_IN, RFCMeeting, "rfc_id", "meeting_id"),
    ("decision_precedent", NodeKind.DECISION, NodeKind.PRECEDENT, LinkKind.CITES, DecisionPrecedent, "decision_id", "precedent_id"),
    ("decision_rfc", NodeKind.DECISION, NodeKind.RFC, LinkKind.CITES, DecisionRFC, "decision_id", "rfc_id"),
)  # fmt: skip


def _edge_relations(ids: dict[str, set[int]], *, both: bool) -> list[Relation]:
    """Edges with both ends among `ids` (`both`), or with at least one end among them."""

    def among(column: str, kind: str) -> Q:
        return Q(**{f"{column}__in": sorted(ids.get(kind, ()))})

    relations = []
    for tag, source, target, _, model, from_col, to_col in _DERIVED:
        touch = (
            among(from_col, source) & among(to_col, target)
            if both
            else among(from_col, source) | among(to_col, target)
        )
        rows = model.objects.filter(touch).exclude(**{f"{to_col}__isnull": True})
        relations.append(Relation(tag, rows, from_col, {"to": (INT, to_col)}))
    stated = Q()
    for kind in KIND_ORDER:
        wanted = sorted(ids.get(kind, ()))
        ends = (Q(from_kind=kind, from_id__in=wanted), Q(to_kind=kind, to_id__in=wanted))
        stated |= ends[0] | ends[1]
    rows = Link.objects.filter(stated)
    relations.append(
        Relation(
            "link", rows, "from_id",
            {"to": (INT, "to_id"), "link_id": (INT, "pk"), "kind": (TEXT, "kind"), "from_kind": (TEXT, "from_kind"),
             "to_kind": (TEXT, "to_kind")},
        )
    )  # fmt: skip
    return relations


def load_edges(ids: dict[str, set[int]], *, both: bool = True) -> set[Edge]:
    """The edges among (or, with both=False, touching) the given nodes, in one query."""
    rows = load(_edge_relations(ids, both=both))
    edges: set[Edge] = set()
    for tag, source, target, kind, *_ in _DERIVED:
        for owner, row in rows[tag]:
            edges.add(Edge(kind, (source, owner), (target, row["to"])))
    for owner, row in rows["link"]:
        source, target = (row["from_kind"], owner), (row["to_kind"], row["to"])
        edges.add(Edge(row["kind"], source, target, stated=True, link_id=row["link_id"]))
    if both:
        edges = {
            e
            for e in edges
            if e.source[1] in ids.get(e.source[0], ()) and e.target[1] in ids.get(e.target[0], ())
        }
    return edges


# --- nodes ---------------------------------------------------------------------------------------


def _node_relations(ids: dict[str, set[int]]) -> list[Relation]:
    def of(kind: str) -> list[int]:
        return sorted(ids.get(kind, ()))

    decision_date = Coalesce("decided_on", Cast("created_at", DateField()))
    return [
        Relation("rfc", RFC.objects.filter(pk__in=of(NodeKind.RFC)), "pk",
                 {"series": (TEXT, "series"), "number": (INT, "number"), "title": (TEXT, "title"),
                  "date": (DATE, "created_on")}),
        Relation("decision", Decision.objects.filter(pk__in=of(NodeKind.DECISION)), "pk",
                 {"number": (INT, "number"), "title": (TEXT, "title"), "date": (DATE, decision_date)}),
        Relation("meeting", Meeting.objects.filter(pk__in=of(NodeKind.MEETING)), "pk",
                 {"title": (TEXT, "title"), "series": (TEXT, "series__name"), "date": (DATE, "date")}),
        Relation("precedent", Precedent.objects.filter(pk__in=of(NodeKind.PRECEDENT)), "pk",
                 {"title": (TEXT, "title"), "date": (DATE, "date")}),
        Relation("rfc_area", RFC.areas.through.objects.filter(rfc_id__in=of(NodeKind.RFC)), "rfc_id",
                 {"area": (INT, "area_id")}),
        Relation("decision_area", Decision.areas.through.objects.filter(decision_id__in=of(NodeKind.DECISION)),
                 "decision_id", {"area": (INT, "area_id")}),
        Relation("meeting_area", Meeting.objects.filter(pk__in=of(NodeKind.MEETING), series__areas__isnull=False),
                 "pk", {"area": (INT, "series__areas")}),
    ]  # fmt: skip


def load_nodes(ids: dict[str, set[int]]) -> dict[NodeKey, Node]:
    """Labels, dates, links and areas of the given records, in one query."""
    rows = load(_node_relations(ids))
    nodes: dict[NodeKey, Node] = {}
    for pk, row in rows["rfc"]:
        rfc = RFC(pk=pk, series=row["series"] or "", number=row["number"], title=row["title"])
        nodes[(NodeKind.RFC, pk)] = Node(
            NodeKind.RFC, pk, rfc.label, row["title"], row["date"], rfc.get_absolute_url()
        )
    for pk, row in rows["decision"]:
        decision = Decision(pk=pk, number=row["number"], title=row["title"])
        nodes[(NodeKind.DECISION, pk)] = Node(
            NodeKind.DECISION, pk, decision.code, row["title"], row["date"], decision.get_absolute_url()
        )
    for pk, row in rows["meeting"]:
        date = row["date"]
        nodes[(NodeKind.MEETING, pk)] = Node(
            NodeKind.MEETING, pk, f"{date:%Y-%m-%d} {row['series']}", row["title"], date,
            reverse("decisions:meeting-detail", args=[pk]),
        )  # fmt: skip
    for pk, row in rows["precedent"]:
        nodes[(NodeKind.PRECEDENT, pk)] = Node(
            NodeKind.PRECEDENT, pk, _short(row["title"]), row["title"], row["date"],
            reverse("decisions:precedent-detail", args=[pk]),
        )  # fmt: skip
    for tag, kind in (
        ("rfc_area", NodeKind.RFC),
        ("decision_area", NodeKind.DECISION),
        ("meeting_area", NodeKind.MEETING),
    ):
        for pk, row in rows[tag]:
            if (kind, pk) in nodes:
                nodes[(kind, pk)].areas.add(row["area"])
    return nodes


def _short(title: str, length: int = 22) -> str:
    return title if len(title) <= length else title[: length - 1].rstrip() + "…"


# --- choosing the nodes of a view ---------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    area: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    kinds: tuple[str, ...] = tuple(KIND_ORDER)


def _linked(kind: str) -> Q:
    """Records of `kind` with at least one edge of any type (an EXISTS per relation)."""
    outer = OuterRef("pk")
    stated = Exists(Link.objects.filter(from_kind=kind, from_id=outer)) | Exists(
        Link.objects.filter(to_kind=kind, to_id=outer)
    )
    if kind == NodeKind.RFC:
        return (
            Q(supersedes__isnull=False)
            | Exists(RFC.objects.filter(supersedes=outer))
            | Exists(RFCMeeting.objects.filter(rfc_id=outer))
            | Exists(DecisionRFC.objects.filter(rfc_id=outer))
            | stated
        )
    if kind == NodeKind.DECISION:
        return (
            Q(supersedes__isnull=False)
            | Exists(Decision.objects.filter(supersedes=outer))
            | Exists(DecisionMeeting.objects.filter(decision_id=outer))
            | Exists(DecisionPrecedent.objects.filter(decision_id=outer))
            | Exists(DecisionRFC.objects.filter(decision_id=outer))
            | stated
        )
    if kind == NodeKind.MEETING:
        return (
            Exists(DecisionMeeting.objects.filter(meeting_id=outer))
            | Exists(RFCMeeting.objects.filter(meeting_id=outer))
            | stated
        )
    return Exists(DecisionPrecedent.objects.filter(precedent_id=outer)) | stated


def _candidates(kind: str, wanted: Filter) -> QuerySet:
    """The most recent linked records of `kind` that pass the filter, as a subquery of ids."""
    if kind == NodeKind.RFC:
        rows, date, areas = RFC.objects.all(), "created_on", "areas"
    elif kind == NodeKind.DECISION:
        rows = Decision.objects.annotate(day=Coalesce("decided_on", Cast("created_at", DateField())))
        date, areas = "day", "areas"
    elif kind == NodeKind.MEETING:
        rows, date, areas = Meeting.objects.all(), "date", "series__areas"
    else:
        rows, date, areas = Precedent.objects.all(), "date", ""
    rows = rows.filter(_linked(kind))
    if wanted.since:
        rows = (
            rows.filter(**{f"{date}__gte": wanted.since})
            if kind != NodeKind.PRECEDENT
            else rows.filter(Q(date__gte=wanted.since) | Q(date__isnull=True))
        )
    if wanted.until:
        rows = (
            rows.filter(**{f"{date}__lte": wanted.until})
            if kind != NodeKind.PRECEDENT
            else rows.filter(Q(date__lte=wanted.until) | Q(date__isnull=True))
        )
    if wanted.area is not None:
        if areas:
            rows = rows.filter(**{areas: wanted.area})
        else:  # precedents have no areas: those cited by a record of the area
            rows = rows.filter(
                Exists(
                    DecisionPrecedent.objects.filter(precedent_id=OuterRef("pk"), decision__areas=wanted.area)
                )
            )
    return rows.order_by(f"-{date}", "-pk").values_list("pk", flat=True).distinct()[: NODES_PER_KIND + 1]


@dataclass(frozen=True)
class Row:
    """One line of the text equivalent: a record, the link, the other record."""

    edge: Edge
    source: Node
    target: Node


@dataclass
class View:
    nodes: dict[NodeKey, Node]
    edges: list[Edge]
    capped: list[str] = field(default_factory=list)  # kinds with more records than were shown
    focus: NodeKey | None = None

    @property
    def rows(self) -> list[Row]:
        return [Row(edge, self.nodes[edge.source], self.nodes[edge.target]) for edge in self.edges]


def _sorted_edges(edges: Iterable[Edge], nodes: dict[NodeKey, Node]) -> list[Edge]:
    def order(edge: Edge) -> tuple:
        source = nodes[edge.source]
        return (KIND_ORDER.index(source.kind), source.code, edge.kind, nodes[edge.target].code)

    return sorted((e for e in edges if e.source in nodes and e.target in nodes), key=order)


def select(wanted: Filter) -> View:
    """The whole graph, filtered: one query per kind for the ids, one for edges, one for nodes."""
    ids: dict[str, set[int]] = {}
    capped = []
    for kind in wanted.kinds:
        found = list(_candidates(kind, wanted))
        if len(found) > NODES_PER_KIND:
            capped.append(kind)
        ids[kind] = set(found[:NODES_PER_KIND])
    edges = load_edges(ids, both=True)
    linked = {end for edge in edges for end in (edge.source, edge.target)}
    nodes = load_nodes({kind: {pk for k, pk in linked if k == kind} for kind in wanted.kinds})
    return View(nodes, _sorted_edges(edges, nodes), capped)


def neighbourhood(focus: NodeKey, depth: int = 1) -> View:
    """A record and what links to it or from it, `depth` steps out (one query per step)."""
    ids: dict[str, set[int]] = {focus[0]: {focus[1]}}
    frontier = dict(ids)
    edges: set[Edge] = set()
    for _ in range(depth):
        # An empty step still asks (for an id no record has), so the count of queries is the same
        # whatever the neighbourhood holds.
        found = load_edges(frontier or {focus[0]: {-1}}, both=False)
        edges |= found
        frontier = {}
        for edge in found:
            for kind, pk in (edge.source, edge.target):
                if pk not in ids.setdefault(kind, set()):
                    ids[kind].add(pk)
                    frontier.setdefault(kind, set()).add(pk)
    nodes = load_nodes(ids)
    return View(nodes, _sorted_edges(edges, nodes), focus=focus if focus in nodes else None)
