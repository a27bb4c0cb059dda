"""A decision record as the export writes it: loaded in a few queries, as a RecordSpec, and its front matter."""

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
    OwnerRole,
    PendingReference,
    ReferenceKind,
    parse_reference,
)
from decisions.records import matrix
from decisions.records.pages import decision_links
from decisions.records.specs import (
    ActionSpec,
    AssessmentSpec,
    CriterionSpec,
    MeetingSpec,
    OptionSpec,
    OwnerSpec,
    PrecedentSpec,
    RecordSpec,
    StatusSpec,
)
from decisions.rfcs.export import rfc_reference_value
from decisions.signoff.transfer import values_for


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
    signoff: list[dict[str, Any]] = field(default_factory=list)  # decisions.signoff.transfer


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
    # One record (its Markdown page): its id, for SQL compiled once; many: the subquery.
    for decision_id, links in decision_links(list(parts) if len(parts) == 1 else ids, light=True).items():
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
    for decision_id, motions in values_for(decisions).items():  # one query for every record
        parts[decision_id].signoff = motions
    return parts


def _sortable(value: Any) -> tuple:
    return (not isinstance(value, int), value if isinstance(value, int) else 0, str(value))


def _reference_number(key: str) -> int | str:
    return int(key) if key.isdigit() else key


def rfc_label(value: int | str) -> str:
    reference = parse_reference(str(value))
    return RFC(series=reference[0], number=reference[1]).label if reference else f"RFC {value}"


def _pending_meeting(pending: PendingReference) -> MeetingSpec:
    date_text, _, series = pending.key.partition("/")
    try:
        date: Any = datetime.date.fromisoformat(date_text)
    except ValueError:
        date = date_text
    return MeetingSpec(date, series, pending.label, pending.topic)


def options_matrix(decision: Decision, parts: Parts) -> matrix.Matrix:
    """The options matrix, as matrix.build makes it, from the loaded parts."""
    rows = []
    for option in parts.options:
        rated = parts.ratings.get(option.pk, {})
        cells = [matrix.Cell(option, criterion, rated.get(criterion.pk)) for criterion in parts.criteria]
        rows.append(matrix.Row(option, cells, chosen=option.pk == decision.chosen_option_id))
    return matrix.Matrix(decision, parts.criteria, rows)


# The key under which the front matter keeps what MADR has no key for and the body cannot say.
SITE_KEY = "rfcs-site"
MADR_KEYS = ("status", "date", "decision-makers", "consulted", "informed", SITE_KEY)
SITE_KEYS = (
    "number",
    "decided-on",
    "revisit-by",
    "roles",
    "areas",
    "related-rfcs",
    "meetings",
    "precedents",
    "supersedes",
    "superseded-by",
    "status-history",
    "action-items",
    "sign-off",
)
# MADR's three lists of people and the site's roles: decision-makers are owners unless
# rfcs-site.roles says driver or approver.
DECISION_MAKER_ROLES = (OwnerRole.OWNER, OwnerRole.DRIVER, OwnerRole.APPROVER)
LIST_ROLES = {"consulted": OwnerRole.CONTRIBUTOR, "informed": OwnerRole.INFORMED}


