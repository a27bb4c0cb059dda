"""What a meeting page shows: the meeting, its notes and everything listed beside them, in one query."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import BigIntegerField, Case, Value, When

from decisions.caching.union import DATE, INT, TEXT, PreparedUnion, Relation, Rows, fingerprint
from decisions.models import (
    RFC,
    ActionItem,
    Decision,
    DecisionMeeting,
    Meeting,
    MeetingLink,
    MeetingSeries,
    Person,
    Remark,
    Topic,
)
from decisions.sources.links import RecordHome, home_from_rows, home_relation
from decisions.sources.models import RecordKind


@dataclass
class MeetingPage:
    """A meeting as its page shows it, from one query; the lists are built when asked."""

    meeting: Meeting
    rows: Rows

    @cached_property
    def home(self) -> RecordHome | None:
        """The file its notes were synced from (decisions.sources.links), if any."""
        return home_from_rows(self.rows)

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
            # Where someone speaks, a remark given to no one is marked as the note-taker's.
            topic.has_speakers = any(r.speaker_id or r.speaker_name for r in topic.remark_list)
        return sorted(topics.values(), key=lambda topic: (topic.order, topic.pk))


# A boolean in an integer column: PostgreSQL's UNION will not mix boolean and bigint.
AWAITING = Case(When(awaiting_review=True, then=Value(1)), default=Value(0), output_field=BigIntegerField())
PLANNED = Case(When(planned=True, then=Value(1)), default=Value(0), output_field=BigIntegerField())
# PostgreSQL has no cast from boolean to bigint (only to integer): the same 1 or 0 as a CASE.
LOOSE = Case(When(loose=True, then=Value(1)), default=Value(0), output_field=BigIntegerField())


def _meeting_relations(ids: Any) -> list[Relation]:
    """The meeting's own row (tag "meeting"), its notes and everything listed beside them."""
    return [
        Relation("meeting", Meeting.objects.filter(pk__in=ids), "pk",
                 {"version": (INT, "version"), "series_id": (INT, "series_id"), "series": (TEXT, "series__name"),
                  "submitted_by_id": (INT, "submitted_by_id"), "awaiting_review": (INT, AWAITING),
                  "planned": (INT, PLANNED), "title": (TEXT, "title"), "agenda_html": (TEXT, "agenda_html"),
                  "source_html": (TEXT, "source_html"), "date": (DATE, "date")}),
        Relation("topic", Topic.objects.filter(meeting__in=ids), "meeting_id",
                 {"id": (INT, "pk"), "order": (INT, "order"), "title": (TEXT, "title"),
                  "anchor": (TEXT, "anchor"), "body_html": (TEXT, "body_html"), "loose": (INT, LOOSE)}),
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
        home_relation(RecordKind.MEETING, ids),
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
