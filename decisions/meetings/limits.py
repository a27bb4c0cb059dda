"""What one meeting may hold, and the checks that refuse notes past it (before and after the parse)."""

from __future__ import annotations

import re

from decisions.meetings.parsing import ParsedMeeting

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
