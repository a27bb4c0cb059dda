"""A decision record's history: every save a revision (who, when, the whole record, a diff), the
undo of a removed option or criterion, and status timeline dates taken from the record.

Every write to a record goes: begin() (inside the transaction, before the change), the change,
then record(). begin() locks the record's row, so revisions of one record are numbered and
snapshotted one at a time: each state includes every change committed before it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from decisions.diffs import tagged_diff
from decisions.models import (
    RFC,
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionRevision,
    DecisionStatus,
    DecisionStatusChange,
    Option,
    OwnerRole,
    Rating,
)

# Statuses a decision reaches on the day it was decided: the timeline dates them by `decided_on`.
DECIDED = {DecisionStatus.ACCEPTED, DecisionStatus.REJECTED, DecisionStatus.SUPERSEDED}
LABELS = {"title": "Question", "context": "Context and problem statement", "decided_on": "Decided on"}
_NOT_STATE = {"id", "number", "slug"}


class RestoreError(Exception):
    """A removal that cannot be undone now, with the reason to show the person."""


def _record_fields() -> list[models.Field]:
    """The record's own fields a person edits; fields added later join the history by themselves."""
    return [
        f
        for f in Decision._meta.concrete_fields
        if f.editable and f.name not in _NOT_STATE and not f.name.endswith("_html")
    ]


def _value(decision: Decision, field: models.Field) -> str:
    if field.name == "chosen_option":
        return decision.chosen_option.name if decision.chosen_option else ""
    if field.name == "supersedes":
        return decision.supersedes.code if decision.supersedes else ""
    if field.choices:
        return str(getattr(decision, f"get_{field.name}_display")())
    value = getattr(decision, field.attname)
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def state_of(decision: Decision) -> dict[str, Any]:
    """The whole record as it is in the database now, as plain JSON values."""
    fresh = Decision.objects.select_related("chosen_option", "supersedes").get(pk=decision.pk)
    owners = DecisionOwner.objects.filter(decision=fresh).select_related("person")
    citations = DecisionPrecedent.objects.filter(decision=fresh).select_related("precedent")
    meetings = DecisionMeeting.objects.filter(decision=fresh).select_related("meeting__series", "topic")
    rfcs = RFC.objects.filter(decisions=fresh).order_by("series", "number").only("series", "number")
    return {
        "fields": {f.name: _value(fresh, f) for f in _record_fields()},
        "areas": sorted(fresh.areas.values_list("name", flat=True)),
        "rfcs": [rfc.label for rfc in rfcs],
        "owners": [f"{o.person.name} ({OwnerRole(o.role).label.lower()})" for o in owners],
        "precedents": [f"{c.precedent.title}: {c.note}".rstrip(": ") for c in citations],
        "meetings": [
            f"{m.meeting.date:%Y-%m-%d} {m.meeting.series.name}" + (f": {m.topic.title}" if m.topic else "")
            for m in meetings
        ],
        "options": list(fresh.options.values("id", "name", "summary", "why_not")),
        "criteria": list(fresh.criteria.values("id", "name", "weight", "description")),
        "ratings": list(
            Assessment.objects.filter(option__decision=fresh)
            .order_by("option__order", "option_id", "criterion__order", "criterion_id")
            .values("option_id", "criterion_id", "rating", "note")
        ),
    }


def _block(label: str, text: str) -> list[str]:
    return [f"{label}:", *(f"  {line}" for line in text.splitlines())] if text else []


