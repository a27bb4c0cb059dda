"""What a person corrected in the notes preview, and applying it to a parse: Corrections, apply_corrections.

The parser guesses; a person sets it right in the preview: who a name is (or that it is not a
person), who said a remark, which topics there are, which action items are real. Those choices are
kept as a small JSON value on the meeting (Meeting.corrections) and applied again to every later
parse of its notes (an edit, a re-import), so a re-import never overwrites what a person corrected.

A correction names what it corrects by an anchor taken from the parse: the line it was found on
and a short hash of its text (`r14-3fa2c1` for a remark, `t3-…` a topic, `a40-…` an action item).
Lines added above it move it, and it is still found by its text; a correction whose text is gone
no longer applies and is reported, never applied to something else. Pure: no database here.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from decisions.meetings.parsing import ParsedActionItem, ParsedMeeting, ParsedRemark, ParsedTopic
from decisions.people.names import name_key

# A name as written maps to one of these.
AS_PERSON = "person"  # an existing person, by slug
AS_NEW = "new"  # a new person, with the display name given
AS_NONE = "none"  # not a person: a word the parser took for a name

# How an action item was found, beside the parser's: added by a person in the preview.
FOUND_ADDED = "added"

TOPIC_OPS = {"drop", "merge", "split"}
ITEM_STATES = {"accepted", "dismissed"}
MAX_ENTRIES = 2000  # far past what a person clicks in one preview; bounds a tampered value
MAX_TEXT = 2000


class CorrectionsError(ValueError):
    """A corrections value that cannot be read (malformed or tampered with)."""


def _short(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8", "replace")).hexdigest()[:6]


def remark_anchor(remark: ParsedRemark) -> str:
    return f"r{remark.line}-{_short(remark.text)}"


def topic_anchor(topic: ParsedTopic) -> str:
    return f"t{topic.line}-{_short(topic.title)}"


def item_anchor(item: ParsedActionItem) -> str:
    return f"a{item.line}-{_short(item.text)}"


def quote(text: str | None, size: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


@dataclass
class Corrections:
    """Everything corrected in a preview; `to_json()` / `from_json()` carry it in a form and a JSONField.

    names: label as written -> {"as": "person", "slug": …} | {"as": "new", "name": …} | {"as": "none"}
    speakers: remark anchor -> {"to": label or None (the note-taker), "quote": …}
    topics: structure changes in the order made: {"op": "drop"|"merge", "topic": anchor,
      "into": anchor (merge), "quote": …} or {"op": "split", "remark": anchor, "title": …, "quote": …};
      a topic made by a split is anchored "s" + the remark's anchor.
    titles: topic anchor -> new title
    items: item anchor -> {"state": "accepted"|"dismissed" (optional), "owner", "text", "due", "done"
      (each optional: the edited values), "quote": …}
    added: action items a person added: {"owner", "text", "due", "done"}
    """

    names: dict[str, dict[str, str]] = field(default_factory=dict)
    speakers: dict[str, dict[str, Any]] = field(default_factory=dict)
    topics: list[dict[str, str]] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any([self.names, self.speakers, self.topics, self.titles, self.items, self.added])

    def as_dict(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in {
                "names": self.names,
                "speakers": self.speakers,
                "topics": self.topics,
                "titles": self.titles,
                "items": self.items,
                "added": self.added,
            }.items()
            if value
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Corrections:
        if not text:
            return cls()
        try:
            value = json.loads(text)
        except ValueError as error:
            raise CorrectionsError("the corrections are not valid JSON") from error
        return cls.from_dict(value)

    @classmethod
    def from_dict(cls, value: Any) -> Corrections:
        """Read a stored or submitted value, checking every part's shape; CorrectionsError if wrong."""
        if value in (None, ""):
            return cls()
        _check(isinstance(value, dict), "the corrections are not an object")
        unknown = set(value) - {"names", "speakers", "topics", "titles", "items", "added"}
        _check(not unknown, f"unknown part “{quote(str(sorted(unknown)[0]) if unknown else '')}”")
        names = _mapping(value.get("names"), "names")
        for label, choice in names.items():
            _check(isinstance(choice, dict), f"the name “{quote(label)}” has no choice")
            kind = choice.get("as")
            _check(kind in {AS_PERSON, AS_NEW, AS_NONE}, f"the name “{quote(label)}” has no valid choice")
            if kind == AS_PERSON:
                _check(_text(choice.get("slug")), f"the name “{quote(label)}” names no person")
            if kind == AS_NEW:
                _check(_text(choice.get("name")), f"the new person for “{quote(label)}” has no name")
        speakers = _mapping(value.get("speakers"), "speakers")
        for entry in speakers.values():
            _check(isinstance(entry, dict) and "to" in entry, "a speaker correction names no speaker")
            _check(entry["to"] is None or _text(entry["to"]), "a speaker correction names no speaker")
        topics = value.get("topics") or []
        _check(isinstance(topics, list) and len(topics) <= MAX_ENTRIES, "the topic changes are not a list")
        for op in topics:
            _check(isinstance(op, dict) and op.get("op") in TOPIC_OPS, "a topic change is not one")
            keys = {"drop": ["topic"], "merge": ["topic", "into"], "split": ["remark", "title"]}[op["op"]]
            _check(all(_text(op.get(k)) for k in keys), f"a topic {op['op']} lacks {', '.join(keys)}")
        titles = _mapping(value.get("titles"), "titles")
        _check(all(_text(t) for t in titles.values()), "a topic title is empty")
        items = _mapping(value.get("items"), "items")
        for entry in items.values():
            _check(isinstance(entry, dict), "an action item correction is not one")
            _check(entry.get("state") in (None, *ITEM_STATES), "an action item has an unknown state")
            _check_item_fields(entry)
        added = value.get("added") or []
        _check(isinstance(added, list) and len(added) <= MAX_ENTRIES, "the added action items are not a list")
        for entry in added:
            _check(isinstance(entry, dict) and _text(entry.get("text")), "an added action item has no text")
            _check_item_fields(entry)
        return cls(names, speakers, topics, titles, items, added)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise CorrectionsError(message)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_TEXT


