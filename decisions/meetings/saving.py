"""Storing parsed meeting notes: one meeting, one transaction, no duplicates.

`save_meeting` is what the web form and both import commands call. It matches the names in the
notes to people (by name, slug or alias in any case; a full name one or two typos off; a first
name only one person has, or that one person of the series clearly answers to), creates the
rest, and replaces a meeting's topics, remarks, links and action items when the same notes come
again, so importing twice changes nothing; statuses and decision links set on the site survive. Remarks and action items are written with
bulk_create, at a fraction of the queries.

The Markdown (the notes, the agenda, every topic and remark) is rendered first, by render_notes()
with the models' own render_markdown(), before the transaction opens: with SQLite's IMMEDIATE
transactions an atomic block holds the write lock from its start, and a long render inside it
made every other save fail with "database is locked". The stored HTML is exactly what save()
would have produced.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch

from decisions.meetings.parsing import (
    MeetingParseError,
    ParsedActionItem,
    ParsedMeeting,
    parse_meeting,
)
from decisions.meetings.paths import date_from_path, notes_files, series_from_path, source_key
from decisions.models import (
    RFC,
    ActionItem,
    ActionItemStatus,
    Decision,
    DecisionMeeting,
    Meeting,
    MeetingLink,
    MeetingSeries,
    Person,
    Remark,
    Topic,
    unique_slug,
)
from decisions.people.names import (
    AMBIGUOUS,
    PeopleIndex,
    display_name,
    name_key,
    name_tokens,
    people_in_label,
)
from decisions.sources import files as safe_files
from decisions.text import first_control_line, strip_controls

# People -----------------------------------------------------------------------------------------


class _Resolver:
    """Names in one meeting's notes -> people, creating the unknown ones when asked to."""

    def __init__(
        self, parsed: ParsedMeeting, index: PeopleIndex, create: bool, series: MeetingSeries
    ) -> None:
        self.parsed = parsed
        self.index = index
        self.create = create
        self.series = series
        self.listed = frozenset(name_key(a) for a in parsed.attendees)
        labels = [*parsed.speakers, *(i.owner for i in parsed.action_items if i.owner)]
        self.used = {name_key(n) for label in labels for n in people_in_label(label, self.listed)}
        self.resolved: dict[str, Person | None] = {}
        self.new: list[Person] = []
        self.grown: dict[int, Person] = {}

    def resolve_all(self, labels: Iterable[str | None]) -> None:
        for label in labels:
            if label and label not in self.resolved:
                self.resolved[label] = self._resolve(label)
        if self.new:
            Person.objects.bulk_create(self.new)
            for person in self.new:
                self.index.add(person)
            self.new = []
        if self.grown:
            Person.objects.bulk_update(list(self.grown.values()), ["aliases"])
            self.grown = {}

    def person(self, label: str | None) -> Person | None:
        return self.resolved.get(label) if label else None

    def _declared(self, name: str) -> list[str]:
        """Handles the attendee list gives (`Nick Fitzgerald (nf)`) that the notes then use."""
        return [a for a in self.parsed.attendee_aliases.get(name, []) if name_key(a) in self.used]

    def _resolve(self, label: str) -> Person | None:
        first = people_in_label(label, self.listed)[0]
        canonical = self.parsed.aliases.get(first, first)
        person = self.index.lookup(canonical, self.series)
        if person is None and canonical != first:
            person = self.index.lookup(first, self.series)
        if person is AMBIGUOUS:
            return None
        if person is not None:
            self._learn(person, [first, *self._declared(canonical)])
            return person
        last_first = name_key(canonical) in self.listed and "," in canonical
        display = display_name(canonical, last_first=last_first)
        pending = next((p for p in self.new if name_key(p.name) == name_key(display)), None)
        if pending is not None or not self.create:
            return pending
        person = self.index.create(
            canonical, [canonical, first, *self._declared(canonical)], last_first=last_first
        )
        self.new.append(person)
        return person

    def _learn(self, person: Person, written: list[str]) -> None:
        """Remember handles and spellings the notes tie to a person, never bare first names."""
        if person.pk is None:
            return
        tokens = name_tokens(person.name)
        first = name_key(tokens[0]) if tokens else ""
        known = {name_key(a) for a in [person.name, *(person.aliases or [])]}
        for alias in written:
            key = name_key(alias)
            handle = re.fullmatch(r"[a-z][a-z0-9_\-]{2,38}", alias.lstrip("@")) is not None
            spelling = len(name_tokens(alias)) >= 2
            if (handle or spelling) and key not in known and key != first and not self.index.by_key.get(key):
                person.aliases = [*(person.aliases or []), alias.lstrip("@")]
                known.add(key)
                self.index.by_key.setdefault(key, set()).add(person.pk)
                self.grown[person.pk] = person


