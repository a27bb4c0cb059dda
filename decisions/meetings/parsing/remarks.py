"""Pass 4 of the reader: each topic's remarks, who said them, and the commitments among them."""

from __future__ import annotations

import re

from decisions.meetings.parsing.base import ReaderBase
from decisions.meetings.parsing.blocks import (
    Block,
    block_links,
    block_text,
    distinct_links,
    mentions_in,
    strip_markup,
)
from decisions.meetings.parsing.labels import Label, is_common_word, split_label
from decisions.meetings.parsing.results import ParsedActionItem, ParsedRemark, ParsedTopic
from decisions.meetings.parsing.words import CHECKBOX_RE, PLACEHOLDER_RE, REPORTING_VERBS
from decisions.people.names import name_key


class RemarksPass(ReaderBase):
    """Pass 4: remarks topic by topic; action items are read by ActionItemsPass along the way."""

    def _content(self) -> tuple[list[ParsedTopic], list[ParsedActionItem]]:
        topics = [ParsedTopic(title=d.title, line=d.line + 1, attendees=self.attendees) for d in self.drafts]
        loose: list[ParsedActionItem] = []
        item_speaker: dict[int, str | None] = {}
        loose_speaker: str | None = None
        action_owner: str | None = None
        for block in self.blocks:
            if block.kind != "para" or block.quoted:
                if block.kind == "heading":
                    loose_speaker = action_owner = None
                continue
            role, role_item = self._role(block)
            topic = topics[block.topic] if block.topic is not None else None
            if block.first_in_item and block.item in self.item_role:
                continue
            if block.section == "actions" or role == "actions":
                if block.item is None:
                    label = split_label(block.text.strip()) if "\n" not in block.text.strip() else None
                    alone = label and not label.rest and label.form in {"colon", "bold"}
                    action_owner = (
                        label.label if alone and self._owner_name(label.label, strict=False) else None
                    )
                    if action_owner:
                        continue
                sink = topic.action_items if topic is not None else loose
                sink.extend(
                    self._action_block(block, role_item, action_owner if block.item is not None else None)
                )
                continue
            alone = block.item is None and self._is_speaker_alone(block)
            if block.item is None and not alone:
                loose_speaker = None
            if block.section != "topic" or topic is None:
                continue
            inherited = self._inherited(block, item_speaker) or loose_speaker
            speaker = self._remarks(block, topic, inherited, item_speaker)
            if alone:
                loose_speaker = speaker
        by_topic: dict[int, list[Block]] = {}
        for block in self.blocks:
            if block.topic is not None:
                by_topic.setdefault(block.topic, []).append(block)
        kept = []
        for index, (draft, topic) in enumerate(zip(self.drafts, topics, strict=True)):
            topic.body = self._body(draft)
            topic.end_line = (
                draft.end if draft.end is not None else max((e for _, e in draft.ranges), default=draft.line)
            )
            blocks = by_topic.get(index, [])
            topic.links = distinct_links(link for b in blocks for link in block_links(b))
            topic.rfc_mentions, topic.decision_mentions = mentions_in([block_text(b) for b in blocks])
            explicit_empty = draft.kind != "default" and not topic.body.strip()
            if topic.remarks or topic.action_items or _meaningful(topic.body) or explicit_empty:
                kept.append(topic)
        return kept, loose

    def _inherited(self, block: Block, item_speaker: dict[int, str | None]) -> str | None:
        item_id = block.item
        if item_id is not None and block.first_in_item:
            item_id = self.items[item_id].parent
        while item_id is not None:
            if item_speaker.get(item_id):
                return item_speaker[item_id]
            item_id = self.items[item_id].parent
        return None

    def _is_speaker_alone(self, block: Block) -> bool:
        lines = [line for line in block.text.split("\n") if line.strip()]
        label = self._speaker(lines[-1]) if lines else None
        return bool(label and not label.rest)

    def _remarks(
        self, block: Block, topic: ParsedTopic, inherited: str | None, item_speaker: dict[int, str | None]
    ) -> str | None:
        """Add the remarks and commitments of one paragraph; return the speaker it ends with."""
        depth = max(block.depth, 0)
        current: ParsedRemark | None = None
        action: ParsedActionItem | None = None
        speaker = inherited
        head_speaker: str | None = None
        head_other = False
        made: list[ParsedRemark] = []
        for index, raw in enumerate(block.text.split("\n")):
            number = block.line + index + 1
            line = raw.strip()
            if line.endswith("\\"):
                line = line[:-1].rstrip()
            task = None
            if index == 0 and block.first_in_item and (box := CHECKBOX_RE.match(line)):
                task, line = box[1].lower() == "x", line[box.end() :]
            if block.head == "label" and index == 0:
                line = (split_label(line) or Label("", line, "")).rest
            elif block.head and (index == 0 or block.head == "all"):
                head_speaker = head_speaker or (self._presenter(line) if index == 0 else None)
                continue
            if not line or line.startswith("|"):
                continue
            found = self._action_line(line, number, task)
            if found is not None:
                if found.text:
                    topic.action_items.extend(self._each_owner(found))
                action, current = found, None
                continue
            label = self._speaker(line)
            if label is not None:
                speaker = label.label
                if index == 0:
                    head_speaker = head_speaker or speaker
                current, action = (
                    ParsedRemark(speaker=speaker, text=label.rest, depth=depth, line=number),
                    None,
                )
                made.append(current)
            elif action is not None and action.text:
                action.text = f"{action.text} {line}"
            elif current is not None:
                current.text = f"{current.text}\n{line}" if current.text else line
            elif not PLACEHOLDER_RE.fullmatch(strip_markup(line)):
                if speaker and self._names_someone(line):
                    # "Dominik suggested..." under "Marcin: ..." is not Marcin speaking.
                    speaker, head_other = None, head_other or index == 0
                current = ParsedRemark(speaker=speaker, text=line, depth=depth, line=number)
                made.append(current)
        for remark in made:
            if remark.text.strip():
                topic.remarks.append(remark)
                self._commitment(remark, topic.action_items)
        if block.item is not None and block.first_in_item:
            item_speaker[block.item] = head_speaker or (None if head_other else inherited)
        return speaker

    def _names_someone(self, line: str) -> bool:
        """A line that starts with a person's name: reported speech, not the speaker above it."""
        first = re.match(r"@?([\w'’\-]+)(?:\s+(\w+))?", strip_markup(line))
        if not first:
            return False
        key = name_key(first[1])
        if key in {"i", "we"}:
            return False
        reported = first[2] is not None and first[2].lower() in REPORTING_VERBS
        return (
            key in self.known
            or key in self.accepted
            or (reported and first[1][:1].isupper() and not is_common_word(key))
        )

    def _presenter(self, line: str) -> str | None:
        """`[Danny] - Dogfood storage` or `(cf) regalloc2`: who brought the topic, if a speaker."""
        label = split_label(line)
        if label and label.form in {"bracket", "paren"} and name_key(label.label) in self.accepted:
            return label.label
        return None


def _placeholder_only(body: str) -> bool:
    """A body left as the template had it: `* TODO`, `* ...`, `_Submit a PR..._`, or nothing."""
    for line in body.split("\n"):
        text = strip_markup(re.sub(r"^\s*(?:[-*+]|\d+[.)]|[a-z][.)])\s+(?:\[[ xX]\]\s+)?", "", line))
        if text and not PLACEHOLDER_RE.fullmatch(text):
            return False
    return True


def _meaningful(body: str) -> bool:
    return bool(body.strip()) and not _placeholder_only(body)
