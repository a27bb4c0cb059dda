"""A decision's links as its page and the export show them: the record and its lists in one query.

decision_links() loads a decision's small relations (areas, RFCs, owners, meetings, precedents,
status history, references kept as written, action items, supersession) for many decisions at
once; decision_page() loads one record with the same relations for its page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from decisions.caching.union import (
    DATE,
    DATETIME,
    INT,
    TEXT,
    PreparedUnion,
    Relation,
    Rows,
    fingerprint,
    load,
)
from decisions.drafted.pages import decision_relation as drafted_relation
from decisions.models import (
    RFC,
    ActionItem,
    Area,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionStatusChange,
    Meeting,
    MeetingSeries,
    PendingReference,
    Person,
    Precedent,
    Topic,
)
from decisions.signoff.pages import relations as signoff_relations
from decisions.sources.links import RecordHome, home_from_rows, home_relation
from decisions.sources.models import RecordKind


@dataclass
class DecisionLinks:
    """The small relations of one decision, as (unsaved, partly filled) model instances."""

    areas: list[Area] = field(default_factory=list)
    rfcs: list[RFC] = field(default_factory=list)
    ownerships: list[DecisionOwner] = field(default_factory=list)
    discussions: list[DecisionMeeting] = field(default_factory=list)
    citations: list[DecisionPrecedent] = field(default_factory=list)
    status_changes: list[DecisionStatusChange] = field(default_factory=list)
    pending: list[PendingReference] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    supersedes: Decision | None = None
    superseded_by: list[Decision] = field(default_factory=list)


def _decision_relations(ids: Any, *, by_number: bool = False) -> list[Relation]:
    """`ids`: decision primary keys (a subquery or a list), or their numbers with `by_number`."""
    key = "__number__in" if by_number else "__in"
    own = {f"{'number' if by_number else 'pk'}__in": ids}
    return [
        Relation("area", Decision.areas.through.objects.filter(**{"decision" + key: ids}), "decision_id",
                 {"id": (INT, "area_id"), "name": (TEXT, "area__name"), "slug": (TEXT, "area__slug")}),
        Relation("rfc", Decision.related_rfcs.through.objects.filter(**{"decision" + key: ids}), "decision_id",
                 {"id": (INT, "rfc_id"), "number": (INT, "rfc__number"), "series": (TEXT, "rfc__series"),
                  "title": (TEXT, "rfc__title"), "status": (TEXT, "rfc__status")}),
        Relation("owner", DecisionOwner.objects.filter(**{"decision" + key: ids}), "decision_id",
                 {"id": (INT, "pk"), "order": (INT, "order"), "person_id": (INT, "person_id"),
                  "role": (TEXT, "role"), "name": (TEXT, "person__name"), "slug": (TEXT, "person__slug")}),
        Relation("discussion", DecisionMeeting.objects.filter(**{"decision" + key: ids}), "decision_id",
                 {"id": (INT, "pk"), "meeting_id": (INT, "meeting_id"), "topic_id": (INT, "topic_id"),
                  "topic_order": (INT, "topic__order"), "series_slug": (TEXT, "meeting__series__slug"),
                  "series_name": (TEXT, "meeting__series__name"), "topic_title": (TEXT, "topic__title"),
                  "meeting_title": (TEXT, "meeting__title"),
                  "topic_anchor": (TEXT, "topic__anchor"), "date": (DATE, "meeting__date")}),
        Relation("citation", DecisionPrecedent.objects.filter(**{"decision" + key: ids}), "decision_id",
                 {"id": (INT, "pk"), "order": (INT, "order"), "precedent_id": (INT, "precedent_id"),
                  "note": (TEXT, "note"), "title": (TEXT, "precedent__title"), "url": (TEXT, "precedent__url"),
                  "organization": (TEXT, "precedent__organization"), "kind": (TEXT, "precedent__kind"),
                  "lessons_html": (TEXT, "precedent__lessons_html"), "date": (DATE, "precedent__date")}),
        Relation("status", DecisionStatusChange.objects.filter(**{"decision" + key: ids}), "decision_id",
                 {"id": (INT, "pk"), "from_status": (TEXT, "from_status"), "to_status": (TEXT, "to_status"),
                  "note": (TEXT, "note"), "changed_on": (DATE, "changed_on")}),
        Relation("pending", PendingReference.objects.filter(**{"decision" + key: ids}), "decision_id",
                 {"id": (INT, "pk"), "kind": (TEXT, "kind"), "key": (TEXT, "key"), "label": (TEXT, "label"),
                  "topic": (TEXT, "topic")}),
        Relation("action", ActionItem.objects.filter(**{"decision" + key: ids}), "decision_id",
                 {"id": (INT, "pk"), "owner_id": (INT, "owner_id"), "meeting_id": (INT, "meeting_id"),
                  "text": (TEXT, "text"), "status": (TEXT, "status"), "owner_name": (TEXT, "owner_name"),
                  "name": (TEXT, "owner__name"), "slug": (TEXT, "owner__slug"), "due_on": (DATE, "due_on")}),
        Relation("supersedes", Decision.objects.filter(**own, supersedes__isnull=False), "pk",
                 {"id": (INT, "supersedes_id"), "number": (INT, "supersedes__number"),
                  "title": (TEXT, "supersedes__title"), "status": (TEXT, "supersedes__status")}),
        Relation("superseded_by", Decision.objects.filter(**{"supersedes" + key: ids}), "supersedes_id",
                 {"id": (INT, "pk"), "number": (INT, "number"), "title": (TEXT, "title"),
                  "status": (TEXT, "status")}),
    ]  # fmt: skip


def _instance(model: type, **values: Any) -> Any:
    return model(**values)


def _namespace(model: type, **values: Any) -> Any:
    if "id" in values:
        values["pk"] = values["id"]
    return SimpleNamespace(**values)


def decision_links(ids: Any, *, light: bool = False) -> dict[int, DecisionLinks]:
    """The small relations of the decisions `ids` in one query; only decisions with some are keys.

    Lists come in a fixed order: areas by name, RFCs by series and number, owners and citations
    as ordered on the record, meetings by date, status changes by day, everything else by id.
    A list of one id (a record's Markdown) runs SQL compiled once, as the pages do.
    """
    if isinstance(ids, list) and len(ids) == 1:
        return _decision_links(_ONE_DECISION_LINKS.rows_of(ids), light=light)
    return _decision_links(load(_decision_relations(ids)), light=light)


def _decision_page_relations(numbers: Any) -> list[Relation]:
    """The record's own row (tag "decision") and its relations, found by number as in the URL."""
    own = Relation(
        "decision", Decision.objects.filter(number__in=numbers), "pk",
        {"number": (INT, "number"), "version": (INT, "version"), "chosen_option_id": (INT, "chosen_option_id"),
         "supersedes_id": (INT, "supersedes_id"), "title": (TEXT, "title"), "status": (TEXT, "status"),
         "context_html": (TEXT, "context_html"), "rationale_html": (TEXT, "rationale_html"),
         "consequences_html": (TEXT, "consequences_html"), "confirmation_html": (TEXT, "confirmation_html"),
         "more_information_html": (TEXT, "more_information_html"), "decided_on": (DATE, "decided_on"),
         "revisit_by": (DATE, "revisit_by"), "updated_at": (DATETIME, "updated_at")},
    )  # fmt: skip
    held = home_relation(RecordKind.DECISION, Decision.objects.filter(number__in=numbers).values("pk"))
    # The sign-off panel's motions, teams, positions and concerns (decisions.signoff.pages).
    return [
        own,
        *_decision_relations(numbers, by_number=True),
        held,
        # The RFCs drafted from it (decisions.drafted.pages).
        drafted_relation(numbers),
        *signoff_relations("decision", {"number__in": numbers}),
    ]


_DECISION_PAGE = PreparedUnion(_decision_page_relations)
_ONE_DECISION_LINKS = PreparedUnion(_decision_relations)


@dataclass
class DecisionPage:
    """A decision record as its page shows it, from one query; the lists are built when asked."""

    decision: Decision
    rows: Rows

    @cached_property
    def links(self) -> DecisionLinks:
        return _decision_links(self.rows).get(self.decision.pk, DecisionLinks())

    @cached_property
    def home(self) -> RecordHome | None:
        """The file it was synced from (decisions.sources.links), if any."""
        return home_from_rows(self.rows)


def decision_page(number: int) -> tuple[DecisionPage | None, str]:
    """Decision `number` with everything its page shows in one query, and a fingerprint of it all.

    The fingerprint lets a page cache what it renders from these rows: any edit to the record,
    an owner, a linked meeting, a precedent, an action item... gives different rows, so a new
    key. None when there is no such decision.
    """
    rows = _DECISION_PAGE.rows(number)
    if not rows["decision"]:
        return None, ""
    pk, own = rows["decision"][0]
    decision = Decision(pk=pk, **own)
    for _, row in rows["supersedes"]:  # the record it replaces, as select_related would give it
        decision.supersedes = Decision(pk=row["id"], number=row["number"], title=row["title"])
    return DecisionPage(decision, rows), fingerprint(rows)


def _decision_links(rows: Rows, *, light: bool = False) -> dict[int, DecisionLinks]:
    """Model instances for pages (their URLs, labels); with `light`, plain namespaces with the
    same attributes, five times cheaper, for the export of a thousand records."""
    make = _namespace if light else _instance
    links: dict[int, DecisionLinks] = {}

    def of(owner: int) -> DecisionLinks:
        return links.setdefault(owner, DecisionLinks())

    for owner, row in rows["area"]:
        of(owner).areas.append(make(Area, pk=row["id"], name=row["name"], slug=row["slug"]))
    for owner, row in rows["rfc"]:
        of(owner).rfcs.append(
            make(
                RFC,
                pk=row["id"],
                series=row["series"],
                number=row["number"],
                title=row["title"],
                status=row["status"],
            )
        )
    for owner, row in rows["owner"]:
        person = make(Person, pk=row["person_id"], name=row["name"], slug=row["slug"])
        of(owner).ownerships.append(
            make(
                DecisionOwner,
                pk=row["id"],
                decision_id=owner,
                person=person,
                role=row["role"],
                order=row["order"],
            )
        )
    for owner, row in rows["discussion"]:
        series = make(MeetingSeries, slug=row["series_slug"], name=row["series_name"])
        meeting = make(
            Meeting, pk=row["meeting_id"], date=row["date"], title=row["meeting_title"], series=series
        )
        topic = None
        if row["topic_id"] is not None:
            topic = make(Topic,
                pk=row["topic_id"], meeting=meeting, order=row["topic_order"], title=row["topic_title"],
                anchor=row["topic_anchor"],
            )  # fmt: skip
        of(owner).discussions.append(
            make(DecisionMeeting, pk=row["id"], decision_id=owner, meeting=meeting, topic=topic)
        )
    for owner, row in rows["citation"]:
        precedent = make(Precedent,
            pk=row["precedent_id"], title=row["title"], url=row["url"], organization=row["organization"],
            kind=row["kind"], date=row["date"], lessons_html=row["lessons_html"],
        )  # fmt: skip
        of(owner).citations.append(
            make(
                DecisionPrecedent,
                pk=row["id"],
                decision_id=owner,
                precedent=precedent,
                note=row["note"],
                order=row["order"],
            )
        )
    for owner, row in rows["status"]:
        of(owner).status_changes.append(make(DecisionStatusChange, decision_id=owner, **row))
    for owner, row in rows["pending"]:
        of(owner).pending.append(make(PendingReference, decision_id=owner, **row))
    for owner, row in rows["action"]:
        person = (
            make(Person, pk=row["owner_id"], name=row["name"], slug=row["slug"]) if row["owner_id"] else None
        )
        of(owner).action_items.append(
            make(ActionItem,
                pk=row["id"], decision_id=owner, owner=person, owner_name=row["owner_name"], text=row["text"],
                status=row["status"], due_on=row["due_on"], meeting_id=row["meeting_id"],
            )
        )  # fmt: skip
    for owner, row in rows["supersedes"]:
        of(owner).supersedes = make(
            Decision, pk=row["id"], number=row["number"], title=row["title"], status=row["status"]
        )
    for owner, row in rows["superseded_by"]:
        of(owner).superseded_by.append(
            make(Decision, pk=row["id"], number=row["number"], title=row["title"], status=row["status"])
        )
    for link in links.values():
        link.areas.sort(key=lambda area: area.name)
        link.rfcs.sort(key=lambda rfc: (rfc.series, rfc.number))
        link.ownerships.sort(key=lambda ownership: (ownership.order, ownership.pk))
        link.discussions.sort(key=lambda discussion: (discussion.meeting.date, discussion.pk))
        link.citations.sort(key=lambda citation: (citation.order, citation.pk))
        link.status_changes.sort(key=lambda change: (change.changed_on, change.pk))
        link.pending.sort(key=lambda pending: pending.pk)
        link.action_items.sort(key=lambda item: item.pk)
        link.superseded_by.sort(key=lambda decision: decision.number)
    return links