# Saving ---------------------------------------------------------------------------------------


@dataclass
class Lookups:
    """What an import run looks up again and again, loaded once: people, RFCs, decisions, series."""

    people: PeopleIndex = field(default_factory=PeopleIndex)
    rfcs: dict[int, int] | None = None
    decisions: dict[int, int] | None = None
    series: dict[str, MeetingSeries] = field(default_factory=dict)

    def rfc_ids(self, numbers: list[int]) -> list[int]:
        if self.rfcs is None:
            return list(RFC.objects.filter(series="", number__in=numbers).values_list("pk", flat=True))
        return [self.rfcs[n] for n in numbers if n in self.rfcs]

    def decision_ids(self, numbers: list[int]) -> dict[int, int]:
        if self.decisions is None:
            return dict(Decision.objects.filter(number__in=numbers).values_list("number", "pk"))
        return {n: self.decisions[n] for n in numbers if n in self.decisions}

    @classmethod
    def for_run(cls) -> Lookups:
        return cls(
            rfcs=dict(RFC.objects.filter(series="").values_list("number", "pk")),
            decisions=dict(Decision.objects.values_list("number", "pk")),
        )


# What one meeting may hold. The 740 notes of the Bytecode Alliance meetings have at most 10
# topics, 9 action items and 718 remarks; 510 KB of notes could hold 15,000 topics, which took
# 10 s to preview and then could never be saved (every action item is a row of the form).
MAX_TOPICS = 500
MAX_ACTION_ITEMS = 200
MAX_REMARKS = 5000


_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)", re.MULTILINE)
_LIST_ITEM_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]", re.MULTILINE)


def notes_size_problem(text: str) -> str | None:
    """A first bound, counted in milliseconds before the parse (2.5 s for 15,000 topics).

    Headings and list items are counted with a margin (the title, "Attendees" and such are
    headings too), so only notes far past the limits are refused here; the parse is checked
    exactly afterwards (meeting_size_problem).
    """
    headings = len(_HEADING_LINE.findall(text))
    if headings > MAX_TOPICS + 50:
        return (
            f"These notes have {headings:,} headings; a meeting holds at most {MAX_TOPICS:,} topics. "
            "Split them into several meetings."
        )
    items = len(_LIST_ITEM_LINE.findall(text))
    if items > MAX_REMARKS + MAX_ACTION_ITEMS + 1000:
        return (
            f"These notes have {items:,} list items; a meeting holds at most {MAX_REMARKS:,} remarks "
            f"and {MAX_ACTION_ITEMS:,} action items. Split them into several meetings."
        )
    return None


def meeting_size_problem(parsed: ParsedMeeting) -> str | None:
    """What is too much in these notes for one meeting, said so a person can act on it, or None."""
    counts = {
        "topics": (len(parsed.topics), MAX_TOPICS),
        "action items": (len(parsed.action_items), MAX_ACTION_ITEMS),
        "remarks": (sum(len(topic.remarks) for topic in parsed.topics), MAX_REMARKS),
    }
    for kind, (count, limit) in counts.items():
        if count > limit:
            return f"These notes have {count:,} {kind}; a meeting holds at most {limit:,}. Split them into several meetings."
    return None


class StaleMeeting(Exception):
    """The meeting was saved by someone else since this edit began; nothing was written."""


@dataclass
class RenderedNotes:
    """A meeting's Markdown rendered before its transaction: unsaved rows holding text and HTML.

    `meeting` holds the agenda and the notes, `topics` the topics of the notes in order (without
    their meeting) and `remarks` each topic's remarks (without their speaker), all rendered.
    """

    meeting: Meeting
    topics: list[Topic]
    remarks: list[list[Remark]]