def lines_of(state: dict[str, Any]) -> list[str]:
    """The record as lines of text a person reads in a diff: names, not ids."""
    lines, long = [], []
    for field in _record_fields():
        value = state["fields"].get(field.name, "")
        label = LABELS.get(field.name, str(field.verbose_name).capitalize())
        if isinstance(field, models.TextField):
            long += _block(label, value)
        elif value:
            lines.append(f"{label}: {value}")
    for key, label in (("areas", "Areas"), ("rfcs", "Related RFCs")):
        if state[key]:
            lines.append(f"{label}: {', '.join(state[key])}")
    for key, label in (("owners", "Owners"), ("precedents", "Precedents"), ("meetings", "Discussed in")):
        if state[key]:
            lines += [f"{label}:", *(f"  {item}" for item in state[key])]
    lines += long
    options = {o["id"]: o["name"] for o in state["options"]}
    criteria = {c["id"]: c["name"] for c in state["criteria"]}
    if state["options"]:
        lines.append("Options:")
        for o in state["options"]:
            lines.append(f"  {o['name']}" + (f" — {o['summary']}" if o["summary"] else ""))
            if o["why_not"]:
                lines.append(f"    Why not chosen: {o['why_not']}")
    if state["criteria"]:
        lines.append("Criteria:")
        lines += [
            f"  {c['name']} (weight {c['weight']})" + (f" — {c['description']}" if c["description"] else "")
            for c in state["criteria"]
        ]
    if state["ratings"]:
        lines.append("Ratings:")
        for r in state["ratings"]:
            cell = f"  {options.get(r['option_id'], '?')} × {criteria.get(r['criterion_id'], '?')}"
            lines.append(f"{cell}: {r['rating']:+d} {Rating(r['rating']).label}" + (f" — {r['note']}" if r["note"] else ""))  # fmt: skip
    return lines


# Writing it ---------------------------------------------------------------------------------


def begin(decision: Decision) -> None:
    """Call first inside a write's transaction: lock the record, and keep how it looked before
    its first recorded change (records made before history was kept, the demo, the bench)."""
    Decision.objects.filter(pk=decision.pk).update(updated_at=timezone.now())
    if not DecisionRevision.objects.filter(decision=decision).exists():
        DecisionRevision.objects.create(
            decision=decision,
            number=1,
            created_at=Decision.objects.values_list("created_at", flat=True).get(pk=decision.pk),
            message="The record before its history was kept",
            state=state_of(decision),
        )


def record(
    decision: Decision, *, user: Any = None, message: str, undo: dict | None = None
) -> DecisionRevision | None:
    """After a write, in its transaction: a revision when the record changed (None when not)."""
    state = state_of(decision)
    last = DecisionRevision.objects.filter(decision=decision).order_by("-number").first()
    if last is not None and last.state == state:
        return None
    return DecisionRevision.objects.create(
        decision=decision,
        number=(last.number + 1) if last else 1,
        author=user if getattr(user, "is_authenticated", False) else None,
        message=message[:300],
        state=state,
        undo=undo,
    )


def removal(row: Option | Criterion, decision: Decision) -> dict[str, Any]:
    """What removing `row` takes away, read before it goes, so the history can put it back."""
    if isinstance(row, Option):
        kind, data, other = (
            "option",
            {"name": row.name, "summary": row.summary, "why_not": row.why_not},
            "criterion",
        )
        rows = list(decision.options.values_list("pk", flat=True))
    else:
        kind, data, other = "criterion", {"name": row.name, "weight": row.weight, "description": row.description}, "option"  # fmt: skip
        rows = list(decision.criteria.values_list("pk", flat=True))
    ratings = [
        {"id": getattr(a, f"{other}_id"), "name": getattr(a, other).name, "rating": a.rating, "note": a.note}
        for a in row.assessments.select_related(other)
    ]
    return {
        "kind": kind,
        "row": data,
        "position": rows.index(row.pk),
        "chosen": kind == "option" and decision.chosen_option_id == row.pk,
        "ratings": ratings,
    }


@dataclass
class Restoration:
    """A removed row ready to be put back: built and rendered before the transaction opens."""

    revision: DecisionRevision
    row: Option | Criterion


def prepare_restore(decision: Decision, revision: DecisionRevision) -> Restoration:
    undo = revision.undo or {}
    if undo.get("kind") not in ("option", "criterion"):
        raise RestoreError(f"Revision {revision.number} removed nothing that can be put back.")
    model = Option if undo["kind"] == "option" else Criterion
    row = model(decision=decision, **undo["row"])
    if isinstance(row, Option):
        row.render_markdown()
    return Restoration(revision, row)


