"""The notes reader: parse_meeting runs the passes over the notes' blocks and assembles the ParsedMeeting."""

from __future__ import annotations

import datetime

from django.conf import settings

from decisions.formats.dates import first_date
from decisions.markdown import clean_text
from decisions.meetings.parsing.actions import ActionItemsPass, due_date, settle_items
from decisions.meetings.parsing.agenda import AgendaTopicsPass
from decisions.meetings.parsing.base import TopicDraft
from decisions.meetings.parsing.blocks import block_links, block_text, dedent, distinct_links, mentions_in
from decisions.meetings.parsing.labels import SpeakerLabels
from decisions.meetings.parsing.people import AttendeesPass
from decisions.meetings.parsing.remarks import RemarksPass
from decisions.meetings.parsing.results import MeetingParseError, ParsedMeeting
from decisions.meetings.parsing.sections import SectionsPass
from decisions.meetings.paths import date_from_path, year_from_path
from decisions.people.names import name_key


def parse_meeting(
    text: str, *, path: str | None = None, default_date: datetime.date | None = None
) -> ParsedMeeting:
    """Read meeting notes; raise MeetingParseError only when there is nothing usable at all."""
    if not text or not text.strip("\ufeff \t\r\n"):
        raise MeetingParseError("The notes are empty: paste or upload the text of the meeting notes.")
    size = len(text.encode("utf-8", errors="replace"))
    limit = settings.MARKDOWN_MAX_BYTES
    if size > limit:
        raise MeetingParseError(
            f"The notes are {size // 1024} KB; the limit is {limit // 1024} KB. Split them into one file per meeting."
        )
    return Reader(clean_text(text), path=path, default_date=default_date).read()


class Reader(SectionsPass, AgendaTopicsPass, AttendeesPass, SpeakerLabels, RemarksPass, ActionItemsPass):
    """One reading of one meeting's notes: the passes in order, then the ParsedMeeting."""

    def read(self) -> ParsedMeeting:
        self._roles()
        self._structure()
        self._settle_attendees()
        self._decide_labels()
        self._promote_agenda_items()
        self._agenda_topics()
        topics, loose_items = self._content()
        date, text_date = self._date()
        action_items, suggested = settle_items([*loose_items, *(i for t in topics for i in t.action_items)])
        kept = {id(i) for i in action_items}
        offered = {id(i) for i in suggested}
        for topic in topics:
            topic.suggested_items = [i for i in topic.action_items if id(i) in offered]
            topic.action_items = [i for i in topic.action_items if id(i) in kept]
        for item in [*action_items, *suggested]:
            item.due = item.due or due_date(item.text, date)
        rfcs, decisions = mentions_in([block_text(b) for b in self.blocks])
        parsed = ParsedMeeting(
            title=self.title[:300],
            date=date,
            attendees=self.attendees,
            agenda="\n\n".join(dedent(self.lines[s:e]) for s, e in self.agenda_ranges).strip("\n"),
            topics=topics,
            action_items=action_items,
            links=distinct_links(link for b in self.blocks for link in block_links(b)),
            rfc_mentions=rfcs,
            decision_mentions=decisions,
            warnings=self.warnings,
            attendee_aliases=self.attendee_aliases,
            text_date=text_date,
            suggested_items=suggested,
        )
        parsed.aliases = self._aliases(parsed)
        parsed.alias_matches = self._alias_matches(parsed.aliases)
        if not self.title:
            self.warnings.append("No title found: the meeting is named after its series and date.")
        if not topics:
            self.warnings.append("No topics found: the notes are kept as one text.")
        return parsed

    def _body(self, draft: TopicDraft) -> str:
        if draft.kind in {"heading", "pseudo", "bullet"}:
            end = draft.end if draft.end is not None else len(self.lines)
            return dedent(self.lines[draft.start : end])
        runs: list[list[int]] = []
        for start, end in draft.ranges:
            if runs and all(not line.strip() for line in self.lines[runs[-1][1] : start]):
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([start, end])
        return "\n\n".join(dedent(self.lines[start:end]) for start, end in runs).strip("\n")

    def _date(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The file name is the key when it has a date; otherwise the text, with the path's year."""
        path_date = date_from_path(self.path) if self.path else None
        year = (year_from_path(self.path) if self.path else None) or (path_date.year if path_date else None)
        if year is None and self.default_date is not None:
            year = self.default_date.year
        text_date = None
        for source in filter(None, [self.field_date, self.title]):
            text_date = first_date(source, year)[0]
            if text_date:
                break
        if path_date and text_date and path_date != text_date:
            self.warnings.append(
                f"The notes say {text_date.isoformat()} but the file name says {path_date.isoformat()}; "
                "the file name wins."
            )
        date = path_date or text_date or self.default_date
        if date is None:
            self.warnings.append("No date found in the notes or the file name.")
        return date, text_date

    def _aliases(self, parsed: ParsedMeeting) -> dict[str, str]:
        aliases: dict[str, str] = {}
        for label in [*parsed.speakers, *(i.owner for i in parsed.action_items if i.owner)]:
            canonical = self.known.get(name_key(label))
            if canonical and name_key(canonical) != name_key(label):
                aliases[label] = canonical
        return aliases
