"""What the notes parser gives: the Parsed* dataclasses the views and the importer read, and its error."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from decisions.people.names import name_key, people_in_label

# How a remark's speaker was found: a label the line starts with (`Name:`, `**Name**`, `[Name]`),
# words reported in prose ("Chris explained..."), or a stand-up bullet holding the name alone with
# the remark under it. A remark with no speaker is the note-taker's: the notes give it to nobody.
SPEAKER_BY_LABEL = "label"
SPEAKER_REPORTED = "reported"
SPEAKER_STANDUP = "stand-up"
SPEAKER_PRESENTER = "presenter"


@dataclass
class ParsedRemark:
    speaker: str | None
    text: str
    depth: int = 0
    line: int = 0
    found: str = SPEAKER_BY_LABEL


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
    # Read from an offer in the discussion ("Bailey offered to draft..."): the action-items list,
    # when it gives the same person a task, says it again in its own words.
    offer: bool = field(default=False, compare=False)

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
    # The notes written under no subject: saved and shown together, not counted as a topic.
    loose: bool = False
    rfc_mentions: list[int] = field(default_factory=list)
    decision_mentions: list[int] = field(default_factory=list)
    # Who brought the topic, as its title line says (`[Robin] - OCI`); not the speaker of its bullets.
    presenter: str | None = None

    # The meeting's attendees, so `Brown, Andrew` reads as one person where the notes list names so.
    attendees: list[str] = field(default_factory=list, repr=False, compare=False)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers of this topic, in order of first remark (its presenter first)."""
        return _distinct_speakers(_attributed(self), self.attendees)


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
    # How each label in `aliases` was tied to its attendee: "first name" (the only attendee with it),
    # "initials", "handle prefix" (`alex` for the only handle starting so); absent means written in full.
    alias_matches: dict[str, str] = field(default_factory=dict)
    # Inferred action items (`.suggested`): the preview offers them, nothing saves them unless a
    # person accepts one. `action_items` holds only what is saved as read.
    suggested_items: list[ParsedActionItem] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers of the whole meeting, in order of first remark; a person the notes write
        two ways (`Stuart Schaefer` and `Stuart`, tied by the attendee list) is listed once, as first written."""
        return _distinct_speakers(
            (r for topic in self.topics for r in _attributed(topic)), self.attendees, self.aliases
        )

    @property
    def speaker_details(self) -> list[dict[str, object]]:
        """Each speaker as written, how the notes attribute words to them, and the attendee the label
        was matched to (and how surely): what a person checks before people are linked."""
        details = []
        for name in self.speakers:
            remark = next(
                r
                for topic in self.topics
                for r in _attributed(topic)
                if r.speaker and name in _names(r, self)
            )
            attendee = self.aliases.get(name) or next(
                (a for a in self.attendees if name_key(a) == name_key(name)), None
            )
            details.append(
                {
                    "name": name,
                    "found": remark.found,
                    "line": remark.line,
                    "attendee": attendee,
                    "match": self.alias_matches.get(name, "exact" if attendee else None),
                }
            )
        return details


class MeetingParseError(ValueError):
    """Notes that cannot be read at all, with the line when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _attributed(topic: ParsedTopic) -> Iterable[ParsedRemark]:
    if topic.presenter:
        yield ParsedRemark(speaker=topic.presenter, text="", line=topic.line, found=SPEAKER_PRESENTER)
    yield from topic.remarks


def _names(remark: ParsedRemark, meeting: ParsedMeeting) -> list[str]:
    return people_in_label(remark.speaker or "", {name_key(a) for a in meeting.attendees})


def _distinct_speakers(
    remarks: Iterable[ParsedRemark], attendees: Iterable[str] = (), aliases: dict[str, str] | None = None
) -> list[str]:
    seen: dict[str, str] = {}
    listed = {name_key(a) for a in attendees}
    for remark in remarks:
        if not remark.speaker:
            continue
        for name in people_in_label(remark.speaker, listed):
            seen.setdefault(name_key((aliases or {}).get(name, name)), name)
    return list(seen.values())
