"""The decisions found in notes as the preview shows them: each suggestion with the people it names
and the link that opens a prefilled decision record (decisions.records.from_notes)."""

from __future__ import annotations

import datetime
from html import unescape
from typing import Any

from django.utils.html import strip_tags

from decisions.meetings.parsing import ParsedMeeting
from decisions.meetings.parsing.decided import CALLS, find_decisions, find_in_topic
from decisions.meetings.parsing.results import ParsedRemark, ParsedTopic
from decisions.models import Meeting, Person
from decisions.records.from_notes import suggestion_url

KIND_LABELS = {CALLS: "Calls for a decision"}


def decision_rows(
    parsed: ParsedMeeting,
    people: dict[str, Person | None],
    *,
    series: str = "",
    date: datetime.date | None = None,
    meeting: Meeting | None = None,
) -> list[dict[str, Any]]:
    """One row per suggestion: what the preview says of it and where its button leads. `people` is
    who each name in the notes is, as the preview resolved them (a new person has no pk yet)."""
    where = " of ".join(filter(None, [series, date.isoformat() if date else ""]))
    rows = []
    for suggestion in find_decisions(parsed):
        rows.append(
            {
                "suggestion": suggestion,
                "kind": KIND_LABELS.get(suggestion.kind, "Records a decision"),
                "percent": round(suggestion.confidence * 100),
                "speaker": _name(suggestion.speaker, people),
                "people": [(people.get(name), name) for name in suggestion.contributors],
                "url": suggestion_url(suggestion, people, where=where, meeting=meeting),
            }
        )
    return rows


def people_of(names: list[Any]) -> dict[str, Person | None]:
    """The preview's name rows (decisions.meetings.correcting.NameRow) as label -> person."""
    return {row.label: row.person for row in names}


def _name(label: str | None, people: dict[str, Person | None]) -> str | None:
    person = people.get(label) if label else None
    return person.name if person else label


def mark_saved_topics(meeting: Meeting, topics: list[Any]) -> list[Any]:
    """The saved meeting page's topics, each holding `found_decision` (a row as above, linking the
    record to the topic) when its remarks record or call for a decision. Read from the saved
    remarks (their rendered text, which the page already loads) and their people, so it costs no
    query and no parse of the whole notes."""
    where = f"{meeting.series.name} of {meeting.date.isoformat()}"
    for topic in topics:
        remarks = [
            ParsedRemark(
                speaker=(r.speaker.name if r.speaker_id else r.speaker_name) or None,
                text=unescape(strip_tags(r.text_html)).strip(),  # the page loads the rendered text only
                depth=r.depth,
            )
            for r in getattr(topic, "remark_list", [])
        ]
        parsed_topic = ParsedTopic(title=topic.title, remarks=remarks)
        found = find_in_topic(parsed_topic)
        if found is None:
            topic.found_decision = None
            continue
        people = {r.speaker.name: r.speaker for r in topic.remark_list if r.speaker_id}
        topic.found_decision = {
            "suggestion": found,
            "kind": KIND_LABELS.get(found.kind, "Records a decision"),
            "url": suggestion_url(found, people, where=where, topic_pk=topic.pk),
        }
    return topics
