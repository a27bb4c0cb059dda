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
from decisions.meetings.parsing.commitments import REQUEST_RE
from decisions.meetings.parsing.labels import Label, is_common_word, split_label
from decisions.meetings.parsing.results import (
    SPEAKER_BY_LABEL,
    SPEAKER_REPORTED,
    SPEAKER_STANDUP,
    ParsedActionItem,
    ParsedRemark,
    ParsedTopic,
)
from decisions.meetings.parsing.titles import tidy_title
from decisions.meetings.parsing.words import CHECKBOX_RE, PLACEHOLDER_RE, REPORTING_VERBS
from decisions.people.names import name_key

# "no updates" in a stand-up round: a placeholder, but said by the person the round names.
NO_UPDATES_RE = re.compile(r"(?i)\(?(?:no|nothing)\s+(?:new\s+)?(?:updates?|news|to\s+report)\)?[.!]?")

# A sub-bullet in the first person goes on with the words of the speaker above it.
FIRST_PERSON_RE = re.compile(r"(?:I|I['’](?:m|ll|ve|d)|[Mm]y|[Mm]e)\b")


class RemarksPass(ReaderBase):
    """Pass 4: remarks topic by topic; action items are read by ActionItemsPass along the way."""

    def _content(self) -> tuple[list[ParsedTopic], list[ParsedActionItem]]:
        topics = [
            ParsedTopic(
                title=tidy_title(d.title),
                line=d.line + 1,
                attendees=self.attendees,
                found=d.found,
                confidence=d.confidence,
                # Notes written under no subject ("## Notes" over a stand-up round, remarks before
                # the first topic): kept together, but not a topic of the meeting.
                loose=d.kind == "default",
            )
            for d in self.drafts
        ]
        loose: list[ParsedActionItem] = []
        # The speaker an item gives its sub-items (by item id) and its own later paragraphs (-1 - id).
        passes: dict[int, str | None] = {}
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
            inherited = self._inherited(block, passes)
            if block.first_in_item and block.item is not None and self.items[block.item].parent is None:
                inherited = inherited or loose_speaker  # "Alex:" alone, then Alex's list
            speaker = self._remarks(block, topic, inherited, passes)
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
            # Remarks read off a template's slots (`* Go` over `* ...`) are no discussion.
            said = topic.remarks and not _placeholder_only(topic.body)
            if said or topic.action_items or _meaningful(topic.body) or explicit_empty:
                kept.append(topic)
        return kept, loose

    def _inherited(self, block: Block, passes: dict[int, str | None]) -> str | None:
        """Whose words an unattributed paragraph is: only what the notes' structure says.

        A later paragraph of the same bullet continues that bullet; a sub-bullet is its parent's
        speaker's only under a bullet that is the name alone (`* elliottt`, `* Alex:`), as in a
        stand-up list. Under `* Till: ...` a sub-bullet is the note-taker's (None): it may be an
        answer, a note or anyone's remark, and nobody is quoted for what they did not say.
        """
        item_id = block.item
        if item_id is None:
            return None
        if not block.first_in_item:
            return passes.get(-1 - item_id) or passes.get(item_id)
        parent = self.items[item_id].parent
        if parent is None:
            return None
        if passes.get(parent) is None and FIRST_PERSON_RE.match(strip_markup(block.text)):
            return passes.get(-1 - parent)  # "* Victor: ..." then "  * I'll be picking up...": Victor's
        return passes.get(parent)

    def _is_speaker_alone(self, block: Block) -> bool:
        lines = [line for line in block.text.split("\n") if line.strip()]
        label = self._speaker(lines[-1]) if lines else None
        return bool(label and not label.rest)

    def _remarks(
        self, block: Block, topic: ParsedTopic, inherited: str | None, passes: dict[int, str | None]
    ) -> str | None:
        """Add the remarks and commitments of one paragraph; return the speaker it ends with."""
        depth = max(block.depth, 0)
        current: ParsedRemark | None = None
        action: ParsedActionItem | None = None
        speaker = inherited
        how = SPEAKER_STANDUP  # an inherited speaker: the bullet above holds the name alone
        bare = self._bare_speaker(block)
        head_label: Label | None = None
        head_other = False
        lines = block.text.split("\n")
        made: list[ParsedRemark] = []
        explicit: set[int] = set()  # remarks that are an explicit action item ("Name: AI: ...")
        for index, raw in enumerate(lines):
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
                if index == 0 and topic.presenter is None:
                    topic.presenter = self._presenter(line)
                continue
            if bare or not line or line.startswith("|"):
                continue
            found = self._action_line(line, number, task)
            if found is not None:
                if found.text:
                    topic.action_items.extend(self._each_owner(found))
                action, current = found, None
                continue
            label = self._speaker(line)
            if label is not None:
                speaker, how = label.label, SPEAKER_BY_LABEL
                if index == 0:
                    head_label = label
                current, action = (
                    ParsedRemark(speaker=speaker, text=label.rest, depth=depth, line=number),
                    None,
                )
                made.append(current)
                if label.rest and (marked := self._action_line(label.rest, number, None)) is not None:
                    # "fitzgen: TODO: file an issue", "cfallin: AI: write up the RFC": the speaker's
                    # own words (kept as the remark) and an explicit item, theirs unless it names another.
                    if marked.text:
                        marked.owner = marked.owner or speaker
                        topic.action_items.extend(self._each_owner(marked))
                        explicit.add(id(current))
                    action, current = marked, None
                continue
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            reported = self._reported_in(line, following)
            if reported and reported[0][0] == 0:
                action = current = None  # a new sentence, someone else's words
            head_other = head_other or (index == 0 and bool(reported) and reported[0][0] == 0)
            cut = reported[0][0] if reported else len(line)
            whole, before = line, line[:cut].strip()
            if not before:
                pass
            elif action is not None and action.text:
                action.text = f"{action.text} {before}"
            elif current is not None:
                current.text = f"{current.text}\n{before}" if current.text else before
            elif not PLACEHOLDER_RE.fullmatch(strip_markup(before)) or (
                # "* Alex" over "  * no updates": the round gives Alex those words, as "Alex: no
                # updates" would; a template's "no updates" under nobody stays out.
                speaker and how == SPEAKER_STANDUP and NO_UPDATES_RE.fullmatch(strip_markup(before))
            ):
                if speaker and self._names_someone(before):
                    # "Dominik suggested..." under "Marcin: ..." is not Marcin speaking.
                    speaker, head_other = None, head_other or index == 0
                current = ParsedRemark(speaker=speaker, text=before, depth=depth, line=number, found=how)
                made.append(current)
            ends = [start for start, _ in reported[1:]] + ([len(whole)] if reported else [])
            for (start, name), end in zip(reported, ends, strict=True):
                # "Emily agreed...": the notes give these words to Emily, up to the next such sentence.
                text = whole[start:end].strip()
                current = ParsedRemark(
                    speaker=name, text=text, depth=depth, line=number, found=SPEAKER_REPORTED
                )
                action = None
                made.append(current)
        # "* Danny: talked to Ivan" then "  * Going to regroup the PRs": whose plan, though not whose words.
        parent = self.items[block.item].parent if block.item is not None and block.first_in_item else None
        head = self.items[parent].head if parent is not None else None
        # Under a question ("tried llvm-mca?", "should X be a maintainer?") it is an answer, anyone's.
        under = passes.get(-1 - parent) if parent is not None and head and "?" not in head.text else None
        # Under a request ("more timeouts on OSS-fuzz; take a look?"), an offer is the task accepted.
        answering = bool(parent is not None and head and REQUEST_RE.search(head.text))
        for index, remark in enumerate(made):
            if remark.text.strip():
                topic.remarks.append(remark)
                if id(remark) in explicit:
                    continue  # its task is already the explicit item
                self._commitment(
                    remark, topic.action_items, under=under if index == 0 else None, answering=answering
                )
        if block.item is not None and block.first_in_item:
            if bare:
                passes[block.item] = bare
            elif head_label is not None:
                passes[-1 - block.item] = head_label.label  # its own later paragraphs
                passes[block.item] = None if head_label.rest else head_label.label
            else:
                passes[block.item] = None if head_other else inherited
        return speaker

    def _reported_in(self, line: str, following: str) -> list[tuple[int, str]]:
        """Reported speech in one line, also when the name ends it and the verb opens the next."""
        if not line or not (line[:1].isalpha() or line[:1] in "*_@" or ". " in line or "; " in line):
            return []
        found = self._reported(f"{line} {following}" if following else line)
        return [(start, name) for start, name in found if start < len(line)]

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
    """A body left as the template had it: `* TODO`, `* ...`, `_Submit a PR..._`, or nothing.

    A slot the template names for filling in (`* Go` over `* ...`) is the template's too.
    """
    lines = [(len(line) - len(line.lstrip()), line) for line in body.split("\n") if line.strip()]
    for index, (indent, line) in enumerate(lines):
        text = strip_markup(re.sub(r"^\s*(?:[-*+]|\d+[.)]|[a-z][.)])\s+(?:\[[ xX]\]\s+)?", "", line))
        if not text or PLACEHOLDER_RE.fullmatch(text):
            continue
        children = []
        for deeper, child in lines[index + 1 :]:
            if deeper <= indent:
                break
            children.append(child)
        if not children or not _placeholder_only("\n".join(children)):
            return False
    return True


def _meaningful(body: str) -> bool:
    return bool(body.strip()) and not _placeholder_only(body)
