"""Several short relations of many records, read in one UNION ALL query instead of one query each.

A decision page, its API answer or its export shows a dozen small lists per record (areas, related
RFCs, status history, references kept as written...). One query per list puts the page over its
query budget (a count `make bench` holds constant as the data grows), and prefetch_related costs
more in manager overhead than the queries do.
Here each relation is a branch of one UNION ALL: every branch selects the owner's id, its tag and
its columns in typed slots (integers, texts, dates, times), padded with NULLs to a common width so both
SQLite and PostgreSQL accept the compound query. Rows come back as dicts grouped by tag.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    DateTimeField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce

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
    MeetingLink,
    MeetingSeries,
    PendingReference,
    Person,
    Precedent,
    Remark,
    RFCAlias,
    RFCStatusChange,
    Topic,
)

INT, TEXT, DATE, DATETIME = "int", "text", "date", "datetime"
_FIELDS = {INT: BigIntegerField, TEXT: TextField, DATE: DateField, DATETIME: DateTimeField}


@dataclass(frozen=True)
class Relation:
    """One branch: the rows of `rows`, grouped by the id at `owner`, with named, typed columns."""

    tag: str
    rows: QuerySet
    owner: str
    columns: dict[str, tuple[str, Any]]  # name -> (INT | TEXT | DATE | DATETIME, field path or expression)


Rows = dict[str, list[tuple[int, dict[str, Any]]]]


@dataclass(frozen=True)
class _Union:
    query: QuerySet
    layouts: dict[str, list[tuple[str, int]]]  # tag -> [(column name, position in the row)]
    positions: dict[str, tuple[int, ...]]  # kind -> positions of its slots in a row

    def group(self, rows: Iterable[Sequence[Any]], tags: Iterable[str]) -> Rows:
        grouped: Rows = {tag: [] for tag in tags}
        for row in rows:
            layout = self.layouts[row[1]]
            grouped[row[1]].append((row[0], {name: row[index] for name, index in layout}))
        return grouped


def _union(relations: Sequence[Relation]) -> _Union:
    width = {
        kind: max(sum(1 for k, _ in relation.columns.values() if k == kind) for relation in relations)
        for kind in _FIELDS
    }
    layouts: dict[str, list[tuple[str, int]]] = {}
    branches = []
    positions: dict[str, tuple[int, ...]] = {}
    for relation in relations:
        slots: dict[str, list[tuple[str, Any]]] = {kind: [] for kind in _FIELDS}
        for name, (kind, path) in relation.columns.items():
            slots[kind].append((name, path))
        expressions: list[Any] = [F(relation.owner), Value(relation.tag, output_field=TextField())]
        layout = []
        for kind, output in _FIELDS.items():
            positions[kind] = tuple(range(len(expressions), len(expressions) + width[kind]))
            for name, path in slots[kind]:
                layout.append((name, len(expressions)))
                expressions.append(F(path) if isinstance(path, str) else path)
            # Typed NULLs: PostgreSQL resolves UNION column types pairwise, an untyped NULL as text.
            expressions += [Cast(Value(None), output()) for _ in range(width[kind] - len(slots[kind]))]
        layouts[relation.tag] = layout
        # Every column is an annotation with a positional alias, so all branches list their
        # columns in the same order (Django puts plain fields before annotations otherwise).
        aliases = {f"rel_c{index}": expression for index, expression in enumerate(expressions)}
        branches.append(relation.rows.order_by().annotate(**aliases).values_list(*aliases))
    query = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return _Union(query, layouts, positions)


def load(relations: Sequence[Relation]) -> Rows:
    """Run every relation in one query; return tag -> [(owner id, {column: value}), ...].

    Rows arrive in no particular order: callers sort them as their page or file needs.
    """
    union = _union(relations)
    return union.group(union.query, (relation.tag for relation in relations))


class PreparedUnion:
    """The same relations for other ids each time, their SQL built once per database and count.

    Building a few querysets and compiling their union costs milliseconds of Python, more than
    running it, and a page asks for it on every request. The SQL is compiled once with marker
    ids (as many as asked for), and each call swaps the markers for the wanted ids.
    """

    MARKER = -7_340_033  # and the numbers below it: never an id

    def __init__(self, build: Callable[[list[int]], Sequence[Relation]]) -> None:
        self.build = build
        self._compiled: dict[tuple[str, int], tuple[_Union, str, tuple[Any, ...], tuple[str, ...]]] = {}

    def rows(self, owner: int | None = None, using: str = DEFAULT_DB_ALIAS) -> Rows:
        """The rows of one owner (or of none, for relations that take no id)."""
        return self.rows_of([] if owner is None else [owner], using)

    def rows_of(self, ids: Sequence[int], using: str = DEFAULT_DB_ALIAS) -> Rows:
        key = (using, len(ids))
        if key not in self._compiled:
            relations = self.build([self.MARKER - index for index in range(len(ids))] or [self.MARKER])
            union = _union(relations)
            sql, params = union.query.query.get_compiler(using).as_sql()
            self._compiled[key] = (union, sql, tuple(params), tuple(r.tag for r in relations))
        union, sql, params, tags = self._compiled[key]
        wanted = {self.MARKER - index: value for index, value in enumerate(ids)}
        with _cursor(connections[using]) as cursor:
            cursor.execute(
                sql, [wanted.get(param, param) if isinstance(param, int) else param for param in params]
            )
            rows = cursor.fetchall()
        if connections[using].vendor == "sqlite" and (union.positions[DATE] or union.positions[DATETIME]):
            rows = [_parse_sqlite(row, union.positions) for row in rows]
        return union.group(rows, tags)


def _cursor(connection: Any) -> Any:
    """A cursor that, on PostgreSQL, prepares the statement on the server once per connection.

    Planning a ten-branch UNION takes PostgreSQL longer than running it (2.4 ms against 0.7 on a
    decision page); a prepared statement is planned once per connection. Django's cursors bind
    parameters on the client and never prepare (it switches psycopg's preparing off), so this
    is a server-binding psycopg cursor that prepares; nothing else on the connection starts
    preparing. Behind a pooler that cannot keep prepared statements (PgBouncer before 1.21 in
    transaction mode), set DECISIONS_PREPARED_QUERIES = False.
    """
    if connection.vendor != "postgresql" or not getattr(settings, "DECISIONS_PREPARED_QUERIES", True):
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Explicit prepare=True only works when preparing is not off; a threshold no query
        # reaches keeps every other query unprepared, as Django set it.
        raw.prepare_threshold = 2**31
    return _PreparedCursor(connection)


class _PreparedCursor:
    """Just enough of a Django cursor: execute, fetchall, errors as Django's, queries logged."""

    def __init__(self, connection: Any) -> None:
        import psycopg  # only with PostgreSQL

        self.connection = connection
        self.cursor = psycopg.Cursor(connection.connection)

    def __enter__(self) -> _PreparedCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        started = time.monotonic()
        with self.connection.wrap_database_errors:
            self.cursor.execute(sql, params, prepare=True)
        if self.connection.queries_logged:
            self.connection.queries_log.append(
                {
                    "sql": self.connection.ops.compose_sql(sql, params),
                    "time": f"{time.monotonic() - started:.3f}",
                }
            )

    def fetchall(self) -> list[Any]:
        with self.connection.wrap_database_errors:
            return self.cursor.fetchall()


def _parse_sqlite(row: Sequence[Any], positions: dict[str, tuple[int, ...]]) -> list[Any]:
    """What Django's converters do to SQLite's text dates (a raw cursor gets no converters)."""
    row = list(row)
    for index in positions[DATE]:
        if isinstance(row[index], str):
            row[index] = datetime.date.fromisoformat(row[index][:10])
    for index in positions[DATETIME]:
        if isinstance(row[index], str):
            value = datetime.datetime.fromisoformat(row[index])
            row[index] = (
                value.replace(tzinfo=datetime.UTC) if settings.USE_TZ and value.tzinfo is None else value
            )
    return row


# What a decision shows besides its own fields and its matrix ----------------------------------


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
    """
    return _decision_links(load(_decision_relations(ids)), light=light)


def _decision_page_relations(numbers: Any) -> list[Relation]:
    """The record's own row (tag "decision") and its relations, found by number as in the URL."""
    own = Relation(
        "decision", Decision.objects.filter(number__in=numbers), "pk",
        {"number": (INT, "number"), "version": (INT, "version"), "chosen_option_id": (INT, "chosen_option_id"),
         "supersedes_id": (INT, "supersedes_id"), "title": (TEXT, "title"), "status": (TEXT, "status"),
         "context_html": (TEXT, "context_html"), "rationale_html": (TEXT, "rationale_html"),
         "consequences_html": (TEXT, "consequences_html"), "decided_on": (DATE, "decided_on"),
         "updated_at": (DATETIME, "updated_at")},
    )  # fmt: skip
    return [own, *_decision_relations(numbers, by_number=True)]


_DECISION_PAGE = PreparedUnion(_decision_page_relations)


@dataclass
class DecisionPage:
    """A decision record as its page shows it, from one query; the lists are built when asked."""

    decision: Decision
    rows: Rows

    @cached_property
    def links(self) -> DecisionLinks:
        return _decision_links(self.rows).get(self.decision.pk, DecisionLinks())


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


def fingerprint(rows: Rows) -> str:
    """A short digest of rows: equal rows give equal digests, any change a new one.

    Rows in another order give another digest too, which costs a cache miss, never a stale page.
    """
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()


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


# What a meeting shows -------------------------------------------------------------------------


@dataclass
class MeetingPage:
    """A meeting as its page shows it, from one query; the lists are built when asked."""

    meeting: Meeting
    rows: Rows

    @cached_property
    def attendees(self) -> list[Person]:
        people = [
            Person(pk=row["id"], name=row["name"], slug=row["slug"]) for _, row in self.rows["attendee"]
        ]
        return sorted(people, key=lambda person: (person.name, person.pk))

    @cached_property
    def action_items(self) -> list[ActionItem]:
        """Pointing back at this meeting, in no particular order."""
        items = []
        for _, row in self.rows["action"]:
            person = (
                Person(pk=row["owner_id"], name=row["name"], slug=row["slug"], user_id=row["owner_user_id"])
                if row["owner_id"]
                else None
            )
            decision = (
                Decision(pk=row["decision_id"], number=row["decision_number"]) if row["decision_id"] else None
            )
            items.append(
                ActionItem(
                    pk=row["id"], owner=person, owner_name=row["owner_name"], text=row["text"], status=row["status"],
                    due_on=row["due_on"], meeting=self.meeting, decision=decision,
                )
            )  # fmt: skip
        return items

    @cached_property
    def links(self) -> list[MeetingLink]:
        links = [MeetingLink(meeting=self.meeting, **row) for _, row in self.rows["link"]]
        return sorted(links, key=lambda link: (link.order, link.pk))

    @cached_property
    def rfcs(self) -> list[RFC]:
        rfcs = [
            RFC(
                pk=row["id"],
                series=row["series"],
                number=row["number"],
                title=row["title"],
                status=row["status"],
            )
            for _, row in self.rows["rfc"]
        ]
        return sorted(rfcs, key=lambda rfc: (rfc.series, -rfc.number))

    @cached_property
    def discussions(self) -> list[DecisionMeeting]:
        discussions = []
        for _, row in self.rows["discussion"]:
            decision = Decision(
                pk=row["decision_id"], number=row["number"], title=row["title"], status=row["status"]
            )
            discussions.append(
                DecisionMeeting(
                    pk=row["id"], meeting=self.meeting, topic_id=row["topic_id"], decision=decision
                )
            )
        return sorted(discussions, key=lambda discussion: (-discussion.decision.number, discussion.pk))

    @cached_property
    def decisions(self) -> list[Decision]:
        """The decisions discussed, each once, newest number first."""
        unique = {discussion.decision.pk: discussion.decision for discussion in self.discussions}
        return sorted(unique.values(), key=lambda decision: -decision.number)

    @cached_property
    def topics(self) -> list[Topic]:
        """The topics in order, each with `remark_list` and `discussion_list`."""
        topics = {row["id"]: Topic(meeting=self.meeting, **row) for _, row in self.rows["topic"]}
        for topic in topics.values():
            topic.remark_list, topic.discussion_list = [], []
        for _, row in self.rows["remark"]:
            speaker = None
            if row["speaker_id"] is not None:
                speaker = Person(pk=row["speaker_id"], name=row["name"], slug=row["slug"])
            topics[row["topic_id"]].remark_list.append(
                Remark(
                    pk=row["id"], topic_id=row["topic_id"], order=row["order"], depth=row["depth"],
                    speaker=speaker, speaker_name=row["speaker_name"], text_html=row["text_html"],
                )
            )  # fmt: skip
        for discussion in self.discussions:
            if discussion.topic_id in topics:
                topics[discussion.topic_id].discussion_list.append(discussion)
        for topic in topics.values():
            topic.remark_list.sort(key=lambda remark: (remark.order, remark.pk))
        return sorted(topics.values(), key=lambda topic: (topic.order, topic.pk))


def _meeting_relations(ids: Any) -> list[Relation]:
    """The meeting's own row (tag "meeting"), its notes and everything listed beside them."""
    return [
        Relation("meeting", Meeting.objects.filter(pk__in=ids), "pk",
                 {"version": (INT, "version"), "series_id": (INT, "series_id"), "series": (TEXT, "series__name"),
                  "submitted_by_id": (INT, "submitted_by_id"),
                  "title": (TEXT, "title"), "agenda_html": (TEXT, "agenda_html"),
                  "source_html": (TEXT, "source_html"), "date": (DATE, "date")}),
        Relation("topic", Topic.objects.filter(meeting__in=ids), "meeting_id",
                 {"id": (INT, "pk"), "order": (INT, "order"), "title": (TEXT, "title"),
                  "anchor": (TEXT, "anchor"), "body_html": (TEXT, "body_html")}),
        Relation("remark", Remark.objects.filter(topic__meeting__in=ids), "topic__meeting_id",
                 {"id": (INT, "pk"), "topic_id": (INT, "topic_id"), "order": (INT, "order"),
                  "depth": (INT, "depth"), "speaker_id": (INT, "speaker_id"), "speaker_name": (TEXT, "speaker_name"),
                  "name": (TEXT, "speaker__name"), "slug": (TEXT, "speaker__slug"),
                  "text_html": (TEXT, "text_html")}),
        Relation("attendee", Meeting.attendees.through.objects.filter(meeting__in=ids), "meeting_id",
                 {"id": (INT, "person_id"), "name": (TEXT, "person__name"), "slug": (TEXT, "person__slug")}),
        Relation("action", ActionItem.objects.filter(meeting__in=ids), "meeting_id",
                 {"id": (INT, "pk"), "owner_id": (INT, "owner_id"), "decision_id": (INT, "decision_id"),
                  "decision_number": (INT, "decision__number"), "text": (TEXT, "text"), "status": (TEXT, "status"),
                  "owner_name": (TEXT, "owner_name"), "name": (TEXT, "owner__name"), "slug": (TEXT, "owner__slug"),
                  "owner_user_id": (INT, "owner__user_id"), "due_on": (DATE, "due_on")}),
        Relation("link", MeetingLink.objects.filter(meeting__in=ids), "meeting_id",
                 {"id": (INT, "pk"), "order": (INT, "order"), "url": (TEXT, "url"), "text": (TEXT, "text")}),
        Relation("rfc", Meeting.rfcs.through.objects.filter(meeting__in=ids), "meeting_id",
                 {"id": (INT, "rfc_id"), "number": (INT, "rfc__number"), "series": (TEXT, "rfc__series"),
                  "title": (TEXT, "rfc__title"), "status": (TEXT, "rfc__status")}),
        Relation("discussion", DecisionMeeting.objects.filter(meeting__in=ids), "meeting_id",
                 {"id": (INT, "pk"), "topic_id": (INT, "topic_id"), "decision_id": (INT, "decision_id"),
                  "number": (INT, "decision__number"), "title": (TEXT, "decision__title"),
                  "status": (TEXT, "decision__status")}),
    ]  # fmt: skip


_MEETING_PAGE = PreparedUnion(_meeting_relations)


def meeting_page(pk: int) -> tuple[MeetingPage | None, str]:
    """Meeting `pk` with its notes and relations in one query, and a fingerprint of all of it.

    The fingerprint changes with anything the page shows (the notes, a remark edited in the
    admin, a person renamed, an action item done), so a page cached under it is never stale.
    None when there is no such meeting.
    """
    rows = _MEETING_PAGE.rows(pk)
    if not rows["meeting"]:
        return None, ""
    _, own = rows["meeting"][0]
    series = MeetingSeries(pk=own.pop("series_id"), name=own.pop("series"))
    return MeetingPage(Meeting(pk=pk, series=series, **own), rows), fingerprint(rows)


# The rows of the RFC list ----------------------------------------------------------------------


@dataclass
class RFCRows:
    """One page of the RFC list: RFCs in page order with `author_names` and `area_names`."""

    ids: list[int]
    rows: Rows

    @cached_property
    def rfcs(self) -> list[RFC]:
        rfcs = {owner: RFC(pk=owner, **row) for owner, row in self.rows["rfc"]}
        for rfc in rfcs.values():
            rfc.author_names, rfc.area_names = [], []
        for owner, row in sorted(self.rows["author"], key=lambda item: (item[1]["name"], item[1]["id"])):
            rfcs[owner].author_names.append(row["name"])
        for owner, row in sorted(self.rows["area"], key=lambda item: (item[1]["name"], item[1]["id"])):
            rfcs[owner].area_names.append(row["name"])
        return [rfcs[pk] for pk in self.ids if pk in rfcs]


def _rfc_list_relations(ids: Any) -> list[Relation]:
    return [
        Relation("rfc", RFC.objects.filter(pk__in=ids), "pk",
                 {"number": (INT, "number"), "series": (TEXT, "series"), "title": (TEXT, "title"),
                  "status": (TEXT, "status"), "updated_at": (DATETIME, "updated_at")}),
        Relation("author", RFC.authors.through.objects.filter(rfc__in=ids), "rfc_id",
                 {"id": (INT, "person_id"), "name": (TEXT, "person__name")}),
        Relation("area", RFC.areas.through.objects.filter(rfc__in=ids), "rfc_id",
                 {"id": (INT, "area_id"), "name": (TEXT, "area__name")}),
    ]  # fmt: skip


_RFC_LIST = PreparedUnion(_rfc_list_relations)


def rfc_list_rows(ids: list[int]) -> tuple[RFCRows, str]:
    """The RFCs `ids` as the list shows them (authors and areas by name), in one query."""
    if not ids:
        return RFCRows([], {"rfc": [], "author": [], "area": []}), fingerprint({})
    rows = _RFC_LIST.rows_of(ids)
    return RFCRows(ids, rows), fingerprint(rows)


# The home page ---------------------------------------------------------------------------------


def _home_relations(_ids: Any) -> list[Relation]:
    """The dashboard's four lists, each limited in a subquery as the page used to query them."""
    recent_rfcs = RFC.objects.order_by("-updated_at").values("pk")[:8]
    open_decisions = Decision.objects.open().order_by("-number").values("pk")[:8]
    open_actions = ActionItem.objects.open().order_by("status", "due_on", "pk").values("pk")[:10]
    recent_meetings = Meeting.objects.order_by("-date").values("pk")[:6]
    topics = Topic.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
    topic_count = Coalesce(Subquery(topics.annotate(n=Count("pk")).values("n")), 0)
    return [
        Relation("rfc", RFC.objects.filter(pk__in=recent_rfcs), "pk",
                 {"number": (INT, "number"), "series": (TEXT, "series"), "title": (TEXT, "title"),
                  "status": (TEXT, "status"), "updated_at": (DATETIME, "updated_at")}),
        Relation("decision", Decision.objects.filter(pk__in=open_decisions), "pk",
                 {"number": (INT, "number"), "title": (TEXT, "title")}),
        Relation("owner", DecisionOwner.objects.filter(decision__in=open_decisions), "decision_id",
                 {"id": (INT, "person_id"), "name": (TEXT, "person__name")}),
        Relation("action", ActionItem.objects.filter(pk__in=open_actions), "pk",
                 {"owner_id": (INT, "owner_id"), "meeting_id": (INT, "meeting_id"), "text": (TEXT, "text"),
                  "status": (TEXT, "status"), "owner_name": (TEXT, "owner_name"), "name": (TEXT, "owner__name"),
                  "slug": (TEXT, "owner__slug"), "series": (TEXT, "meeting__series__name"),
                  "due_on": (DATE, "due_on"), "date": (DATE, "meeting__date")}),
        Relation("meeting", Meeting.objects.filter(pk__in=recent_meetings), "pk",
                 {"topic_count": (INT, topic_count), "series": (TEXT, "series__name"), "date": (DATE, "date")}),
    ]  # fmt: skip


_HOME = PreparedUnion(_home_relations)


@dataclass
class Dashboard:
    """The home page's lists, built from the rows only when the page is not in the cache."""

    rows: Rows
    nulls_first: bool  # how the database orders undated action items

    @cached_property
    def recent_rfcs(self) -> list[RFC]:
        rfcs = [RFC(pk=owner, **row) for owner, row in self.rows["rfc"]]
        return sorted(rfcs, key=lambda rfc: (rfc.updated_at, rfc.pk), reverse=True)

    @cached_property
    def open_decisions(self) -> list[Decision]:
        decisions = {owner: Decision(pk=owner, **row) for owner, row in self.rows["decision"]}
        for decision in decisions.values():
            decision.owner_list = []
        for owner, row in sorted(self.rows["owner"], key=lambda item: (item[1]["name"], item[1]["id"])):
            decisions[owner].owner_list.append(Person(pk=row["id"], name=row["name"]))
        return sorted(decisions.values(), key=lambda decision: -decision.number)

    @cached_property
    def open_actions(self) -> list[ActionItem]:
        items = []
        for owner, row in self.rows["action"]:
            person = (
                Person(pk=row["owner_id"], name=row["name"], slug=row["slug"]) if row["owner_id"] else None
            )
            meeting = None
            if row["meeting_id"]:
                meeting = Meeting(
                    pk=row["meeting_id"], date=row["date"], series=MeetingSeries(name=row["series"])
                )
            items.append(
                ActionItem(
                    pk=owner, owner=person, owner_name=row["owner_name"], text=row["text"], status=row["status"],
                    due_on=row["due_on"], meeting=meeting,
                )
            )  # fmt: skip

        def order(item: ActionItem) -> tuple:
            undated_last = (item.due_on is None) != self.nulls_first
            return (item.status, undated_last, item.due_on or datetime.date.min, item.pk)

        return sorted(items, key=order)

    @cached_property
    def recent_meetings(self) -> list[Meeting]:
        meetings = []
        for owner, row in self.rows["meeting"]:
            meeting = Meeting(pk=owner, date=row["date"], series=MeetingSeries(name=row["series"]))
            meeting.topic_count = row["topic_count"]
            meetings.append(meeting)
        return sorted(meetings, key=lambda meeting: (meeting.date, meeting.pk), reverse=True)


def dashboard(using: str = DEFAULT_DB_ALIAS) -> tuple[Dashboard, str]:
    """The home page's four lists in one query, and a fingerprint of them."""
    rows = _HOME.rows(using=using)
    return Dashboard(rows, nulls_first=connections[using].vendor == "sqlite"), fingerprint(rows)


# What an RFC page shows ------------------------------------------------------------------------


def _rfc_relations(numbers: Any, series: str) -> list[Relation]:
    """The RFC's own row (not its text: that is only read when the page is not cached) and lists."""
    own = {"series": series, "number__in": numbers}
    of_rfc = {"rfc__series": series, "rfc__number__in": numbers}
    return [
        Relation("rfc", RFC.objects.filter(**own), "pk",
                 {"number": (INT, "number"), "version": (INT, "version"), "shepherd_id": (INT, "shepherd_id"),
                  "shepherd_user_id": (INT, "shepherd__user_id"), "supersedes_id": (INT, "supersedes_id"),
                  "supersedes_number": (INT, "supersedes__number"), "series": (TEXT, "series"),
                  "title": (TEXT, "title"), "slug": (TEXT, "slug"), "status": (TEXT, "status"),
                  "body_format": (TEXT, "body_format"), "discussion_url": (TEXT, "discussion_url"),
                  "source": (TEXT, "source"), "toc": (TEXT, Cast("toc", TextField())),
                  "metadata": (TEXT, Cast("metadata", TextField())), "shepherd_name": (TEXT, "shepherd__name"),
                  "shepherd_slug": (TEXT, "shepherd__slug"), "supersedes_series": (TEXT, "supersedes__series"),
                  "supersedes_title": (TEXT, "supersedes__title"), "created_on": (DATE, "created_on"),
                  "updated_at": (DATETIME, "updated_at")}),
        Relation("author", RFC.authors.through.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "person_id"), "user_id": (INT, "person__user_id"), "name": (TEXT, "person__name"),
                  "slug": (TEXT, "person__slug")}),
        Relation("area", RFC.areas.through.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "area_id"), "name": (TEXT, "area__name"), "slug": (TEXT, "area__slug")}),
        Relation("superseded_by", RFC.objects.filter(supersedes__series=series, supersedes__number__in=numbers),
                 "supersedes_id",
                 {"id": (INT, "pk"), "number": (INT, "number"), "series": (TEXT, "series"), "title": (TEXT, "title")}),
        Relation("decision", Decision.related_rfcs.through.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "decision_id"), "number": (INT, "decision__number"),
                  "title": (TEXT, "decision__title"), "status": (TEXT, "decision__status")}),
        Relation("meeting", Meeting.rfcs.through.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "meeting_id"), "date": (DATE, "meeting__date"), "title": (TEXT, "meeting__title"),
                  "series": (TEXT, "meeting__series__name")}),
        Relation("status", RFCStatusChange.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "pk"), "to_status": (TEXT, "to_status"), "note": (TEXT, "note"),
                  "changed_at": (DATETIME, "changed_at")}),
        Relation("alias", RFCAlias.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "pk"), "alias": (TEXT, "alias")}),
    ]  # fmt: skip