def render_notes(parsed: ParsedMeeting, source_text: str) -> RenderedNotes:
    """Render everything save_meeting() will store, writing nothing: call it before the transaction."""
    meeting = Meeting(agenda=parsed.agenda, source_text=source_text)
    meeting.render_markdown()
    topics, remarks = [], []
    for order, parsed_topic in enumerate(parsed.topics, start=1):
        topic = Topic(order=order, title=parsed_topic.title[:300] or f"Topic {order}", body=parsed_topic.body)
        topic.render_markdown()
        topics.append(topic)
        rows = []
        for remark_order, remark in enumerate(parsed_topic.remarks, start=1):
            row = Remark(
                topic=topic,
                order=remark_order,
                speaker_name=(remark.speaker or "")[:200],
                text=remark.text,
                depth=min(remark.depth, 32767),
            )
            row.render_markdown()
            rows.append(row)
        remarks.append(rows)
    return RenderedNotes(meeting, topics, remarks)


def _take_rendered(meeting: Meeting, rendered: Meeting) -> None:
    """Give the meeting about to be saved the HTML rendered before the transaction, where its text
    is the rendered one and its stored HTML is not already current (then save() only writes)."""
    if not meeting.markdown_is_stale():
        return
    if any(getattr(meeting, name) != getattr(rendered, name) for name in Meeting.MARKDOWN_FIELDS):
        return  # not the text that was rendered: save() renders it
    for html_name in Meeting.MARKDOWN_FIELDS.values():
        setattr(meeting, html_name, getattr(rendered, html_name))
    meeting._rendered_sources = dict(rendered._rendered_sources)


def save_meeting(
    parsed: ParsedMeeting,
    *,
    series: MeetingSeries,
    date: datetime.date,
    source_text: str,
    source_path: str = "",
    user: Any = None,
    create_people: bool = True,
    action_items: list[ParsedActionItem] | None = None,
    lookups: Lookups | None = None,
    meeting: Meeting | None = None,
    expected_version: int | None = None,
    rendered: RenderedNotes | None = None,
) -> Meeting:
    """Create or update the meeting these notes describe, with everything parsed from them.

    The same `source_path` (or else the same series, date and title) updates the meeting in
    place; `meeting` names the one to update instead (an edit in the browser, which may change
    its series, date or title), and `expected_version` the version the edit started from: when
    someone saved in between, StaleMeeting is raised before anything is written.
    `action_items` replaces the parsed ones when a person corrected them in the preview.
    Everything happens in one transaction: a failure leaves the database as it was. The Markdown
    is rendered before it (`rendered`, from render_notes(), when the caller opens a transaction
    of its own around this one).
    """
    saved, _ = _save(
        parsed,
        series=series,
        date=date,
        source_text=source_text,
        source_path=source_path,
        user=user,
        create_people=create_people,
        action_items=action_items,
        lookups=lookups or Lookups(),
        target=meeting,
        expected_version=expected_version,
        rendered=rendered or render_notes(parsed, source_text),
    )
    return saved


@transaction.atomic
def _save(
    parsed: ParsedMeeting,
    *,
    series: MeetingSeries,
    date: datetime.date,
    source_text: str,
    source_path: str,
    user: Any,
    create_people: bool,
    action_items: list[ParsedActionItem] | None,
    lookups: Lookups,
    rendered: RenderedNotes,
    target: Meeting | None = None,
    expected_version: int | None = None,
) -> tuple[Meeting, bool]:
    title = meeting_title(parsed, series.name, date)
    meeting = (
        _claim(target, expected_version)
        if target is not None
        else _existing(series, date, title, source_path)
    )
    created = meeting is None
    kept = KeptState(meeting)
    if meeting is None:
        submitter = user if getattr(user, "is_authenticated", False) else None
        meeting = Meeting(submitted_by=submitter)
    else:
        _clear(meeting)
        if target is None:
            meeting.version += 1  # an import over it: a browser edit begun before must not win
    meeting.series, meeting.date, meeting.title = series, date, title
    meeting.agenda = parsed.agenda
    meeting.source_text = source_text
    meeting.source_path = source_path[:500]
    _take_rendered(meeting, rendered.meeting)
    meeting.save()

    items = parsed.action_items if action_items is None else action_items
    resolver = _Resolver(parsed, lookups.people, create_people, series)
    labels = [*parsed.attendees, *parsed.speakers, *(r.speaker for t in parsed.topics for r in t.remarks)]
    resolver.resolve_all([*labels, *(i.owner for i in items if i.owner)])

    topics = _save_topics(meeting, rendered)
    _save_remarks(parsed, rendered, resolver)
    _save_action_items(meeting, parsed, items, topics, resolver, kept)
    _save_links(meeting, parsed, topics)
    present = [resolver.person(n) for n in [*parsed.attendees, *parsed.speakers]]
    meeting.attendees.set({p.pk for p in present if p is not None})
    meeting.rfcs.set(lookups.rfc_ids(parsed.rfc_mentions))
    _save_discussions(meeting, parsed, topics, lookups, kept)
    return meeting, created


