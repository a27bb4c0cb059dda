"""The front matter of a decision record: every field needed to rebuild it, loaded in a few queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.db import models

from decisions.models import (
    RFC,
    ActionItem,
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionStatusChange,
    Option,
    PendingReference,
    ReferenceKind,
    parse_reference,
)
from decisions.records import matrix
from decisions.records.pages import decision_links
from decisions.rfcs.export import rfc_reference_value


@dataclass
class Parts:
    """What one record shows besides its own fields, loaded for many decisions at once."""

    options: list[Any] = field(default_factory=list)  # with Option's attributes
    criteria: list[Any] = field(default_factory=list)  # with Criterion's attributes
    ratings: dict[int, dict[int, _Rated]] = field(default_factory=dict)
    ownerships: list[DecisionOwner] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    rfcs: list[int | str] = field(default_factory=list)
    discussions: list[DecisionMeeting] = field(default_factory=list)
    citations: list[DecisionPrecedent] = field(default_factory=list)
    status_changes: list[DecisionStatusChange] = field(default_factory=list)
    pending: list[PendingReference] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    supersedes: int | None = None
    superseded_by: list[int] = field(default_factory=list)


class _Rated(NamedTuple):
    """An assessment as matrix.Cell reads it: 48,000 Assessment instances cost 0.7 s."""

    rating: int
    note: str


def load_parts(decisions: list[Decision], scope: models.QuerySet) -> dict[int, Parts]:
    """Everything the records of `decisions` show, in 4 queries whatever their number.

    Each relation is one query grouped here by decision: Django's prefetch_related costs about
    50 ms per relation per 1,000 records in manager overhead alone, more than the queries.
    `scope` is a queryset of the same decisions, used as a subquery (no list of ids to bind).
    """
    parts = {decision.pk: Parts() for decision in decisions}
    ids = scope.order_by().values("pk")
    by_order = ("order", "pk")
    # Plain namespaces with the attributes matrix.Cell reads: 14,000 model instances cost 0.4 s.
    option_fields = ("decision_id", "name", "summary", "why_not", "order")
    for pk, *values in (
        Option.objects.filter(decision__in=ids).order_by(*by_order).values_list("pk", *option_fields)
    ):
        parts[values[0]].options.append(
            SimpleNamespace(pk=pk, **dict(zip(option_fields, values, strict=True)))
        )
    criterion_fields = ("decision_id", "name", "description", "weight", "order")
    for pk, *values in (
        Criterion.objects.filter(decision__in=ids).order_by(*by_order).values_list("pk", *criterion_fields)
    ):
        parts[values[0]].criteria.append(
            SimpleNamespace(pk=pk, **dict(zip(criterion_fields, values, strict=True)))
        )
    option_owner = {option.pk: part for part in parts.values() for option in part.options}
    for option_id, criterion_id, rating, note in (
        Assessment.objects.filter(option__decision__in=ids)
        .order_by()
        .values_list("option_id", "criterion_id", "rating", "note")
    ):
        option_owner[option_id].ratings.setdefault(option_id, {})[criterion_id] = _Rated(rating, note)
    # The short lists, one UNION query for all of them (decisions.records.pages).
    for decision_id, links in decision_links(ids, light=True).items():
        part = parts[decision_id]
        part.ownerships = links.ownerships
        part.areas = [area.slug for area in links.areas]
        part.rfcs = [rfc_reference_value(rfc.series, rfc.number) for rfc in links.rfcs]
        part.discussions = sorted(links.discussions, key=lambda discussion: discussion.pk)
        part.citations = links.citations
        part.status_changes = links.status_changes
        part.pending = links.pending
        part.action_items = links.action_items
        part.supersedes = links.supersedes.number if links.supersedes else None
        part.superseded_by = [other.number for other in links.superseded_by]
    return parts


def _sortable(value: Any) -> tuple:
    return (not isinstance(value, int), value if isinstance(value, int) else 0, str(value))


def _reference_number(key: str) -> int | str:
    return int(key) if key.isdigit() else key


def rfc_label(value: int | str) -> str:
    reference = parse_reference(str(value))
    return RFC(series=reference[0], number=reference[1]).label if reference else f"RFC {value}"


def _meeting_entry(date: Any, series: str, series_name: str | None, topic: str | None) -> dict:
    return {"date": date, "series": series, "series_name": series_name, "topic": topic}


def _pending_meeting(pending: PendingReference) -> dict:
    date_text, _, series = pending.key.partition("/")
    try:
        date: Any = datetime.date.fromisoformat(date_text)
    except ValueError:
        date = date_text
    return _meeting_entry(date, series, pending.label or None, pending.topic or None)


def options_matrix(decision: Decision, parts: Parts) -> matrix.Matrix:
    """The options matrix, as matrix.build makes it, from the loaded parts."""
    rows = []
    for option in parts.options:
        rated = parts.ratings.get(option.pk, {})
        cells = [matrix.Cell(option, criterion, rated.get(criterion.pk)) for criterion in parts.criteria]
        rows.append(matrix.Row(option, cells, chosen=option.pk == decision.chosen_option_id))
    return matrix.Matrix(decision, parts.criteria, rows)


# The front matter keys, in the order export writes them; import refuses any other key, so a
# misspelt field is reported instead of silently dropped.
FRONT_MATTER_KEYS = (
    "number", "title", "status", "decided_on", "owners", "areas", "context", "options", "criteria",
    "assessments", "chosen", "rationale", "consequences", "related_rfcs", "meetings", "precedents",
    "supersedes", "status_history", "action_items",
)  # fmt: skip


def record_data(decision: Decision, parts: Parts, table: matrix.Matrix) -> dict:
    """The front matter: every field needed to rebuild the record, in a fixed order.

    References kept as written (PendingReference) are written exactly like resolved ones.
    """
    pending = parts.pending
    chosen = table.chosen.option.name if table.chosen else None
    rfcs: set[Any] = set(parts.rfcs)
    rfcs |= {_reference_number(p.key) for p in pending if p.kind == ReferenceKind.RFC}
    meetings = [
        _meeting_entry(
            d.meeting.date, d.meeting.series.slug, d.meeting.series.name, d.topic.title if d.topic else None
        )
        for d in parts.discussions
    ] + [_pending_meeting(p) for p in pending if p.kind == ReferenceKind.MEETING]
    supersedes: Any = parts.supersedes
    if supersedes is None:
        supersedes = next(
            (_reference_number(p.key) for p in pending if p.kind == ReferenceKind.DECISION), None
        )
    return {
        "number": decision.number,
        "title": decision.title,
        "status": decision.status,
        "decided_on": decision.decided_on,
        "owners": [{"name": o.person.name, "slug": o.person.slug, "role": o.role} for o in parts.ownerships],
        "areas": sorted(parts.areas),
        "context": decision.context,
        "options": [
            {"name": row.option.name, "summary": row.option.summary, "why_not": row.option.why_not}
            for row in table.rows
        ],
        "criteria": [
            {"name": c.name, "description": c.description, "weight": c.weight} for c in table.criteria
        ],
        "assessments": [
            {
                "option": row.option.name,
                "criterion": cell.criterion.name,
                "rating": cell.rating,
                "note": cell.note,
            }
            for row in table.rows
            for cell in row.cells
            if cell.rated
        ],
        "chosen": chosen,
        "rationale": decision.rationale,
        "consequences": decision.consequences,
        "related_rfcs": sorted(rfcs, key=_sortable),
        "meetings": sorted(meetings, key=lambda m: (str(m["date"]), m["series"], m["topic"] or "")),
        "precedents": [
            {
                "title": c.precedent.title,
                "url": c.precedent.url,
                "organization": c.precedent.organization,
                "kind": c.precedent.kind,
                "date": c.precedent.date,
                "note": c.note,
            }
            for c in parts.citations
        ],
        "supersedes": supersedes,
        "status_history": [
            {"date": s.changed_on, "from": s.from_status or None, "to": s.to_status, "note": s.note}
            for s in parts.status_changes
        ],
        "action_items": [
            {
                "owner": item.owner.name if item.owner else (item.owner_name or None),
                "text": item.text,
                "status": item.status,
                "due": item.due_on,
            }
            for item in parts.action_items
        ],
    }