_RFC_PAGES = {
    series: PreparedUnion(lambda ids, series=series: _rfc_relations(ids, series))
    for series in ("", "rust", "pep", "kep")
}


@dataclass
class RFCPage:
    """One RFC as its page shows it, built from the rows of one query."""

    rfc: RFC
    rows: Rows

    def _sorted(self, tag: str, key: Callable[[dict[str, Any]], Any]) -> list[dict[str, Any]]:
        return sorted((row for _, row in self.rows[tag]), key=key)

    @cached_property
    def authors(self) -> list[Person]:
        return [Person(pk=r["id"], name=r["name"], slug=r["slug"], user_id=r["user_id"])
                for r in self._sorted("author", lambda r: (r["name"], r["id"]))]  # fmt: skip

    @cached_property
    def areas(self) -> list[Area]:
        return [
            Area(pk=r["id"], name=r["name"], slug=r["slug"])
            for r in self._sorted("area", lambda r: r["name"])
        ]

    @cached_property
    def superseded_by(self) -> list[RFC]:
        return [RFC(pk=r["id"], series=r["series"], number=r["number"], title=r["title"])
                for r in self._sorted("superseded_by", lambda r: (r["series"], r["number"]))]  # fmt: skip

    @cached_property
    def decisions(self) -> list[Decision]:
        return [Decision(pk=r["id"], number=r["number"], title=r["title"], status=r["status"])
                for r in self._sorted("decision", lambda r: -r["number"])]  # fmt: skip

    @cached_property
    def meetings(self) -> list[Meeting]:
        return [Meeting(pk=r["id"], date=r["date"], title=r["title"], series=MeetingSeries(name=r["series"]))
                for r in self._sorted("meeting", lambda r: (r["date"], r["id"]))][::-1]  # fmt: skip

    @cached_property
    def status_changes(self) -> list[RFCStatusChange]:
        return [RFCStatusChange(pk=r["id"], to_status=r["to_status"], note=r["note"], changed_at=r["changed_at"])
                for r in self._sorted("status", lambda r: (r["changed_at"], r["id"]))]  # fmt: skip

    @cached_property
    def aliases(self) -> list[RFCAlias]:
        return [RFCAlias(pk=r["id"], alias=r["alias"]) for r in self._sorted("alias", lambda r: r["alias"])]

    @property
    def editor_user_ids(self) -> set[int]:
        """Accounts linked to its authors and shepherd: they may edit it (decisions.permissions)."""
        ids = {person.user_id for person in self.authors if person.user_id}
        return ids | ({self.rfc.shepherd_user_id} if self.rfc.shepherd_user_id else set())


def rfc_page(series: str, number: int) -> tuple[RFCPage | None, str]:
    """The RFC and everything its page shows besides its text, in one query, with a fingerprint."""
    union = _RFC_PAGES.get(series)
    rows = union.rows(number) if union else {}
    if not rows or not rows["rfc"]:
        return None, ""
    pk, own = rows["rfc"][0]
    shepherd = Person(pk=own["shepherd_id"], name=own.pop("shepherd_name"), slug=own.pop("shepherd_slug"))
    supersedes = RFC(
        pk=own["supersedes_id"], series=own.pop("supersedes_series") or "",
        number=own.pop("supersedes_number"), title=own.pop("supersedes_title"),
    )  # fmt: skip
    shepherd_user_id = own.pop("shepherd_user_id")
    own["toc"] = json.loads(own["toc"] or "[]")
    own["metadata"] = json.loads(own["metadata"] or "{}")
    rfc = RFC(pk=pk, **own)
    rfc.shepherd_user_id = shepherd_user_id
    if own["shepherd_id"]:
        rfc.shepherd = shepherd
    if own["supersedes_id"]:
        rfc.supersedes = supersedes
    return RFCPage(rfc, rows), fingerprint(rows)
