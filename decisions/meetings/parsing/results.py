"""What the notes parser gives: the Parsed* dataclasses the views and the importer read, and its error."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from decisions.people.names import name_key, people_in_label


@dataclass
class ParsedRemark:
    speaker: str | None
    text: str
    depth: int = 0
    line: int = 0


# How an action item or a topic was found: under a heading that says what it holds ("section"),
# by a wording that says it ("pattern": `Sam to review`, `AI(Sam):`), or guessed from prose that
# may mean it ("inferred": `Sam will look into it`). Inferred items are suggestions: the preview
# offers them, nothing saves them until a person accepts one.
FOUND_IN_SECTION = "section"
FOUND_BY_PATTERN = "pattern"
FOUND_INFERRED = "inferred"


@dataclass
class ParsedActionItem:
    owner: str | None
    text: str
    due: datetime.date | None = None
    done: bool = False
    line: int = 0
    found: str = FOUND_IN_SECTION
    confidence: float = 1.0

    @property
    def suggested(self) -> bool:
        """A guess the notes do not state outright: offered in the preview, not saved unless accepted."""
        return self.found == FOUND_INFERRED


@dataclass
class ParsedLink:
    url: str
    text: str = ""


@dataclass
class ParsedTopic:
    title: str
    body: str = ""
    remarks: list[ParsedRemark] = field(default_factory=list)
    action_items: list[ParsedActionItem] = field(default_factory=list)
    links: list[ParsedLink] = field(default_factory=list)
    line: int = 0
    end_line: int = 0
    # Inferred items found in this topic: suggestions, kept out of action_items (which are saved).
    suggested_items: list[ParsedActionItem] = field(default_factory=list)
    found: str = FOUND_IN_SECTION
    confidence: float = 1.0
    rfc_mentions: list[int] = field(default_factory=list)
    decision_mentions: list[int] = field(default_factory=list)

    # The meeting's attendees, so `Brown, Andrew` reads as one person where the notes list names so.
    attendees: list[str] = field(default_factory=list, repr=False, compare=False)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers of this topic, in order of first remark."""
        return _distinct_speakers(self.remarks, self.attendees)


@dataclass
class ParsedMeeting:
    title: str
    date: datetime.date | None
    attendees: list[str]
    agenda: str
    topics: list[ParsedTopic]
    action_items: list[ParsedActionItem]
    links: list[ParsedLink]
    rfc_mentions: list[int]
    decision_mentions: list[int]
    warnings: list[str]
    # Speaker labels the notes themselves tie to an attendee: "Till" -> "Till Schneidereit".
    aliases: dict[str, str] = field(default_factory=dict)
    # Handles and initials the notes declare for an attendee: "Nick Fitzgerald (nf)".
    attendee_aliases: dict[str, list[str]] = field(default_factory=dict)
    text_date: datetime.date | None = None
    # Inferred action items (`.suggested`): the preview offers them, nothing saves them unless a
    # person accepts one. `action_items` holds only what is saved as read.
    suggested_items: list[ParsedActionItem] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers of the whole meeting, in order of first remark."""
        return _distinct_speakers((r for topic in self.topics for r in topic.remarks), self.attendees)


class MeetingParseError(ValueError):
    """Notes that cannot be read at all, with the line when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _distinct_speakers(remarks: Iterable[ParsedRemark], attendees: Iterable[str] = ()) -> list[str]:
    seen: dict[str, str] = {}
    listed = {name_key(a) for a in attendees}
    for remark in remarks:
        if not remark.speaker:
            continue
        for name in people_in_label(remark.speaker, listed):
            seen.setdefault(name_key(name), name)
    return list(seen.values())