def _mapping(value: Any, what: str) -> dict:
    value = value or {}
    _check(isinstance(value, dict) and len(value) <= MAX_ENTRIES, f"the {what} are not an object")
    _check(all(isinstance(k, str) and len(k) <= MAX_TEXT for k in value), f"the {what} have a bad key")
    return value


def _check_item_fields(entry: dict) -> None:
    for key in ("owner", "text", "quote"):
        _check(entry.get(key) is None or isinstance(entry[key], str), f"an action item's {key} is not text")
        _check(len(entry.get(key) or "") <= MAX_TEXT, f"an action item's {key} is too long")
    _check(entry.get("done") in (None, True, False), "an action item's done is not true or false")
    if entry.get("due"):
        try:
            datetime.date.fromisoformat(entry["due"])
        except (TypeError, ValueError) as error:
            raise CorrectionsError("an action item's due date is not a date") from error


# Finding what an anchor names ---------------------------------------------------------------------


class _Anchored:
    """Things by anchor: the exact anchor, else the only one with the same text (its line moved)."""

    def __init__(self, pairs: Iterable[tuple[str, Any]]) -> None:
        self.exact: dict[str, Any] = {}
        self.by_text: dict[str, list[Any]] = {}
        for anchor, thing in pairs:
            self.exact.setdefault(anchor, thing)
            self.by_text.setdefault(anchor.split("-", 1)[-1], []).append(thing)

    def get(self, anchor: str) -> Any:
        if anchor in self.exact:
            return self.exact[anchor]
        same = self.by_text.get(anchor.split("-", 1)[-1], [])
        return same[0] if len(same) == 1 else None


@dataclass
class ItemRow:
    """One action item as the preview shows it: saved or not, and why."""

    anchor: str
    item: ParsedActionItem
    state: str  # "found", "suggested", "accepted", "dismissed", "added"
    saved: bool
    edited: bool = False

    @property
    def suggested(self) -> bool:
        return self.item.suggested


