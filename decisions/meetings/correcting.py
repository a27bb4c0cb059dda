"""The preview's correction controls: what was posted -> Corrections, and what the preview shows.

Each control is a plain form field or a submit button (`name="op"`), so the preview works without
JavaScript; with htmx the same post swaps only the preview. Fields carry the value they showed
(`…-was`), so only what a person changed becomes a correction: a field left alone never turns a
guess into a correction that would outlive the next edit of the notes.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from decisions.meetings.corrections import (
    AS_NEW,
    AS_NONE,
    AS_PERSON,
    Corrected,
    Corrections,
    correct,
    quote,
    remark_anchor,
    topic_anchor_of,
)
from decisions.meetings.limits import MAX_ACTION_ITEMS
from decisions.meetings.parsing import ParsedMeeting
from decisions.meetings.resolving import people_for
from decisions.models import MeetingSeries, Person
from decisions.people.names import name_key, name_tokens
from decisions.text import strip_controls

MAX_DEPTH_SHOWN = 5  # deeper remarks are indented as the fifth level


def _value(post: QueryDict, name: str) -> str:
    return strip_controls(post.get(name) or "").strip()


def read_controls(post: QueryDict, parsed: ParsedMeeting, corrections: Corrections) -> Corrections:
    """The corrections with what the posted fields changed and the button pressed (`op`) applied.

    `parsed` is the parse the corrections apply to, for the anchors of what the buttons name.
    """
    corrected = correct(parsed, corrections)
    _read_names(post, corrections)
    _read_speakers(post, corrected.parsed, corrections)
    _read_titles(post, corrected.parsed, corrections)
    _read_items(post, corrected, corrections)
    op, _, target = (post.get("op") or "").partition(":")
    if op in {"drop", "merge"}:
        topic = next((t for t in corrected.parsed.topics if topic_anchor_of(t) == target), None)
        into = _value(post, f"into-{target}")
        if topic is not None and (op == "drop" or into):
            change = {"op": op, "topic": target, "quote": quote(topic.title)}
            corrections.topics.append({**change, "into": into} if op == "merge" else change)
    elif op == "split":
        remark = next(
            (r for t in corrected.parsed.topics for r in t.remarks if remark_anchor(r) == target), None
        )
        if remark is not None:
            corrections.topics.append(
                {"op": "split", "remark": target, "title": quote(remark.text), "quote": quote(remark.text)}
            )
    elif op in {"accept", "dismiss", "restore"}:
        _item_state(corrections, corrected, op, target)
    if op == "add" or post.get("action") == "save":
        _read_new_item(post, corrections)
    return corrections


def _read_names(post: QueryDict, corrections: Corrections) -> None:
    count = post.get("names") or ""
    for index in range(min(int(count), 1000) if count.isdigit() else 0):
        label, choice = _value(post, f"name-{index}-label"), post.get(f"name-{index}")
        named = _value(post, f"name-{index}-named")[:200]
        renamed = choice == AS_NEW and named != _value(post, f"name-{index}-named-was")
        if not label or choice is None or (choice == post.get(f"name-{index}-was") and not renamed):
            continue
        if choice == AS_NEW:
            corrections.names[label] = {"as": AS_NEW, "name": named or label}
        elif choice == AS_NONE:
            corrections.names[label] = {"as": AS_NONE}
        elif choice.startswith("p:") and len(choice) > 2:
            corrections.names[label] = {"as": AS_PERSON, "slug": choice[2:]}
        else:
            corrections.names.pop(label, None)  # back to whoever the notes' name matches


def _read_speakers(post: QueryDict, parsed: ParsedMeeting, corrections: Corrections) -> None:
    for topic in parsed.topics:
        for remark in topic.remarks:
            anchor = remark_anchor(remark)
            name = f"speaker-{anchor}"
            if name in post and post.get(name) != post.get(f"{name}-was"):
                to = _value(post, name)[:200] or None
                corrections.speakers[anchor] = {"to": to, "quote": quote(remark.text)}


def _read_titles(post: QueryDict, parsed: ParsedMeeting, corrections: Corrections) -> None:
    for topic in parsed.topics:
        anchor = topic_anchor_of(topic)
        title = _value(post, f"title-{anchor}")[:300]
        if title and f"title-{anchor}" in post and title != _value(post, f"title-{anchor}-was"):
            corrections.titles[anchor] = title


def _read_items(post: QueryDict, corrected: Corrected, corrections: Corrections) -> None:
    for row in corrected.rows:
        prefix = f"item-{row.anchor}"
        if f"{prefix}-was" not in post:
            continue
        try:
            was = json.loads(post[f"{prefix}-was"])
        except ValueError:
            continue
        now = {
            "owner": _value(post, f"{prefix}-owner")[:200],
            "text": _value(post, f"{prefix}-text")[:1000],
            "due": _date(post.get(f"{prefix}-due")),
            "done": post.get(f"{prefix}-done") == "on",
        }
        changed = {key: value for key, value in now.items() if was.get(key) != value}
        if not now["text"]:
            changed.pop("text", None)  # an emptied text keeps the item's: dismiss it to drop it
        if not changed:
            continue
        if row.anchor.startswith("n"):
            corrections.added[int(row.anchor[1:]) - 1].update(changed)
        else:
            entry = corrections.items.setdefault(row.anchor, {"quote": quote(row.item.text)})
            entry.update(changed)


def _date(value: str | None) -> str | None:
    try:
        return datetime.date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def _item_state(corrections: Corrections, corrected: Corrected, op: str, anchor: str) -> None:
    if anchor.startswith("n") and anchor[1:].isdigit():
        if op == "dismiss" and 0 < int(anchor[1:]) <= len(corrections.added):
            del corrections.added[int(anchor[1:]) - 1]  # an added item is simply taken away
        return
    row = next((r for r in corrected.rows if r.anchor == anchor), None)
    if row is None:
        return
    entry = corrections.items.setdefault(anchor, {"quote": quote(row.item.text)})
    if op == "restore":
        entry.pop("state", None)
    else:
        entry["state"] = "accepted" if op == "accept" else "dismissed"


def _read_new_item(post: QueryDict, corrections: Corrections) -> None:
    text = _value(post, "new-item-text")[:1000]
    if text and len(corrections.added) < MAX_ACTION_ITEMS:
        corrections.added.append(
            {
                "owner": _value(post, "new-item-owner")[:200],
                "text": text,
                "due": _date(post.get("new-item-due")),
                "done": False,
            }
        )


# What the preview shows -------------------------------------------------------------------------


@dataclass
class NameRow:
    label: str
    person: Person | None
    choice: str  # "" (as matched), "new", "none" or "p:<slug>"
    named: str  # the name of the person to create (or find) for "new"
    options: list[tuple[str, str]]
    by_first_name: bool  # matched on a first name only: the guess most worth checking


def preview(parsed: ParsedMeeting, corrections: Corrections, series: MeetingSeries | None) -> dict[str, Any]:
    """The context of the correcting preview, built from the same corrected parse and the same
    people resolution that saving uses, so what it shows is what is saved."""
    corrected = correct(parsed, corrections)
    resolved, attendees = people_for(corrected.parsed, series=series, names=corrections.names)
    labels = list(
        dict.fromkeys([*parsed.attendees, *parsed.speakers, *corrections.names, *corrected.parsed.speakers])
    )
    names = [_name_row(label, resolved, corrections) for label in labels]
    speaker_choices = [row.label for row in names if row.choice != AS_NONE]
    topics = corrected.parsed.topics
    return {
        "corrected": corrected.parsed,
        "attendees": attendees,
        "names": names,
        "speaker_choices": speaker_choices,
        "topics": [
            {
                "anchor": topic_anchor_of(topic),
                "topic": topic,
                "others": [(topic_anchor_of(t), t.title) for t in topics if t is not topic],
                "remarks": [
                    {
                        "anchor": remark_anchor(r),
                        "remark": r,
                        "depth": min(r.depth, MAX_DEPTH_SHOWN),
                        "person": resolved.get(r.speaker) if r.speaker else None,
                        "quote": quote(r.text, 200),
                    }
                    for r in topic.remarks
                ],
            }
            for topic in topics
        ],
        "item_rows": [_item_row(row, resolved) for row in corrected.rows],
        "stale_corrections": corrected.notes,
        "corrections_json": corrections.to_json(),
    }


def _name_row(label: str, resolved: dict[str, Person | None], corrections: Corrections) -> NameRow:
    choice = corrections.names.get(label) or {}
    person = resolved.get(label)
    value = {AS_NEW: AS_NEW, AS_NONE: AS_NONE}.get(choice.get("as"), "")
    if choice.get("as") == AS_PERSON:
        value = f"p:{choice['slug']}"
    options = [("", f"As matched: {_said(person)}" if not choice else "As the notes’ name matches")]
    candidates = Person.objects.none()
    tokens = name_tokens(label)
    if tokens:
        candidates = Person.objects.filter(name__istartswith=tokens[0]).order_by("name")[:20]
    for other in candidates:
        options.append((f"p:{other.slug}", other.name))
    if person is not None and person.pk and f"p:{person.slug}" not in dict(options):
        options.append((f"p:{person.slug}", person.name))
    options += [(AS_NEW, "Someone else, named…"), (AS_NONE, "Not a person")]
    by_first = (
        person is not None and len(tokens) == 1 and name_key(label) != name_key(person.name) and not choice
    )
    return NameRow(label, person, value, choice.get("name") or label, options, by_first)


def _said(person: Person | None) -> str:
    if person is None:
        return "nobody"
    return person.name if person.pk else f"{person.name} (new person)"


def _item_row(row: Any, resolved: dict[str, Person | None]) -> dict[str, Any]:
    item = row.item
    shown = {
        "owner": item.owner or "",
        "text": item.text,
        "due": item.due.isoformat() if item.due else None,
        "done": item.done,
    }
    return {
        "anchor": row.anchor,
        "row": row,
        "item": item,
        "owner": resolved.get(item.owner) if item.owner else None,
        "was": json.dumps(shown, ensure_ascii=False),
        "confidence": round(item.confidence * 100),
    }


__all__ = ["NameRow", "preview", "read_controls"]
