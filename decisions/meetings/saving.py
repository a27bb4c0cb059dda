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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F

from decisions.meetings.corrections import Corrections, apply_corrections
from decisions.meetings.parsing import (
    ParsedActionItem,
    ParsedMeeting,
)
from decisions.meetings.resolving import Resolver
from decisions.models import (
    RFC,
    ActionItem,
    ActionItemStatus,
    Decision,
    DecisionMeeting,
    Meeting,
    MeetingLink,
    MeetingSeries,
    Remark,
    Topic,
)
from decisions.people.names import (
    PeopleIndex,
)

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


class StaleMeeting(Exception):
    """The meeting was saved by someone else since this edit began; nothing was written."""


class MeetingExists(Exception):
    """New notes were to make a meeting, but their series and date already have one; nothing was written."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__(f"{meeting} already exists.")
        self.meeting = meeting


@dataclass
class RenderedNotes:
    """A meeting's Markdown rendered before its transaction: unsaved rows holding text and HTML.

    `meeting` holds the agenda and the notes, `topics` the topics of the notes in order (without
    their meeting) and `remarks` each topic's remarks (without their speaker), all rendered.
    """

    meeting: Meeting
    topics: list[Topic]
    remarks: list[list[Remark]]


def render_notes(parsed: ParsedMeeting, source_text: str, *, stored_unchanged: bool = False) -> RenderedNotes:
    """Render everything save_meeting() will store, writing nothing: call it before the transaction.

    stored_unchanged: the stored meeting already holds this agenda and text (a re-import), so its
    HTML is current and the notes, the longest text, are not rendered again.
    """
    meeting = Meeting(agenda=parsed.agenda, source_text=source_text)
    if not stored_unchanged:
        meeting.render_markdown()
    topics, remarks = [], []
    for order, parsed_topic in enumerate(parsed.topics, start=1):
        topic = Topic(
            order=order, title=parsed_topic.title[:300] or f"Topic {order}", body=parsed_topic.body,
            loose=parsed_topic.loose,
        )  # fmt: skip
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


def _rendered_for(parsed: ParsedMeeting, source_text: str, rendered: RenderedNotes) -> RenderedNotes:
    """The rendered topics again when corrections changed them (rare: this renders in the transaction)."""
    same = len(rendered.topics) == len(parsed.topics) and all(
        row.title == (topic.title[:300] or row.title)
        and [r.text for r in rows] == [r.text for r in topic.remarks]
        for row, rows, topic in zip(rendered.topics, rendered.remarks, parsed.topics, strict=False)
    )
    if same:
        return rendered
    fresh = render_notes(parsed, source_text, stored_unchanged=True)
    return RenderedNotes(rendered.meeting, fresh.topics, fresh.remarks)


def _take_rendered(meeting: Meeting, rendered: Meeting) -> None:
    """Give the meeting about to be saved the HTML rendered before the transaction, where its text
    is the rendered one and its stored HTML is not already current (then save() only writes)."""
    if not meeting.markdown_is_stale() or not hasattr(rendered, "_rendered_sources"):
        return  # current already, or nothing was rendered for it (then save() renders)
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
    corrections: Corrections | None = None,
    session: str = "",
    new: bool = False,
) -> Meeting:
    """Create or update the meeting these notes describe, with everything parsed from them.

    The same `source_path` (or else the same series, date and session) updates the meeting in
    place; `meeting` names the one to update instead (an edit in the browser, which may change
    its series, date or title), and `expected_version` the version the edit started from: when
    someone saved in between, StaleMeeting is raised before anything is written. `new` says the
    notes must make a new meeting: MeetingExists when that series and date have one.
    `action_items` replaces the parsed ones. `corrections` are what a person corrected in the
    preview, already applied to `parsed`: stored, and applied again to the meeting's later parses;
    without them the meeting's stored corrections are applied to `parsed` (see _save).
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
        corrections=corrections,
        session=session,
        must_be_new=new,
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
    corrections: Corrections | None = None,
    session: str = "",
    must_be_new: bool = False,
) -> tuple[Meeting, bool]:
    """save_meeting's work. `corrections`: those already applied to `parsed` (the preview's), to
    store; None applies the meeting's stored ones again (an import), and sets the ones that no
    longer apply on the meeting's `stale_corrections`."""
    title = meeting_title(parsed, series.name, date)
    meeting = (
        _claim(target, expected_version)
        if target is not None
        else existing_meeting(series, date, session, source_path, lock=True)
    )
    if meeting is not None and must_be_new:
        raise MeetingExists(meeting)
    created = meeting is None
    if corrections is None:  # an import: what people corrected in this meeting's notes before
        corrections = Corrections.from_dict(meeting.corrections if meeting is not None else None)
        stale = []
        if corrections:  # else nothing to copy: suggestions are not among parsed.action_items
            parsed, stale = apply_corrections(parsed, corrections)
            rendered = _rendered_for(parsed, source_text, rendered)
    else:
        stale = []
    kept = KeptState(meeting)
    if meeting is None:
        submitter = user if getattr(user, "is_authenticated", False) else None
        meeting = Meeting(submitted_by=submitter, session=session[:100])
    else:
        _clear(meeting)
        if target is None:
            meeting.version += 1  # an import over it: a browser edit begun before must not win
    meeting.series, meeting.date, meeting.title = series, date, title
    # Notes over a planned meeting (decisions.meetings.planning) make it a held one; notes
    # without an agenda of their own keep the one planned.
    planned_agenda = meeting.agenda if meeting.planned else ""
    meeting.planned = False
    meeting.agenda = parsed.agenda or planned_agenda
    meeting.source_text = source_text
    meeting.source_path = source_path[:500]
    meeting.corrections = corrections.as_dict()
    meeting.stale_corrections = stale  # not stored: reported by the import commands
    _take_rendered(meeting, rendered.meeting)
    meeting.save()

    items = parsed.action_items if action_items is None else action_items
    resolver = Resolver(parsed, lookups.people, create_people, series, names=corrections.names)
    labels = [*parsed.attendees, *parsed.speakers, *(r.speaker for t in parsed.topics for r in t.remarks)]
    resolver.resolve_all([*labels, *(i.owner for i in items if i.owner)])

    topics = _save_topics(meeting, rendered)
    _save_remarks(parsed, rendered, resolver)
    _save_action_items(meeting, parsed, items, topics, resolver, kept)
    _save_links(meeting, parsed, topics)
    meeting.attendees.set({p.pk for p in resolver.present()})
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