def meeting_title(parsed: ParsedMeeting, series: str, date: datetime.date) -> str:
    """The notes' title, or for notes without one the series and the date."""
    return (parsed.title or "").strip()[:300] or f"{series}, {date:%B} {date.day}, {date.year}"


def _claim(meeting: Meeting, expected_version: int | None) -> Meeting:
    """The meeting to edit, locked and moved to its next version; StaleMeeting if it moved on.

    One conditional UPDATE both checks and bumps the version, so of two edits begun from the
    same version exactly one goes through, on SQLite and PostgreSQL alike.
    """
    rows = Meeting.objects.filter(pk=meeting.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise StaleMeeting(f"{meeting} was changed by someone else after you opened it.")
    return Meeting.objects.select_related("series").get(pk=meeting.pk)


def _existing(series: MeetingSeries, date: datetime.date, title: str, source_path: str) -> Meeting | None:
    meetings = Meeting.objects.select_for_update()
    if source_path:
        found = meetings.filter(source_path=source_path).order_by("pk").first()
        if found is not None:
            return found
    return meetings.filter(series=series, date=date, title=title).first()


class KeptState:
    """What people changed on the site since the last import, carried over to the new rows."""

    def __init__(self, meeting: Meeting | None) -> None:
        self.statuses: dict[tuple[str, str], tuple[str, int | None]] = {}
        self.discussions: list[tuple[int, str | None]] = []
        if meeting is None:
            return
        for owner, text, status, decision in meeting.action_items.values_list(
            "owner_name", "text", "status", "decision_id"
        ):
            if status != ActionItemStatus.OPEN or decision:
                self.statuses[(owner, text)] = (status, decision)
        # Links the notes made (their DR-NNNN was in the old text) are remade from the new text;
        # links a person made on the site are kept, at the topic with the same title.
        mentioned = {int(n) for n in re.findall(r"\bDR-(\d{1,5})\b", meeting.source_text)}
        self.discussions = [
            (decision, title)
            for number, decision, title in meeting.decision_discussions.values_list(
                "decision__number", "decision_id", "topic__title"
            )
            if number not in mentioned
        ]

    def carry(self, item: ParsedActionItem) -> tuple[str, str, str, int | None] | None:
        """(owner name, text, status, decision) an item of the new notes is saved with: a status
        set on the site (done, dropped) and a decision link stay with the same owner and text.
        None for an item with no text, which is not saved."""
        text = (item.text or "").strip()
        if not text:
            return None
        owner_name = (item.owner or "")[:200]
        status = ActionItemStatus.DONE if item.done else ActionItemStatus.OPEN
        decision = None
        if (owner_name, text) in self.statuses:
            previous, decision = self.statuses[(owner_name, text)]
            status = status if status != ActionItemStatus.OPEN else previous
        return owner_name, text, status, decision


def _clear(meeting: Meeting) -> None:
    meeting.action_items.all().delete()
    meeting.links.all().delete()
    meeting.decision_discussions.all().delete()
    meeting.topics.all().delete()


def _save_topics(meeting: Meeting, rendered: RenderedNotes) -> list[Topic]:
    """The rendered topics, saved in order (their Markdown is current: save() only writes)."""
    for topic in rendered.topics:
        topic.meeting = meeting
        topic.save()
    return rendered.topics


def _save_remarks(parsed: ParsedMeeting, rendered: RenderedNotes, resolver: _Resolver) -> None:
    remarks = []
    for rows, parsed_topic in zip(rendered.remarks, parsed.topics, strict=True):
        for row, remark in zip(rows, parsed_topic.remarks, strict=True):
            row.speaker = resolver.person(remark.speaker)
            remarks.append(row)
    Remark.objects.bulk_create(remarks, batch_size=500)


def _save_action_items(
    meeting: Meeting,
    parsed: ParsedMeeting,
    items: list[ParsedActionItem],
    topics: list[Topic],
    resolver: _Resolver,
    kept: KeptState,
) -> None:
    topic_of = _topic_finder(parsed, topics)
    rows = []
    for item in items:
        carried = kept.carry(item)
        if carried is None:
            continue
        owner_name, text, status, decision = carried
        rows.append(
            ActionItem(
                meeting=meeting,
                topic=topic_of(item),
                owner=resolver.person(item.owner),
                owner_name=owner_name,
                text=text,
                due_on=item.due,
                status=status,
                decision_id=decision,
            )
        )
    ActionItem.objects.bulk_create(rows, batch_size=500)


def _topic_finder(parsed: ParsedMeeting, topics: list[Topic]) -> Callable[[ParsedActionItem], Topic | None]:
    """The topic an item was found in; an item edited in the preview keeps it while its text is the same."""
    by_item: dict[int, Topic] = {}
    by_text: dict[str, Topic] = {}
    for topic, parsed_topic in zip(topics, parsed.topics, strict=True):
        for item in parsed_topic.action_items:
            by_item[id(item)] = topic
            by_text.setdefault(item.text.strip(), topic)
    return lambda item: by_item.get(id(item)) or by_text.get((item.text or "").strip())


def _save_links(meeting: Meeting, parsed: ParsedMeeting, topics: list[Topic]) -> None:
    first_topic: dict[str, Topic] = {}
    for topic, parsed_topic in zip(topics, parsed.topics, strict=True):
        for link in parsed_topic.links:
            first_topic.setdefault(link.url, topic)
    rows = [
        MeetingLink(
            meeting=meeting,
            topic=first_topic.get(link.url),
            url=link.url[:1000],
            text=link.text[:500],
            order=i,
        )
        for i, link in enumerate(parsed.links, start=1)
    ]
    MeetingLink.objects.bulk_create(rows, batch_size=500)


def _save_discussions(
    meeting: Meeting, parsed: ParsedMeeting, topics: list[Topic], lookups: Lookups, kept: KeptState
) -> None:
    """A DecisionMeeting for each DR-NNNN mention, at the topic that mentions it; kept links stay."""
    numbers = list(
        dict.fromkeys([*parsed.decision_mentions, *(n for t in parsed.topics for n in t.decision_mentions)])
    )
    ids = lookups.decision_ids(numbers)
    wanted: dict[tuple[int, int | None], None] = {}
    for topic, parsed_topic in zip(topics, parsed.topics, strict=True):
        for number in parsed_topic.decision_mentions:
            if number in ids:
                wanted[(ids[number], topic.pk)] = None
    in_topics = {decision for decision, _ in wanted}
    for number in parsed.decision_mentions:
        if number in ids and ids[number] not in in_topics:
            wanted[(ids[number], None)] = None
    by_title = {topic.title: topic.pk for topic in reversed(topics)}
    for decision, title in kept.discussions:
        topic_id = by_title.get(title) if title else None
        if (decision, topic_id) not in wanted and not (topic_id is None and decision in in_topics):
            wanted[(decision, topic_id)] = None
    DecisionMeeting.objects.bulk_create(
        [DecisionMeeting(decision_id=d, meeting=meeting, topic_id=t) for d, t in wanted]
    )


# Files and folders (the import commands) ------------------------------------------------------


class ImportProblem(Exception):
    """A notes file that cannot be imported, said the way a person can act on."""


@dataclass
class FileResult:
    path: str
    text: str
    parsed: ParsedMeeting
    series: str
    date: datetime.date
    meeting: Meeting | None = None
    created: bool = False

    def as_json(self) -> dict[str, Any]:
        parsed = self.parsed
        return {
            "title": self.meeting.title if self.meeting else meeting_title(parsed, self.series, self.date),
            "date": self.date.isoformat(),
            "series": self.series,
            "attendees": parsed.attendees,
            "speakers": parsed.speakers,
            "topics": [
                {"title": t.title, "speakers": t.speakers, "remarks": len(t.remarks)} for t in parsed.topics
            ],
            "action_items": [{"owner": i.owner, "text": i.text} for i in parsed.action_items],
            "links": [{"url": link.url, "text": link.text} for link in parsed.links],
            "meeting": _meeting_url(self.meeting) if self.meeting else None,
            "warnings": parsed.warnings,
        }


def _meeting_url(meeting: Meeting) -> str:
    try:
        return meeting.get_absolute_url()
    except NoReverseMatch:
        return f"/meetings/{meeting.pk}/"


def read_notes(path: Path, shown: str | None = None, root: str | Path | None = None) -> str:
    """The text of a notes file, exactly as stored (CRLF kept); a clear error when it is not UTF-8.

    Only a regular file inside root (by default its own folder) is read, and only up to
    MARKDOWN_MAX_BYTES: see decisions.safe_files.
    """
    try:
        raw = safe_files.read_bytes(path, root)
    except safe_files.RefusedFile as error:
        raise ImportProblem(f"{shown or path}: {error.reason}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportProblem(
            f"{shown or path}: not valid UTF-8 (line {line}, byte {error.start}); save the file as UTF-8"
        ) from error
    if "\x00" in text:  # PostgreSQL cannot store it, and no editor puts it there on purpose
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportProblem(
            f"{shown or path}: contains a NUL character (line {line}); remove it and import again"
        )
    # Other control characters (a stray \x01 or \x0b) break the Atom feeds: removed. Only then is
    # the text not kept byte for byte.
    if first_control_line(text) is not None:
        text = strip_controls(text)
    return text


def read_file(
    path: str | Path,
    *,
    series: str | None = None,
    date: datetime.date | None = None,
    root: str | Path | None = None,
) -> FileResult:
    """Read and parse one notes file, writing nothing; raise ImportProblem naming the file and line."""
    path = Path(path)
    key = source_key(path, root)
    if path.is_dir():
        raise ImportProblem(f"{path}: a folder; import_meetings reads every notes file in a folder")
    text = read_notes(path, key, root)
    # The same bounds as pasted notes: a file past them is refused before the parse, not stored.
    too_big = notes_size_problem(text)
    if too_big:
        raise ImportProblem(f"{key}: {too_big}")
    try:
        parsed = parse_meeting(text, path=key, default_date=date)
    except MeetingParseError as error:
        where = f":{error.line}" if error.line else ""
        raise ImportProblem(f"{key}{where}: {error.message}") from error
    too_big = meeting_size_problem(parsed)
    if too_big:
        raise ImportProblem(f"{key}: {too_big}")
    when = date or parsed.date
    if when is None:
        raise ImportProblem(f"{key}: no date in the notes or the file name; pass --date YYYY-MM-DD")
    return FileResult(
        path=key, text=text, parsed=parsed, series=series or series_from_path(path, root), date=when
    )


def save_file(result: FileResult, lookups: Lookups, *, user: Any = None) -> FileResult:
    """Save a read file as its meeting (one transaction), creating its series when new."""
    series = lookups.series.get(result.series.casefold()) or get_series(result.series)
    lookups.series[result.series.casefold()] = series
    result.meeting, result.created = _save(
        result.parsed,
        series=series,
        date=result.date,
        source_text=result.text,
        source_path=result.path,
        user=user,
        create_people=True,
        action_items=None,
        lookups=lookups,
        rendered=render_notes(result.parsed, result.text),  # before the transaction
    )
    return result


def import_file(
    path: str | Path,
    *,
    series: str | None = None,
    date: datetime.date | None = None,
    dry_run: bool = False,
    root: str | Path | None = None,
    user: Any = None,
) -> FileResult:
    """Parse one notes file and (unless dry_run) save it; raise ImportProblem naming the file."""
    result = read_file(path, series=series, date=date, root=root)
    return result if dry_run else save_file(result, Lookups(), user=user)


def get_series(name: str) -> MeetingSeries:
    """The series of that name (any case), created with a unique slug when new."""
    found = MeetingSeries.objects.filter(name__iexact=name).first()
    return found or MeetingSeries.objects.create(
        name=name[:200], slug=unique_slug(MeetingSeries, name, max_length=100)
    )


@dataclass
class FolderReport:
    imported: int = 0
    created: int = 0
    updated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # not read at all: links out, FIFOs...
    failed: list[tuple[str, str]] = field(default_factory=list)
    topics: int = 0
    remarks: int = 0
    action_items: int = 0
    speakers: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "created": self.created,
            "updated": self.updated,
            "failed": [{"path": path, "error": error} for path, error in self.failed],
            "skipped": len(self.skipped),
            "refused": [{"path": path, "reason": reason} for path, reason in self.refused],
            "topics": self.topics,
            "remarks": self.remarks,
            "action_items": self.action_items,
            "speakers": self.speakers,
            "seconds": round(self.seconds, 2),
            "dry_run": self.dry_run,
        }


