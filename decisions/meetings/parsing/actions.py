"""Action items: explicit ones (`AI:`, `TODO(name)`, task boxes, action sections), commitments, owners, due dates."""

from __future__ import annotations

import datetime
import re

from decisions.formats.dates import first_date
from decisions.meetings.parsing.base import ReaderBase
from decisions.meetings.parsing.blocks import Block, strip_markup, unescape
from decisions.meetings.parsing.labels import has_common_word, is_stop, label_shape, split_label
from decisions.meetings.parsing.results import ParsedActionItem, ParsedRemark, ParsedTopic
from decisions.meetings.parsing.words import CHECKBOX_RE, PLACEHOLDER_RE
from decisions.people.names import name_key, split_names

ACTION_PREFIX_RE = re.compile(
    r"^(?:\*\*|__)?\s*(?:action[ \t]+items?|action|ai|todo|to-?do|follow[- ]?up)\b\s*"
    r"(?:\((?P<paren>[^)]{1,40})\))?\s*(?:\*\*|__)?\s*(?:[:\-–—]|\*\*|__)\s*(?:\*\*|__)?\s*(?P<rest>.*)$",
    re.I,
)
ACTION_BOLD_RE = re.compile(
    r"^(?:\*\*|__)(?:action(?:[ \t]+items?)?|ai|todo)(?:\*\*|__)\s+(?P<rest>.+)$", re.I
)
TODO_OWNER_RE = re.compile(r"\bTODO\((?P<owner>[^)]{1,40})\)\s*:?\s*(?P<rest>.*)$")
# "I'll file an issue", "so I will keep a set", "I'll be picking it up": the speaker commits.
COMMITMENT_RE = re.compile(
    r"^(?:(?:so|and|ok|okay|then|yes|yeah|sure)[,\s]+)?(?:i\s+will|i['’]ll|i\s+am\s+going\s+to|i['’]m\s+going\s+to)\s+"
    r"(?!(?:not|probably|likely|still|also|need|needs|have|depend|always|never|only|just|at|in|on|if|"
    r"when|then|for|with|from|by|as|say|note|admit|argue|guess|assume|bet|be\s+(?!\w+ing\b)\w+)\b)\w",
    re.I,
)
# "Nick: will add it", the subject left out; "will free up memory" is a consequence, not a promise.
BARE_COMMITMENT_RE = re.compile(
    r"^will\s+(?!(?:the|this|that|these|those|we|it|there|they|you|a|an|our|your|people|anyone|someone|"
    r"he|she|i|be|have|need|needs|not|probably|likely|still|also|soon|both|require|requires|become|"
    r"depend|always|never|only|just|eventually|now|free|make\s+it|help|allow|enable|break|cause|"
    r"mean|result|lead|give|get\s+(?:us|you))\b)\w",
    re.I,
)
OWNER_VERB_RE = re.compile(
    r"^(?P<owner>.{1,60}?)\s+(?:will|to|should|shall|must|needs? to|is going to|are going to|"
    r"plans? to|agreed to|offered to|volunteered to|is to)\s+\S",
)
TRAILING_OWNER_RE = re.compile(r"\((?P<owner>[^()]{1,40})\)\s*[.;]?\s*$")
DUE_RE = re.compile(
    r"\b(?:by|due(?:\s+(?:on|by))?|before|until|no later than)\s*:?\s+(?P<when>.{4,30})", re.I
)