def record_spec(decision: Decision, parts: Parts) -> RecordSpec:
    """The record as plain values, as the file will say it.

    References kept as written (PendingReference) are written exactly like resolved ones.
    """
    pending = parts.pending
    table = options_matrix(decision, parts)
    rfcs: set[Any] = set(parts.rfcs)
    rfcs |= {_reference_number(p.key) for p in pending if p.kind == ReferenceKind.RFC}
    meetings = [
        MeetingSpec(
            d.meeting.date, d.meeting.series.slug, d.meeting.series.name, d.topic.title if d.topic else ""
        )
        for d in parts.discussions
    ] + [_pending_meeting(p) for p in pending if p.kind == ReferenceKind.MEETING]
    supersedes: Any = parts.supersedes
    if supersedes is None:
        supersedes = next(
            (_reference_number(p.key) for p in pending if p.kind == ReferenceKind.DECISION), None
        )
    return RecordSpec(
        path="",
        lines={},
        number=decision.number,
        title=decision.title,
        status=decision.status,
        decided_on=decision.decided_on,
        owners=[OwnerSpec(o.person.name, o.person.slug, o.role) for o in parts.ownerships],
        areas=sorted(parts.areas),
        context=decision.context,
        options=[OptionSpec(row.option.name, row.option.summary, row.option.why_not) for row in table.rows],
        criteria=[CriterionSpec(c.name, c.description, c.weight) for c in table.criteria],
        assessments=[
            AssessmentSpec(row.option.name, cell.criterion.name, cell.rating, cell.note)
            for row in table.rows
            for cell in row.cells
            if cell.rated
        ],
        chosen=table.chosen.option.name if table.chosen else "",
        rationale=decision.rationale,
        consequences=decision.consequences,
        confirmation=decision.confirmation,
        more_information=decision.more_information,
        revisit_by=decision.revisit_by,
        related_rfcs=sorted(rfcs, key=_sortable),
        meetings=sorted(meetings, key=lambda m: (str(m.date), m.series, m.topic)),
        precedents=[
            PrecedentSpec(
                c.precedent.title,
                c.precedent.url,
                c.precedent.organization,
                c.precedent.kind,
                c.precedent.date,
                c.note,
            )
            for c in parts.citations
        ],
        supersedes=supersedes,
        superseded_by=sorted(parts.superseded_by),
        signoff=parts.signoff,
        status_history=[
            StatusSpec(s.changed_on, s.from_status, s.to_status, s.note) for s in parts.status_changes
        ],
        action_items=[
            ActionSpec(
                item.owner.name if item.owner else item.owner_name, item.text, item.status, item.due_on
            )
            for item in parts.action_items
        ],
    )


def last_updated(spec: RecordSpec) -> datetime.date | None:
    """MADR's `date`: the day the decision last changed, as the record itself dates it."""
    dates = [change.date for change in spec.status_history]
    if spec.decided_on:
        dates.append(spec.decided_on)
    return max(dates, default=None)


def people_lists(owners: list[OwnerSpec]) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    """MADR's decision-makers, consulted and informed, and the roles MADR cannot say: a
    decision-maker is an owner unless `roles` names them as driver or approver (or as both an
    owner and one of those)."""
    lists: dict[str, list[str]] = {"decision-makers": [], "consulted": [], "informed": []}
    makers: dict[str, list[str]] = {}
    for owner in owners:
        key = next((k for k, role in LIST_ROLES.items() if role == owner.role), "decision-makers")
        if owner.name not in lists[key]:
            lists[key].append(owner.name)
        if key == "decision-makers":
            makers.setdefault(owner.name, []).append(owner.role)
    roles = [
        {"name": name, "role": role}
        for name, got in makers.items()
        if got != [OwnerRole.OWNER]
        for role in got
    ]
    return lists, roles


def _compact(entry: dict) -> dict:
    return {key: value for key, value in entry.items() if value not in (None, "", [])}


def front_matter(spec: RecordSpec) -> dict:
    """MADR 4's keys, then this site's under one key, holding only what the body cannot say."""
    data: dict[str, Any] = {"status": spec.status, "date": last_updated(spec)}
    lists, roles = people_lists(spec.owners)
    data.update(lists)
    site = {
        "number": spec.number,
        "decided-on": spec.decided_on,
        "revisit-by": spec.revisit_by,
        "roles": roles,
        "areas": spec.areas,
        "related-rfcs": spec.related_rfcs,
        "meetings": [
            _compact({"date": m.date, "series": m.series, "series-name": m.series_name, "topic": m.topic})
            for m in spec.meetings
        ],
        "precedents": [
            _compact(
                {
                    "title": p.title,
                    "url": p.url,
                    "organization": p.organization,
                    "kind": p.kind,
                    "date": p.date,
                    "note": p.note,
                }
            )
            for p in spec.precedents
        ],
        "supersedes": spec.supersedes,
        "superseded-by": spec.superseded_by,
        "status-history": [
            _compact({"date": s.date, "from": s.from_status, "to": s.to_status, "note": s.note})
            for s in spec.status_history
        ],
        "action-items": [
            _compact({"owner": a.owner, "text": a.text, "status": a.status, "due": a.due})
            for a in spec.action_items
        ],
        "sign-off": spec.signoff,
    }
    data[SITE_KEY] = {"number": spec.number, **_compact(site)}
    return _compact(data)