def import_folder(
    root: str | Path, *, dry_run: bool = False, progress: Callable[[int, int, str], None] | None = None
) -> FolderReport:
    """Import every dated notes file below root, each in its own transaction; bad files are listed.

    All files are read first, so the people in every attendee list exist before any meeting is
    saved: "Till" in a 2021 note then finds the "Till Schneidereit" of a 2024 one.
    """
    started = time.monotonic()
    root = Path(root)
    if not root.is_dir():
        raise ImportProblem(f"{root}: not a folder")
    report = FolderReport(dry_run=dry_run)
    files, skipped, refused = notes_files(root)
    report.skipped = [(source_key(p, root), reason) for p, reason in skipped]
    report.refused = [(p.relative_to(root).as_posix(), reason) for p, reason in refused]
    results = []
    for path in files:
        key = source_key(path, root)
        try:
            result = _read_dated(path, root)
        except ImportProblem as error:
            report.failed.append((key, str(error)))
            continue
        except Exception as error:  # one unreadable file must not stop the others
            report.failed.append((key, f"{key}: {type(error).__name__}: {error}"))
            continue
        if result is None:
            report.skipped.append((key, "no date in the file name or the notes"))
        else:
            results.append(result)
    lookups = None if dry_run else Lookups.for_run()
    if lookups is not None:
        _prepare_people(results, lookups)
    speakers: set[str] = set()
    for index, result in enumerate(results, start=1):
        if progress:
            progress(index, len(results), result.path)
        if lookups is not None:
            try:
                save_file(result, lookups)
            except Exception as error:  # reported with its file; its transaction rolled back
                report.failed.append((result.path, f"{result.path}: {type(error).__name__}: {error}"))
                continue
        report.imported += 1
        report.created += result.created
        report.updated += not result.created and not dry_run
        report.topics += len(result.parsed.topics)
        report.remarks += sum(len(t.remarks) for t in result.parsed.topics)
        report.action_items += len(result.parsed.action_items)
        speakers.update(name_key(s) for s in result.parsed.speakers)
    report.speakers = len(speakers)
    report.seconds = time.monotonic() - started
    return report


