"""What the RFC page and the decision page show of a drafting link, read in their one query.

Each page adds a branch to its UNION (`rfc_relation`, `decision_relation`), so the link costs
no query and is part of the fingerprint their cached parts are keyed by. The RFC page reads the
RFC's text (one query) only when the site holds a block it could not write, to show the
author's version beside the decision's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from decisions.caching.union import INT, TEXT, PreparedUnion, Relation, Rows
from decisions.diffs import tagged_diff
from decisions.drafted import block
from decisions.drafted.models import DraftedRFC
from decisions.models import RFC, Area, Decision


def rfc_relation(series: str, numbers: Any) -> Relation:
    """The decision an RFC was drafted from (tag "drafted_from")."""
    links = DraftedRFC.objects.filter(rfc__series=series, rfc__number__in=numbers)
    return Relation("drafted_from", links, "rfc_id",
                    {"id": (INT, "decision_id"), "number": (INT, "decision__number"),
                     "title": (TEXT, "decision__title"), "status": (TEXT, "decision__status"),
                     "generated": (TEXT, "generated"), "pending": (TEXT, "pending")})  # fmt: skip


def decision_relation(numbers: Any) -> Relation:
    """The RFCs drafted from a decision (tag "drafted")."""
    links = DraftedRFC.objects.filter(decision__number__in=numbers)
    return Relation("drafted", links, "decision_id",
                    {"id": (INT, "rfc_id"), "number": (INT, "rfc__number"), "series": (TEXT, "rfc__series"),
                     "title": (TEXT, "rfc__title"), "status": (TEXT, "rfc__status"),
                     "pending": (TEXT, "pending")})  # fmt: skip


def drafted_rfcs(rows: Rows) -> list[RFC]:
    """The RFCs drafted from the decision of a page's rows, by number; `waiting` marks those
    whose block the site could not rewrite."""
    rfcs = []
    for _, row in sorted(rows.get("drafted", []), key=lambda item: (item[1]["series"], item[1]["number"])):
        rfc = RFC(
            pk=row["id"], number=row["number"], series=row["series"], title=row["title"], status=row["status"]
        )
        rfc.waiting = bool(row["pending"])
        rfcs.append(rfc)
    return rfcs


class State:
    IN_SYNC = "in sync"
    EDITED = "edited"
    CONFLICT = "conflict"
    MISSING = "missing"
    HELD = "held in repository"
    TOO_LARGE = "too large"


def state(body: str, generated: str, pending: str, read_only: bool) -> str:
    """What the block of a drafted RFC is now (pure): in step with the decision, edited by the
    author (nothing newer from the decision yet), in conflict (the decision has a newer block
    the site did not write over the author's text), markers gone, held in a repository, or too
    large to write."""
    found = block.find(body)
    if pending and (found is None or not block.same(found.inner, pending)):
        if read_only:
            return State.HELD
        if found is None:
            return State.MISSING
        # The author's block is the site's own, yet the site did not write: the RFC would have
        # grown past the size limit of a document (decisions.drafted.sync).
        return State.TOO_LARGE if block.same(found.inner, generated) else State.CONFLICT
    if found is None:
        return State.MISSING
    if not block.same(found.inner, generated) and not (pending and block.same(found.inner, pending)):
        return State.EDITED
    return State.IN_SYNC


@dataclass
class DraftedFrom:
    """The RFC page's "Drafted from DR-N", and the conflict when there is one."""

    decision: Decision
    pending: str
    state: str = State.IN_SYNC
    theirs: str = ""  # the author's text between the markers, shown beside the decision's

    @property
    def diff(self) -> list[tuple[str, str]]:
        """From the author's block to the decision's, as the history pages show a change."""
        if self.state != State.CONFLICT:
            return []
        return tagged_diff(self.theirs.splitlines(), block.normalise(self.pending).splitlines(),
                           "in the RFC now", f"from {self.decision.code} now")  # fmt: skip


def drafted_from(rows: Rows, rfc: RFC, read_only: bool) -> DraftedFrom | None:
    """From the RFC page's rows; reads the RFC's text only when a block waits (one query)."""
    found = rows.get("drafted_from") or []
    if not found:
        return None
    row = found[0][1]
    decision = Decision(pk=row["id"], number=row["number"], title=row["title"], status=row["status"])
    link = DraftedFrom(decision, row["pending"])
    if row["pending"]:
        body = RFC.objects.values_list("body", flat=True).get(pk=rfc.pk)
        link.state = state(body, row["generated"], row["pending"], read_only)
        where = block.find(body)
        link.theirs = block.normalise(where.inner) if where else ""
    return link


# The drafting form --------------------------------------------------------------------------


def _form_relations(numbers: Any) -> list[Relation]:
    """The decision (tag "decision"), its areas (the RFC's, to start with) and its drafted RFCs."""
    return [
        Relation("decision", Decision.objects.filter(number__in=numbers), "pk",
                 {"number": (INT, "number"), "title": (TEXT, "title"), "status": (TEXT, "status"),
                  "chosen_option_id": (INT, "chosen_option_id")}),
        Relation("area", Decision.areas.through.objects.filter(decision__number__in=numbers), "decision_id",
                 {"id": (INT, "area_id"), "name": (TEXT, "area__name")}),
        decision_relation(numbers),
    ]  # fmt: skip


_FORM = PreparedUnion(_form_relations)


@dataclass
class FormRecord:
    decision: Decision
    areas: list[Area]
    drafted: list[RFC]


def form_record(number: int) -> FormRecord | None:
    """What the drafting form needs of decision `number`, in one query (None: no such decision)."""
    rows = _FORM.rows(number)
    if not rows["decision"]:
        return None
    pk, own = rows["decision"][0]
    areas = [
        Area(pk=row["id"], name=row["name"]) for _, row in sorted(rows["area"], key=lambda r: r[1]["name"])
    ]
    return FormRecord(Decision(pk=pk, **own), areas, drafted_rfcs(rows))
