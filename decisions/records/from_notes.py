"""A decision record opened from a decision found in notes: the link the preview offers, the
new-record form's prefill it carries, and what creating the record adds (options, contributors,
the meeting).

The suggestion (decisions.meetings.parsing.decided) travels as a plain GET link, so it works
without JavaScript and from a preview whose notes are not saved yet: the question, each option,
each contributor who is a person on the site (by the same name resolution the preview shows), the
context (the sentence quoted as the notes attribute it: a sentence the notes give to nobody is
quoted under no name) and the meeting, when it exists. Nothing is written until the person
submits the form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from decisions.meetings.parsing.decided import SuggestedDecision
from decisions.models import Decision, DecisionMeeting, DecisionOwner, Meeting, Option, OwnerRole, Person

MAX_OPTIONS = 20
MAX_CONTRIBUTORS = 30
MAX_CONTEXT = 4000


def context_from_notes(
    suggestion: SuggestedDecision,
    *,
    said_by: str | None,
    spoke: Iterable[str] = (),
    where: str = "",
) -> str:
    """The record's context: where in the notes, the sentence quoted with the attribution the
    notes give it (none when they give it to no one), and who spoke on the topic."""
    origin = f"From the notes of {where}" if where else "From meeting notes"
    topic = f", “{suggestion.topic}”" if suggestion.topic else ""
    line = f" (line {suggestion.line})" if suggestion.line else ""
    lines = [f"{origin}{topic}{line}:", ""]
    quote = f"**{said_by}**: {suggestion.sentence}" if said_by else suggestion.sentence
    lines.append(f"> {quote}")
    if not said_by:
        lines.append(">\n> _(the notes give these words to no one)_")
    spoke = list(dict.fromkeys(spoke))
    if spoke:
        lines += ["", f"Spoke on this topic in the notes: {', '.join(spoke)}."]
    return "\n".join(lines)[:MAX_CONTEXT] + "\n"


def suggestion_url(
    suggestion: SuggestedDecision,
    people: dict[str, Person | None],
    *,
    where: str = "",
    meeting: Meeting | None = None,
    topic_pk: int | None = None,
) -> str:
    """The new-decision form's address, prefilled with this suggestion. `people` is who each name
    in the notes is (the preview's resolution); only people already on the site are prefilled as
    contributors, the others are named in the context."""
    speaker = people.get(suggestion.speaker) if suggestion.speaker else None
    said_by = (speaker.name if speaker else suggestion.speaker) or None
    persons = [people.get(name) for name in suggestion.contributors]
    spoke = [p.name if p else name for p, name in zip(persons, suggestion.contributors, strict=True)]
    query: list[tuple[str, Any]] = [("question", suggestion.question)]
    query += [("option", option) for option in suggestion.options[:MAX_OPTIONS]]
    ids = list(dict.fromkeys(p.pk for p in persons if p is not None and p.pk))
    query += [("contributor", pk) for pk in ids[:MAX_CONTRIBUTORS]]
    query.append(("context", context_from_notes(suggestion, said_by=said_by, spoke=spoke, where=where)))
    if topic_pk:
        query.append(("topic", topic_pk))
    elif meeting is not None and meeting.pk:
        query.append(("meeting", meeting.pk))
    return f"{reverse('decisions:decision-new')}?{urlencode(query)}"


def initial_from(query: QueryDict) -> dict[str, Any]:
    """The new-record form's initial values from a suggestion's link (bad values simply dropped)."""
    initial: dict[str, Any] = {}
    if question := (query.get("question") or "").strip():
        initial["title"] = question[:300]
    if context := query.get("context") or "":
        initial["context"] = context[:MAX_CONTEXT]
    options = [o.strip()[:200] for o in query.getlist("option") if o.strip()]
    if options:
        initial["options"] = "\n".join(dict.fromkeys(options[:MAX_OPTIONS]))
    ids = [int(v) for v in query.getlist("contributor") if v.isdigit()][:MAX_CONTRIBUTORS]
    if ids:
        initial["contributors"] = ids
    if (meeting := query.get("meeting") or "").isdigit():
        initial["meeting"] = int(meeting)
    return initial


def option_names(text: str) -> list[str]:
    """The options typed one a line, each once (names are unique within a record, in any case)."""
    names: dict[str, str] = {}
    for line in (text or "").splitlines():
        name = " ".join(line.strip(" -*\t").split())[:200]
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())[:MAX_OPTIONS]


def add_from_notes(
    decision: Decision,
    *,
    options: list[str],
    contributors: Iterable[Person],
    meeting: Meeting | None,
    creator: Person | None,
) -> None:
    """Inside the creating transaction: the options, the contributors (besides the creator's own
    role) and the meeting the record was opened from."""
    Option.objects.bulk_create(
        [Option(decision=decision, name=name, order=index) for index, name in enumerate(options)]
    )
    DecisionOwner.objects.bulk_create(
        [
            DecisionOwner(decision=decision, person=person, role=OwnerRole.CONTRIBUTOR, order=index + 1)
            for index, person in enumerate(contributors)
            if creator is None or person.pk != creator.pk
        ],
        ignore_conflicts=True,
    )
    if meeting is not None:
        DecisionMeeting.objects.get_or_create(decision=decision, meeting=meeting, topic=None)