class ActionItemsPass(ReaderBase):
    """Action items of a topic or an action-items section, and who owns each."""

    def _commitment(self, remark: ParsedRemark, topic: ParsedTopic) -> None:
        """`Alex: I'll file an issue` and `Nick: will add it` are commitments: action items."""
        first = remark.text.split("\n", 1)[0].strip()
        sentence = re.split(r"(?<=[.!?])\s", " ".join(remark.text.split()), maxsplit=1)[0]
        plain = strip_markup(first)
        committed = COMMITMENT_RE.match(plain) or BARE_COMMITMENT_RE.match(plain)
        if remark.speaker and committed and not sentence.rstrip().endswith("?"):
            topic.action_items.append(
                ParsedActionItem(owner=remark.speaker, text=sentence.strip(), line=remark.line)
            )

    def _action_line(self, line: str, number: int, task: bool | None) -> ParsedActionItem | None:
        """An explicit action item: a task-list box, `AI:`, `Action:`, `**Action**:`, `TODO(name)`."""
        text = unescape(line)
        owner: str | None = None
        match = ACTION_BOLD_RE.match(text) or ACTION_PREFIX_RE.match(text)
        todo = TODO_OWNER_RE.match(text)
        if todo and text.startswith("TODO("):
            owner, rest = todo["owner"].strip(), todo["rest"].strip()
        elif match and (task is not None or not re.match(r"(?i)^todo\s*$", text)):
            rest = match["rest"].strip()
            paren = match.groupdict().get("paren")
            if paren and label_shape(paren):
                owner = paren.strip()
        elif task is not None:
            rest = text
        else:
            return None
        if PLACEHOLDER_RE.fullmatch(strip_markup(rest)):
            return ParsedActionItem(owner=None, text="", line=number)
        if owner is None:
            owner, rest = self._owner(rest)
        return ParsedActionItem(owner=owner, text=rest, done=bool(task), line=number)

    def _owner(self, text: str) -> tuple[str | None, str]:
        """Who an action item is for: `Name: task`, `Name - task`, `Name will/to ...`, `... (Name)`."""
        label = split_label(text)
        strict = (
            label is not None and label.form == "paren" and label_shape(label.label) in {"handle", "initials"}
        )
        if label and label.rest and self._owner_name(label.label, strict=strict):
            return label.label, label.rest
        plain = strip_markup(text)
        verb = OWNER_VERB_RE.match(plain)
        subject = re.sub(r"\s*\([^)]*\)\s*$", "", verb["owner"].strip().lstrip("@")).strip() if verb else ""
        if subject and self._owner_name(subject, strict=True):
            return subject, text
        trailing = TRAILING_OWNER_RE.search(plain)
        if trailing and self._owner_name(trailing["owner"].strip(), strict=False):
            return trailing["owner"].strip(), text
        if subject and self._owner_name(subject, strict=False):
            return subject, text
        for match in re.finditer(r"\(([^()]{1,40})\)", plain):
            if self._owner_name(match[1].strip(), strict=True):
                return match[1].strip(), text  # "... (Chris) Markdown on GitHub"
        return None, text

    def _owner_name(self, name: str, *, strict: bool) -> bool:
        """A label that names people: known from these notes, or (not strict) shaped like a name."""
        shape = label_shape(name)
        if not shape or is_stop(name):
            return False
        parts = split_names(name) if shape == "list" else [name]
        if all(name_key(p) in self.known or name_key(p) in self.accepted for p in parts):
            return True
        return not strict and not any(has_common_word(p) or is_stop(p) for p in parts)

    def _action_block(
        self, block: Block, role_item: int | None, owner: str | None = None
    ) -> list[ParsedActionItem]:
        """Each line, or each top-level bullet, of an action-items section is one action item.

        `owner` comes from a `Joel:` line above a list of Joel's items.
        """
        if block.item is not None:
            if not block.first_in_item:
                return []
            if not self._is_top_action_item(block, role_item) and not CHECKBOX_RE.match(block.text.strip()):
                return []
        found: list[ParsedActionItem] = []
        previous: ParsedActionItem | None = None
        for index, raw in enumerate(block.text.split("\n")):
            number = block.line + index + 1
            line = raw.strip().rstrip("\\").strip()
            if not line:
                continue
            task = None
            if index == 0 and block.first_in_item and (box := CHECKBOX_RE.match(line)):
                task, line = box[1].lower() == "x", line[box.end() :]
            if previous is not None and (block.item is not None or _continues(previous.text, line)):
                previous.text = f"{previous.text} {line}"
                continue
            action = self._action_line(line, number, task)
            if action is None:
                who, text = self._owner(line)
                if (
                    block.item is None
                    and found
                    and who is None
                    and not OWNER_VERB_RE.match(strip_markup(line))
                ):
                    break  # the action items ended; what follows is prose ("Summary", a paragraph)
                action = ParsedActionItem(owner=who, text=text, done=bool(task), line=number)
            if not action.text or PLACEHOLDER_RE.fullmatch(strip_markup(action.text)):
                previous = None
                continue
            action.owner = action.owner or owner
            found.append(action)
            previous = action
        return found

    def _is_top_action_item(self, block: Block, role_item: int | None) -> bool:
        item = self.items[block.item] if block.item is not None else None
        if item is None:
            return True
        if role_item is not None:
            return item.parent == role_item
        parent = self.items[item.parent] if item.parent is not None else None
        return parent is None or parent.head is None or parent.head.section != "actions"


def due_date(text: str, meeting: datetime.date | None) -> datetime.date | None:
    """`by 2023-04-15` or `due April 15` -> a date; `by Friday` stays unknown."""
    for match in DUE_RE.finditer(strip_markup(text)):
        found, has_year, start = first_date(match["when"], meeting.year if meeting else None)
        if found is None or start != 0:
            continue
        if meeting and not has_year and found < meeting:
            try:
                found = found.replace(year=found.year + 1)
            except ValueError:
                return None
        return found
    return None


def _continues(previous: str, line: str) -> bool:
    """A line in an action-items paragraph that carries on the item before it."""
    return bool(line[:1].islower()) and not re.search(r"[.!?:;]$", previous.strip())