def _read_dated(path: Path, root: Path) -> FileResult | None:
    """One file of a folder, or None when neither its name nor its text dates it (not notes)."""
    key = source_key(path, root)
    if date_from_path(key) is None:
        try:
            result = read_file(path, root=root)
        except ImportProblem as error:
            if "no date" in str(error):
                return None
            raise
        return result if result.parsed.text_date is not None else None
    return read_file(path, root=root)


@transaction.atomic
def _prepare_people(results: list[FileResult], lookups: Lookups) -> None:
    """Create everyone named in full in any attendee list, most often written spelling first,
    and learn how many meetings of each series they attended, before saving any meeting."""
    index = lookups.people
    counts: Counter[tuple[str, bool]] = Counter()
    for result in results:
        listed = {name_key(a) for a in result.parsed.attendees}
        for name in [*result.parsed.attendees, *result.parsed.speakers]:
            last_first = "," in name and name_key(name) in listed
            if len(name_tokens(name)) >= 2 and ("," not in name or last_first):
                counts[(name, last_first)] += 1
    for (name, last_first), _ in counts.most_common():
        found = index.lookup(display_name(name, last_first=last_first))
        if found is AMBIGUOUS:
            continue
        if found is None:
            person = index.create(name, [name], last_first=last_first)
            person.save()
            index.add(person)
        elif name_key(name) not in {name_key(a) for a in [found.name, *found.aliases]}:
            found.aliases = [*found.aliases, name]  # a spelling seen in the notes: "Till Schneiderent"
            found.save(update_fields=["aliases"])
            index.add(found)
    for result in results:
        series = lookups.series.get(result.series.casefold()) or get_series(result.series)
        lookups.series[result.series.casefold()] = series
        present = {index.lookup(name, None) for name in result.parsed.attendees}
        index.counts(series).update(p.pk for p in present if isinstance(p, Person))


__all__ = [
    "FileResult",
    "FolderReport",
    "ImportProblem",
    "Lookups",
    "RenderedNotes",
    "StaleMeeting",
    "get_series",
    "import_file",
    "import_folder",
    "read_file",
    "read_notes",
    "render_notes",
    "save_file",
    "save_meeting",
]