def restore(decision: Decision, restoration: Restoration) -> str:
    """Put a removed option or criterion back where it was, with the ratings that still fit.

    Inside the transaction, after begin(). Refused when a row of that name is there again
    (restored already, or added since): the person sees it and decides.
    """
    undo, row = restoration.revision.undo, restoration.row
    related = decision.options if isinstance(row, Option) else decision.criteria
    rows = list(related.all())
    if any(r.name.casefold() == row.name.casefold() for r in rows):
        raise RestoreError(f"“{row.name}” is in the matrix already, so nothing was put back.")
    rows.insert(min(undo["position"], len(rows)), row)
    for order, each in enumerate(rows):
        if each is row or each.order != order:
            each.order = order
            each.save(update_fields=None if each is row else ["order"])
    others = decision.criteria.all() if isinstance(row, Option) else decision.options.all()
    by_id = {o.pk: o for o in others}
    by_name = {o.name.casefold(): o for o in others}
    cells = []
    for r in undo["ratings"]:
        other = by_id.get(r["id"]) or by_name.get(r["name"].casefold())
        if other is not None:
            pair = {"option": row, "criterion": other} if isinstance(row, Option) else {"option": other, "criterion": row}  # fmt: skip
            cells.append(Assessment(rating=r["rating"], note=r["note"], **pair))
    Assessment.objects.bulk_create(cells)
    if undo.get("chosen") and decision.chosen_option_id is None:
        Decision.objects.filter(pk=decision.pk).update(chosen_option=row)
    kind = "option" if isinstance(row, Option) else "criterion"
    return (
        f"Put back the {kind} “{row.name}” with {len(cells)} rating{'s' if len(cells) != 1 else ''} "
        f"(removed in revision {restoration.revision.number})."
    )


def restorable(revision: DecisionRevision, state: dict[str, Any]) -> bool:
    """Whether the history page offers to undo this revision's removal, given the record now."""
    undo = revision.undo or {}
    if undo.get("kind") not in ("option", "criterion"):
        return False
    names = {row["name"].casefold() for row in state["options" if undo["kind"] == "option" else "criteria"]}
    return undo["row"]["name"].casefold() not in names


# Reading it ---------------------------------------------------------------------------------


def entries(revisions: list[DecisionRevision], before: DecisionRevision | None) -> list[dict[str, Any]]:
    """Each revision with its diff against the one before it (`before`: the one preceding the
    first), oldest first."""
    out = []
    old = lines_of(before.state) if before else []
    for revision in revisions:
        new = lines_of(revision.state)  # each state is read into lines once: it is the next one's "before"
        diff = tagged_diff(old, new, f"revision {before.number if before else 0}", f"revision {revision.number}")  # fmt: skip
        out.append(
            {
                "revision": revision,
                "diff": diff,
                "added": sum(kind == "add" for kind, _ in diff),
                "removed": sum(kind == "del" for kind, _ in diff),
            }
        )
        before, old = revision, new
    return out


def status_date(status: str, decided_on: datetime.date | None) -> datetime.date:
    """The date a status change gets in the timeline: the day it was decided, when it is a
    decision and the record says when; else today, the day the person recorded it."""
    return decided_on if status in DECIDED and decided_on else timezone.localdate()


def timeline(decision: Decision, changes: list[DecisionStatusChange]) -> list[DecisionStatusChange]:
    """The status timeline a page shows: the recorded changes, and the record's own decided-on
    date when the status was reached without a recorded change (an import, an older record)."""
    reached = changes[-1].to_status if changes else ""
    if decision.status in DECIDED and decision.decided_on and reached != decision.status:
        note = "Decided on this day, as the record says"
        changes = [*changes, DecisionStatusChange(decision=decision, from_status=reached, to_status=decision.status, changed_on=decision.decided_on, note=note)]  # fmt: skip
    return changes