def existing_meeting(
    series: MeetingSeries,
    date: datetime.date,
    session: str = "",
    source_path: str = "",
    *,
    lock: bool = False,
) -> Meeting | None:
    """The meeting notes for this series and date update: the one imported from the same file, or
    else the one of that series, date and session (a meeting is its series and day)."""
    meetings = Meeting.objects.select_related("series")
    if lock:
        meetings = meetings.select_for_update(of=("self",))
    if source_path:
        found = meetings.filter(source_path=source_path[:500]).order_by("pk").first()
        if found is not None:
            return found
    return meetings.filter(series=series, date=date, session=session[:100]).first()


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


def _save_remarks(parsed: ParsedMeeting, rendered: RenderedNotes, resolver: Resolver) -> None:
    remarks = []
    for rows, parsed_topic in zip(rendered.remarks, parsed.topics, strict=True):
        for row, remark in zip(rows, parsed_topic.remarks, strict=True):
            row.speaker = resolver.person(remark.speaker)
            row.speaker_name = (remark.speaker or "")[:200]  # as corrected
            remarks.append(row)
    Remark.objects.bulk_create(remarks, batch_size=500)


def _save_action_items(
    meeting: Meeting,
    parsed: ParsedMeeting,
    items: list[ParsedActionItem],
    topics: list[Topic],
    resolver: Resolver,
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


__all__ = [
    "KeptState",
    "Lookups",
    "MeetingExists",
    "RenderedNotes",
    "StaleMeeting",
    "existing_meeting",
    "meeting_title",
    "render_notes",
    "save_meeting",
]