def item_rows(parsed: ParsedMeeting, corrections: Corrections) -> tuple[list[ItemRow], list[str]]:
    """Every action item of a (structure-corrected) parse with its state, edits applied, then those
    added; and what no longer applies. Found items are saved unless dismissed; suggestions only
    once accepted."""
    rows, notes = [], []
    candidates = _candidates(parsed)
    anchored = _Anchored((item_anchor(i), i) for i in candidates)
    claimed: dict[int, tuple[str, dict]] = {}
    for anchor, entry in corrections.items.items():
        item = anchored.get(anchor)
        if item is None:
            notes.append(
                f"The action item “{quote(entry.get('quote') or anchor)}” is no longer in the notes."
            )
        else:
            claimed[id(item)] = (anchor, entry)
    for item in candidates:
        anchor, entry = claimed.get(id(item), (item_anchor(item), {}))
        edited = _edit_item(item, entry)
        state = entry.get("state") or ("suggested" if item.suggested else "found")
        saved = state == "accepted" or (state == "found")
        rows.append(ItemRow(anchor, item, state, saved, edited))
    for number, entry in enumerate(corrections.added, start=1):
        item = ParsedActionItem(owner=None, text="", found=FOUND_ADDED)
        _edit_item(item, entry)
        rows.append(ItemRow(f"n{number}", item, "added", True))
    return rows, notes


def _candidates(parsed: ParsedMeeting) -> list[ParsedActionItem]:
    """The items a person decides on: those the parser saves and its suggestions, in notes order."""
    return sorted([*parsed.action_items, *parsed.suggested_items], key=lambda i: i.line)


def _edit_item(item: ParsedActionItem, entry: dict) -> bool:
    edited = False
    if "owner" in entry:
        item.owner, edited = (entry["owner"] or "").strip() or None, True
    if entry.get("text"):
        item.text, edited = entry["text"].strip(), True
    if "due" in entry:
        item.due, edited = datetime.date.fromisoformat(entry["due"]) if entry["due"] else None, True
    if "done" in entry:
        item.done, edited = bool(entry["done"]), True
    return edited


# Applying ---------------------------------------------------------------------------------------


@dataclass
class Corrected:
    """A parse with corrections applied, every action item's row, and what no longer applies."""

    parsed: ParsedMeeting
    rows: list[ItemRow]
    notes: list[str]


def correct(parsed: ParsedMeeting, corrections: Corrections) -> Corrected:
    """apply_corrections() with the rows of every action item, saved or not, for the preview."""
    result = copy.deepcopy(parsed)
    notes: list[str] = []
    notes += _apply_names(result, corrections)
    notes += _apply_speakers(result, corrections)
    notes += _apply_topics(result, corrections)
    rows, item_notes = item_rows(result, corrections)
    notes += item_notes
    saved = {id(row.item) for row in rows if row.saved}
    for topic in result.topics:
        # An accepted suggestion is saved under the topic it was said in.
        offered = sorted([*topic.action_items, *topic.suggested_items], key=lambda i: i.line)
        topic.action_items = [i for i in offered if id(i) in saved]
        topic.suggested_items = [i for i in offered if id(i) not in saved and i.suggested]
    result.action_items = [row.item for row in rows if row.saved]
    result.suggested_items = [row.item for row in rows if row.state == "suggested"]
    return Corrected(result, rows, notes)


def apply_corrections(parsed: ParsedMeeting, corrections: Corrections) -> tuple[ParsedMeeting, list[str]]:
    """The parse as the person corrected it (a copy: `parsed` is not changed), and, said for a
    person, each correction that no longer applies to these notes.

    Only the action items to save remain in the result (suggestions not accepted, dismissed items
    are left out); correct() also gives them all, for the preview.
    """
    corrected = correct(parsed, corrections)
    return corrected.parsed, corrected.notes


def _apply_names(parsed: ParsedMeeting, corrections: Corrections) -> list[str]:
    """Labels that are not people leave the attendees and the speakers (their remarks are the note-taker's)."""
    notes = []
    remarks = [r for t in parsed.topics for r in t.remarks]
    present = {name_key(n) for n in [*parsed.attendees, *(r.speaker for r in remarks if r.speaker)]}
    present |= {name_key(i.owner) for i in _candidates(parsed) if i.owner}
    for label, choice in corrections.names.items():
        key = name_key(label)
        if key not in present:
            notes.append(f"“{quote(label)}” is no longer named in the notes.")
            continue
        if choice["as"] != AS_NONE:
            continue  # who a name is, is the database's part: saving's resolver reads it
        parsed.attendees = [a for a in parsed.attendees if name_key(a) != key]
        for remark in remarks:
            if remark.speaker and name_key(remark.speaker) == key:
                remark.speaker = None
        for topic in parsed.topics:
            topic.attendees = parsed.attendees
        parsed.aliases = {k: v for k, v in parsed.aliases.items() if name_key(k) != key}
    return notes


