"""Meeting notes as people really write them -> a ParsedMeeting: `parse_meeting` and what it returns.

Notes arrive in many shapes: a title or none, the date in the title, in a `**Date:**` line or only
in the file name, attendees as bullets, bare lines, tables or one comma-separated line, topics as
headings or as top-level bullets, and speakers written `Name: text`, `**Name**: text`,
`- [Name] text`, `(nf) text`, `Name - text`... markdown-it-py splits the text into blocks
(blocks.py, so code fences, tables, HTML and block quotes are never mistaken for remarks), then
four passes read it, each a mixin of the Reader (reader.py):

1. structure (sections.py, people.py): the title, the sections (agenda, attendees, notes, action
   items, links), the topics (headings, top-level bullets with sub-bullets, bracketed
   `[Name] - Topic` items), and on the way the attendees and the date, which tell the next pass
   who can be a speaker;
2. speaker labels (labels.py): a label must look like a short name and, when it could also be an
   ordinary phrase (`Target Audience:`), be backed by the attendee list or by being used twice;
3. agenda items the discussion was written under become topics (sections.py);
4. remarks (remarks.py), action items (actions.py; promises in prose in commitments.py, the group's
   tasks with no owner in group_tasks.py), links and RFC / decision mentions, topic by
   topic.

Decisions the notes record or call for are found afterwards, from the ParsedMeeting (decided.py,
with the options of a topic's discussion in options.py): `find_decisions(parsed)`.

Everything here is pure: no database access, so the preview, the commands and the tests agree.
The words the passes know are in words.py; names compare as decisions.people.names says.
"""

from __future__ import annotations

from decisions.meetings.parsing.reader import parse_meeting
from decisions.meetings.parsing.results import (
    MeetingParseError,
    ParsedActionItem,
    ParsedLink,
    ParsedMeeting,
    ParsedRemark,
    ParsedTopic,
)

__all__ = [
    "MeetingParseError",
    "ParsedActionItem",
    "ParsedLink",
    "ParsedMeeting",
    "ParsedRemark",
    "ParsedTopic",
    "parse_meeting",
]
