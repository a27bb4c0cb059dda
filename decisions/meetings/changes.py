"""What saving notes over a stored meeting would change: title, people, topics, action items, text.

The paste preview shows it before "Update the existing meeting", and the importers report it
(or, for notes edited on the site, the difference they kept). Reads only.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from decisions.meetings.parsing import ParsedActionItem, ParsedMeeting
from decisions.models import Meeting
from decisions.people.names import PeopleIndex, match_people

DIFF_CONTEXT = 2


@dataclass
class MeetingChanges:
    """The stored meeting against new notes; empty lists and None where nothing changes."""

    meeting: Meeting
    title: tuple[str, str] | None = None
    attendees_added: list[str] = field(default_factory=list)
    attendees_removed: list[str] = field(default_factory=list)
    topics_added: list[str] = field(default_factory=list)
    topics_removed: list[str] = field(default_factory=list)
    items_added: list[str] = field(default_factory=list)
    items_removed: list[str] = field(default_factory=list)
    notes_diff: list[str] = field(default_factory=list)

    @property
    def lines_added(self) -> int:
        return sum(line.startswith("+") and not line.startswith("+++") for line in self.notes_diff)

    @property
    def lines_removed(self) -> int:
        return sum(line.startswith("-") and not line.startswith("---") for line in self.notes_diff)

    @property
    def any(self) -> bool:
        return bool(
            self.title
            or self.attendees_added
            or self.attendees_removed
            or self.topics_added
            or self.topics_removed
            or self.items_added
            or self.items_removed
            or self.notes_diff
        )

    def summary(self) -> str:
        """One line, e.g. "title “A” -> “B”; 1 topic added; notes +3 -1 lines", or "none"."""
        parts = []
        if self.title:
            parts.append(f"title “{self.title[0]}” -> “{self.title[1]}”")
        for label, added, removed in (
            ("attendee", self.attendees_added, self.attendees_removed),
            ("topic", self.topics_added, self.topics_removed),
            ("action item", self.items_added, self.items_removed),
        ):
            if added:
                parts.append(f"{len(added)} {label}{'s' * (len(added) != 1)} added")
            if removed:
                parts.append(f"{len(removed)} {label}{'s' * (len(removed) != 1)} removed")
        if self.notes_diff:
            parts.append(f"notes +{self.lines_added} -{self.lines_removed} lines")
        return "; ".join(parts) or "none"

    def tagged_diff(self) -> list[tuple[str, str]]:
        """The notes diff as (kind, line) for the page: file, hunk, add, del or same."""
        return [(_kind(line), line) for line in self.notes_diff]

    def as_json(self) -> dict[str, Any]:
        return {
            "title": {"from": self.title[0], "to": self.title[1]} if self.title else None,
            "attendees": {"added": self.attendees_added, "removed": self.attendees_removed},
            "topics": {"added": self.topics_added, "removed": self.topics_removed},
            "action_items": {"added": self.items_added, "removed": self.items_removed},
            "notes": {"lines_added": self.lines_added, "lines_removed": self.lines_removed},
        }


def meeting_changes(
    meeting: Meeting,
    parsed: ParsedMeeting,
    *,
    title: str,
    text: str,
    items: list[ParsedActionItem] | None = None,
    labels: tuple[str, str] = ("on the site", "new notes"),
    people: PeopleIndex | None = None,
) -> MeetingChanges:
    """What saving `text` (parsed, with `items` when corrected) over `meeting` would change.

    `people`: an import run's index of people, so a folder does not load everyone per file."""
    changes = MeetingChanges(meeting=meeting)
    if meeting.title != title:
        changes.title = (meeting.title, title)
    before = sorted(meeting.attendees.values_list("name", flat=True))
    names = list(dict.fromkeys([*parsed.attendees, *parsed.speakers]))
    found = match_people(names, people=people, series=meeting.series)
    after = sorted({found[name].name if found.get(name) else name for name in names})
    changes.attendees_added, changes.attendees_removed = _difference(before, after)
    stored_topics = list(meeting.topics.order_by("order").values_list("title", flat=True))
    new_topics = [(t.title[:300] or f"Topic {n}") for n, t in enumerate(parsed.topics, start=1)]
    changes.topics_added, changes.topics_removed = _difference(stored_topics, new_topics)
    stored_items = [
        _item(o, t) for o, t in meeting.action_items.order_by("pk").values_list("owner_name", "text")
    ]
    chosen = parsed.action_items if items is None else items
    new_items = [_item(i.owner or "", i.text) for i in chosen if (i.text or "").strip()]
    changes.items_added, changes.items_removed = _difference(stored_items, new_items)
    changes.notes_diff = notes_diff(meeting.source_text, text, labels)
    return changes


def notes_diff(before: str, after: str, labels: tuple[str, str]) -> list[str]:
    """A unified diff of two notes, two lines of context."""
    return list(
        difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            fromfile=labels[0],
            tofile=labels[1],
            lineterm="",
            n=DIFF_CONTEXT,
        )
    )


def _item(owner: str, text: str) -> str:
    return f"{owner.strip() or 'Unassigned'}: {text.strip()}"


def _difference(before: list[str], after: list[str]) -> tuple[list[str], list[str]]:
    """(added, removed), in their order, counting repeats."""
    added = Counter(after) - Counter(before)
    removed = Counter(before) - Counter(after)
    return _take(after, added), _take(before, removed)


def _take(values: list[str], wanted: Counter[str]) -> list[str]:
    taken = []
    for value in values:
        if wanted[value] > 0:
            wanted[value] -= 1
            taken.append(value)
    return taken


def _kind(line: str) -> str:
    if line.startswith(("+++", "---")):
        return "file"
    if line.startswith("@@"):
        return "hunk"
    return {"+": "add", "-": "del"}.get(line[:1], "same")


__all__ = ["MeetingChanges", "meeting_changes", "notes_diff"]