def _apply_speakers(parsed: ParsedMeeting, corrections: Corrections) -> list[str]:
    notes = []
    anchored = _Anchored((remark_anchor(r), r) for t in parsed.topics for r in t.remarks)
    for anchor, entry in corrections.speakers.items():
        remark = anchored.get(anchor)
        if remark is None:
            notes.append(
                f"Who said “{quote(entry.get('quote') or anchor)}” was not set again: "
                "the remark is no longer in the notes."
            )
        else:
            remark.speaker = entry["to"]
    return notes


def _apply_topics(parsed: ParsedMeeting, corrections: Corrections) -> list[str]:
    notes = []
    topics = parsed.topics
    for op in corrections.topics:
        anchors = _Anchored(_topic_anchors(topics))
        what = quote(op.get("quote") or op.get("title") or op.get("topic") or op.get("remark"))
        if op["op"] == "split":
            done = _split(topics, op)
        else:
            topic = anchors.get(op["topic"])
            into = anchors.get(op["into"]) if op["op"] == "merge" else None
            done = topic is not None and (op["op"] == "drop" or (into is not None and into is not topic))
            if done and op["op"] == "merge":
                _merge(topic, into)
            if done:
                topics.remove(topic)
        if not done:
            notes.append(f"The topic change “{op['op']} {what}” no longer applies to the notes.")
    anchors = _Anchored(_topic_anchors(topics))
    for anchor, title in corrections.titles.items():
        topic = anchors.get(anchor)
        if topic is None:
            notes.append(f"The topic renamed “{quote(title)}” is no longer in the notes.")
        else:
            topic.title = title.strip()[:300]
    return notes


def _topic_anchors(topics: list[ParsedTopic]) -> list[tuple[str, ParsedTopic]]:
    return [(getattr(t, "split_anchor", None) or topic_anchor(t), t) for t in topics]


def _merge(topic: ParsedTopic, into: ParsedTopic) -> None:
    into.remarks += topic.remarks
    into.action_items += topic.action_items
    into.links += [link for link in topic.links if link.url not in {x.url for x in into.links}]
    into.rfc_mentions = list(dict.fromkeys([*into.rfc_mentions, *topic.rfc_mentions]))
    into.decision_mentions = list(dict.fromkeys([*into.decision_mentions, *topic.decision_mentions]))
    into.body = "\n\n".join(part for part in (into.body, topic.body) if part)
    into.end_line = max(into.end_line, topic.end_line)


def _split(topics: list[ParsedTopic], op: dict[str, str]) -> bool:
    """A new topic from the remark on, after the one it was in; False when the remark is gone or
    already opens its topic."""
    for index, topic in enumerate(topics):
        anchored = _Anchored((remark_anchor(r), n) for n, r in enumerate(topic.remarks))
        at = anchored.get(op["remark"])
        if at is None:
            continue
        if at == 0:
            return False
        first = topic.remarks[at]
        new = ParsedTopic(
            title=op["title"].strip()[:300],
            remarks=topic.remarks[at:],
            action_items=[i for i in topic.action_items if i.line >= first.line],
            line=first.line,
            end_line=topic.end_line,
            attendees=topic.attendees,
        )
        new.split_anchor = "s" + op["remark"]  # so a later rename or merge can name it
        topic.remarks = topic.remarks[:at]
        topic.action_items = [i for i in topic.action_items if i.line < first.line]
        topic.end_line = first.line - 1
        topics.insert(index + 1, new)
        return True
    return False


def topic_anchor_of(topic: ParsedTopic) -> str:
    """The anchor a correction names this topic by (a split topic's is its first remark's)."""
    return getattr(topic, "split_anchor", None) or topic_anchor(topic)


__all__ = [
    "AS_NEW",
    "AS_NONE",
    "AS_PERSON",
    "Corrected",
    "Corrections",
    "CorrectionsError",
    "ItemRow",
    "apply_corrections",
    "correct",
    "item_anchor",
    "item_rows",
    "remark_anchor",
    "topic_anchor",
    "topic_anchor_of",
]
