"""Pass 1 of the reader: the title, the sections (agenda, attendees, notes, action items, links) and topics."""

from __future__ import annotations

import re
from dataclasses import dataclass

from decisions.formats.dates import first_date
from decisions.meetings.parsing.actions import ACTION_PREFIX_RE
from decisions.meetings.parsing.base import ReaderBase, TopicDraft
from decisions.meetings.parsing.blocks import Block, plain, strip_markup, unescape
from decisions.meetings.parsing.labels import (
    NOT_NAMES,
    REPORTED_VERBS,
    has_common_word,
    is_stop,
    label_shape,
    speaker_like,
    split_label,
)
from decisions.meetings.parsing.people import looks_like_names
from decisions.meetings.parsing.results import FOUND_BY_PATTERN, FOUND_IN_SECTION, FOUND_INFERRED
from decisions.meetings.parsing.titles import (
    head_mode,
    presented_title,
    reads_as_report,
    section_kind,
    title_like,
    topic_title,
)
from decisions.meetings.parsing.words import (
    CHECKBOX_RE,
    PLACEHOLDER_RE,
    PSEUDO_TOPICS,
    SECTION_RES,
    SUBTITLE_RE,
    TEMPLATE_ITEM_RE,
    TIME_RE,
)
from decisions.people.names import name_key

# A topic started by a line (`Updates:`, `**White paper discussion**`) ranks below every heading.
LINE_TOPIC_LEVEL = 7
# A heading that only introduces the headings below it says so in a line or a short list.
HOLDER_OWN_LINES = 6
# One-word labels of a part of a remark or proposal ("Approach:", "Context:"), besides words.STOP_LABELS.
_PART_LABELS = {"approach", "approaches", "thoughts", "pros", "cons", "tradeoffs", "caveats", "notes"}
# A stand-up round written with no attendee list: this many one-word names over reports.
ROUND_MIN_PEOPLE = 3
# "Joel's update:", "Till's status": one person's part of a stand-up round.
STANDUP_HEAD_RE = re.compile(r"(?i)^@?[\w.-]+(?:'|’)s (?:update|status|report|progress|news)(?:es|s)?\b")
# "Dominik started a whiteboard session:", "@He, Liang (Intel) shared the roadmap", "abrown asking if...":
# a person, then what they did or said. Over sub-bullets that is a sentence of notes, not a subject.
NARRATED_RE = re.compile(
    r"^@?(?P<name>[A-Z][\w'’-]*(?:,?\s+[A-Z][\w'’-]*)?|[a-z][a-z0-9_-]{2,})\s*(?:\([^)]{1,40}\))?\s+"
    r"(?:also\s+|then\s+|briefly\s+|quickly\s+)?"
    rf"(?:{REPORTED_VERBS}|started|starts|began|begins|made|makes|gave|gives|brought|brings|demos|shows"
    r"|presents|shares|reviewed|reviews|led|leads|ran|walked|went|took|did|got|has|had|is|was|will|would"
    r"|asking|presenting|sharing|showing|demoing|giving|bringing|noting|suggesting|proposing|working"
    r"|wants|needs|plans|hopes|thanked|welcomed|introduced|joined|announced|opened|kicked)\b"
)
# "We discussed the release schedule", "There was a question about CI", "The group agreed to...":
# a sentence of notes about what was said, whatever sub-bullets follow it.
SENTENCE_START_RE = re.compile(
    r"^(?:I|[Ww]e|[Yy]ou|[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Tt]here)\s+(?!\W)"  # not "IT infrastructure"
    r"|(?i:^(?:the\s+)?(?:group|team|sig|tsc|wg|committee|everyone|everybody|folks|attendees|participants)\s+)"
    rf"(?i:(?:also\s+)?(?:{REPORTED_VERBS}|will|would|is|are|was|were|has|have|had|decided|reviewed|went)\b)"
)
# How each kind of topic is found, and how sure that is: a heading says it outright; a bold line or a
# bullet over sub-bullets is a way of writing that usually means a topic; the notes under a
# container ("## Notes") with no subject of their own are only gathered under its name.
_FOUND = {
    "heading": (FOUND_IN_SECTION, 1.0),
    "pseudo": (FOUND_BY_PATTERN, 0.9),
    "bullet": (FOUND_BY_PATTERN, 0.8),
    "default": (FOUND_INFERRED, 0.5),
}


@dataclass
class _State:
    """Where the structure pass is: the section, the open topics, the container's title."""

    section: str = "preamble"
    pseudo: bool = False
    container_title: str = "Notes"
    default: int | None = None
    heading_topic: int | None = None
    topic_level: int = 0
    sub_section: str | None = None
    bullet: int | None = None


class SectionsPass(ReaderBase):
    """Pass 1 (and 3: agenda items the discussion was written under become topics)."""

    _standup_heads_under: dict[int | None, int] | None = None  # parent item -> stand-up heads below it
    _report_rounds: dict[int | None, bool] | None = None  # parent item -> its bullets are a stand-up round

    # Pass 1: title, sections, topics, attendees ----------------------------------------------

    def _structure(self) -> None:
        state = _State()
        title_level = 0
        seen_heading = False
        previous: Block | None = None
        for block in self.blocks:
            if block.kind == "heading":
                text = re.sub(r"^[-*+]\s+", "", plain(block.inline))
                kind = section_kind(text)
                if not seen_heading and block.level <= 2 and kind in {None, "container"}:
                    self.title, title_level, block.section = text, block.level, "title"
                elif self._is_subtitle(block, previous, text, kind, title_level):
                    self.title = f"{self.title} — {text}"
                    block.section = "title"
                else:
                    self._heading(block, text, kind, state)
                seen_heading = True
                previous = block
                continue
            previous = block
            if (
                block.kind == "code"
                and block.item is None
                and state.section not in {"topic", "preamble", "container"}
            ):
                block.section = state.section if state.section == "agenda" else "skip"
                if state.section == "agenda":
                    self.agenda_ranges.append((block.line, block.end))
                continue
            if block.kind == "table" and self._table_attendees(block):
                block.section = "meta"
                continue
            pseudo = self._pseudo_heading(block)
            if pseudo is not None:
                self._pseudo(block, pseudo, state)
                continue
            bold = (
                self._bold_heading(block)
                if state.section == "container"
                or (state.section == "topic" and state.topic_level == LINE_TOPIC_LEVEL)
                else None
            )
            if bold is not None:
                if state.heading_topic is not None:
                    self.drafts[state.heading_topic].end = block.line
                state.heading_topic = self._new_topic(bold, block.line, "pseudo", block.line)
                state.topic_level, state.section, state.bullet = LINE_TOPIC_LEVEL, "topic", None
                block.section, block.topic = "topic", state.heading_topic
                block.head = "line" if "\n" in block.text.strip() else "all"
                continue
            if block.kind == "para" and block.item is None and self._metadata(block, state.section):
                block.section = "meta"
                continue
            self._place_content(block, state)
        if state.heading_topic is not None:
            self.drafts[state.heading_topic].end = len(self.lines)

    def _is_subtitle(
        self, block: Block, previous: Block | None, text: str, kind: str | None, level: int
    ) -> bool:
        """`## Bytecode Alliance Technical Steering Committee` right under `# Meeting Minutes`."""
        return bool(
            previous is not None
            and previous.section == "title"
            and block.level > level
            and kind is None
            and (SUBTITLE_RE.search(text) or first_date(text, 2000)[0])
        )

    def _heading(self, block: Block, text: str, kind: str | None, state: _State) -> None:
        state.bullet = None
        state.pseudo = False
        block.section = "heading"
        if state.heading_topic is not None and block.level > state.topic_level:
            # A sub-heading stays in its topic; "#### Action items" there are the topic's.
            state.sub_section = kind if kind in {"actions", "attendees", "links", "skip"} else None
            block.topic = state.heading_topic
            return
        if state.heading_topic is not None:
            self.drafts[state.heading_topic].end = block.line
        state.heading_topic, state.sub_section = None, None
        if kind is None and self._holds_subjects(block):
            # "### Items for 2026" over "#### LTS and Lime 1" and "#### Shared Memory Proposal": the
            # discussion sits under the deeper headings, which are the topics; this one only holds them.
            state.section, state.container_title, state.default = "container", text, None
        elif kind is None:
            # "### 2. CI": the number orders the agenda, it is not part of the subject.
            title = re.sub(r"^\d{1,2}[.)]\s+(?=\S)", "", text)
            state.heading_topic = self._new_topic(title or "Untitled topic", block.line, "heading", block.end)
            state.topic_level, state.section = block.level, "topic"
        elif kind == "container":
            state.section, state.container_title, state.default = "container", text, None
        else:
            state.section = kind

    def _holds_subjects(self, heading: Block) -> bool:
        """A heading with next to nothing of its own (a sentence, a flat list naming what follows)
        over two or more deeper headings that are subjects, not parts of one ("Motivation",
        "Proposal", "Discussion")."""
        title = plain(heading.inline).strip().lower()
        if title.rstrip(": ") in PSEUDO_TOPICS:
            return False  # "## Updates" over "### Alex", "### Bailey": the round is the topic
        index = next(i for i, b in enumerate(self.blocks) if b is heading)
        own_lines, subs = 0, []
        for block in self.blocks[index + 1 :]:
            if block.kind == "heading":
                if block.level <= heading.level:
                    break
                subs.append(re.sub(r"^[-*+]\s+", "", plain(block.inline)))
            elif not subs:
                if block.item is not None and (
                    self.items[block.item].has_sublist or self.items[block.item].parent is not None
                ):
                    return False  # a nested list of its own: notes under this heading
                own_lines += block.end - block.line
        subjects = [t for t in subs if section_kind(t) is None]
        if len(subjects) < 2 or own_lines > HOLDER_OWN_LINES:
            return False
        # "Updates" is the stand-up round, a subject of its own; "Motivation" or "Proposal" is a part.
        parts = [re.sub(r"[\s:.]+$", "", t) for t in subjects]
        if any(
            self._standup_head(t) or STANDUP_HEAD_RE.match(t) or speaker_like(t.lstrip("@")) for t in parts
        ):
            return False  # people's updates under a heading are its round, not its subjects
        return not any(is_stop(t) and t.lower() not in PSEUDO_TOPICS for t in parts)

    def _pseudo(self, block: Block, pseudo: tuple[str, str], state: _State) -> None:
        """A line such as `Agenda:` or `Action Items:` alone in its paragraph acts as a heading."""
        kind, text = pseudo
        block.section = "heading"
        if state.section == "topic" and state.topic_level != LINE_TOPIC_LEVEL:
            if kind in {"actions", "attendees", "links"}:
                state.sub_section = kind
                block.topic = state.heading_topic
            else:
                block.section, block.topic = "topic", state.heading_topic
            return
        state.bullet = None
        state.pseudo = kind != "topic"
        if state.heading_topic is not None:
            self.drafts[state.heading_topic].end = block.line
            state.heading_topic = None
        if kind == "container":
            state.section, state.container_title, state.default = "container", text, None
        elif kind == "topic":
            state.heading_topic = self._new_topic(text, block.line, "pseudo", block.end)
            state.topic_level, state.section = LINE_TOPIC_LEVEL, "topic"
        else:
            state.section = kind

    def _place_content(self, block: Block, state: _State) -> None:
        section = state.section
        if section == "topic" and state.heading_topic is not None and self._round_ends(block, state):
            # "Updates" then `- cprop slowdown issue` over sub-bullets: the round is over.
            self.drafts[state.heading_topic].end = block.line
            state.heading_topic, state.section, state.default = None, "container", None
            section = "container"
        if section == "topic":
            block.section = state.sub_section or "topic"
            block.topic = state.heading_topic
            if block.section == "attendees":
                self._collect_names(block)
            return
        if section == "attendees":
            if block.kind == "para" and block.item is None and state.pseudo and not looks_like_names(block):
                state.section = section = "container"
            elif self._discussion_in_attendees(block):
                # "## Attendees" then "- Release schedule" over the discussion: the list went on
                # into the notes, which are the meeting's subjects, not more people.
                state.section = section = "container"
            else:
                block.section = "attendees"
                self._collect_names(block)
                return
        if section in {"actions", "links", "skip"}:
            block.section = section
            return
        root = self._root(block)
        role, _ = self._role(block)
        if role in {"actions", "attendees"} or (root is not None and self.item_role.get(root) == "actions"):
            block.section = role or "actions"  # "* Action Items" over its items, outside any topic
            return
        if section == "agenda":
            if root is not None and (self._in_bullet(state, root) or self._agenda_topic(root)):
                self._bullet_topic(block, root, state)
                return
            block.section = "agenda"
            self.agenda_ranges.append((block.line, block.end))
            return
        if section == "preamble" and self._boilerplate(block):
            block.section = "skip"
            return
        if root is not None and (self._in_bullet(state, root) or self._container_topic(root)):
            self._bullet_topic(block, root, state)
            return
        if state.default is None:
            title = state.container_title if section == "container" else "Notes"
            state.default = self._new_topic(title or "Notes", block.line, "default", block.line)
        block.section, block.topic = "topic", state.default
        self.drafts[state.default].ranges.append((block.line, block.end))

    def _discussion_in_attendees(self, block: Block) -> bool:
        """A top-level bullet over sub-bullets that names no one, or a speaker's remark."""
        if block.kind != "para" or block.item is None or not block.first_in_item:
            return False
        item = self.items[block.item]
        if item.parent is not None or not item.has_sublist:
            return False
        heads = [i.head for i in self.items.values() if i.parent == item.id and i.head is not None]
        if heads and all(looks_like_names(head) for head in heads):
            return False  # "- Fastly" or "- TSC members" over the people: a group of attendees
        first = strip_markup(CHECKBOX_RE.sub("", block.text.split("\n", 1)[0].strip()))
        label = split_label(first)
        return not looks_like_names(block) or bool(label and label.rest and label.form == "colon")

    def _round_ends(self, block: Block, state: _State) -> bool:
        """A stand-up round started by a line ("Updates") ends at a bullet that is nobody's update."""
        if state.topic_level != LINE_TOPIC_LEVEL or state.heading_topic is None or state.sub_section:
            return False
        draft = self.drafts[state.heading_topic]
        if draft.kind != "pseudo" or draft.title.lower() not in PSEUDO_TOPICS:
            return False
        if block.item is None or not block.first_in_item or self.items[block.item].parent is not None:
            return False
        item = self.items[block.item]
        first = CHECKBOX_RE.sub("", block.text.split("\n", 1)[0].strip())
        bare = strip_markup(unescape(first)).rstrip(": ").strip().lstrip("@")
        return bool(
            item.has_sublist
            and split_label(first) is None
            and not self._standup_head(first)
            # "* Alex" over what Alex did: one more person's update in the round, named or not.
            and not (label_shape(bare) in {"single", "handle", "multi"} and speaker_like(bare))
            and self._container_topic(block.item)
        )

    def _in_bullet(self, state: _State, root: int) -> bool:
        return state.bullet is not None and self.drafts[state.bullet].item == root

    def _new_topic(self, title: str, line: int, kind: str, start: int) -> int:
        found, confidence = _FOUND[kind]
        self.drafts.append(
            TopicDraft(
                title=title[:300] or "Untitled topic",
                line=line,
                kind=kind,
                start=start,
                found=found,
                confidence=confidence,
            )
        )
        return len(self.drafts) - 1

    def _bullet_topic(self, block: Block, root: int, state: _State) -> None:
        if not self._in_bullet(state, root):
            item = self.items[root]
            head = item.head
            start = (head.line + 1) if head else item.line
            presented = presented_title(head, asks=self.items[root].has_sublist)
            state.bullet = self._new_topic(presented or topic_title(head), item.line, "bullet", start)
            self.drafts[state.bullet].item = root
            self.drafts[state.bullet].end = item.end
        if block.item == root and block.first_in_item:
            # `Chris: Summary of the release` stays Chris's remark: the sub-bullets are Chris's too.
            asks = self.items[root].has_sublist
            block.head = "" if presented_title(block, asks=asks) else head_mode(block)
        block.section, block.topic = "topic", state.bullet

    def _container_topic(self, root: int) -> bool:
        """A top-level bullet heading sub-bullets, not itself a remark, is a topic; so is `[Name] - Topic`."""
        item = self.items[root]
        if item.head is None or root in self.item_role or item.head.quoted:
            return False  # a list inside a quotation is the quoted text's
        first = CHECKBOX_RE.sub("", item.head.text.split("\n", 1)[0].strip())
        label = split_label(first)
        if self._standup_head(first) or self._standup_sibling(root, first):
            return False
        if label and label.form == "bold" and label.rest and not speaker_like(label.label):
            return len(label.label.split()) <= 8  # "* **Promoting documentation:** We now have..."
        if label and label.form in {"bracket", "paren"} and label.rest and label_shape(label.label):
            if not title_like(label.rest):
                return False  # "[Guy] Doesn't eliminate cyber squatting." over sub-bullets: a remark
            return item.has_sublist or (label.form == "bracket" and label.sep[:1] in {"-", "–", "—"})
        if not item.has_sublist or CHECKBOX_RE.match(item.head.text.strip()):
            return False
        if ACTION_PREFIX_RE.match(unescape(first)) or PLACEHOLDER_RE.fullmatch(strip_markup(first)):
            return False
        if self._narrated(first) or SENTENCE_START_RE.match(strip_markup(unescape(first))):
            return False  # "Chris recapped the previous meeting", "We discussed..." over what was said
        if section_kind(strip_markup(unescape(first))) in {
            "container",
            "agenda",
            "attendees",
            "links",
            "skip",
        }:
            return False  # "- Agenda" or "- Notes:" over the meeting's items: a container, not a subject
        bare = strip_markup(unescape(first)).strip()
        if (
            re.fullmatch(r"[\w-]+\s*:", bare)
            and bare.rstrip(": ").lower() not in PSEUDO_TOPICS
            and (is_stop(bare.rstrip(": ")) or bare.rstrip(": ").lower() in _PART_LABELS)
        ):
            return False  # "* Approach:" over its steps: a part of what is being said, not a subject
        if presented_title(item.head, asks=True):
            return True  # "* Nick: Update on OOM handling" over the discussion
        return not (label and label.form != "dash" and speaker_like(label.label))

    def _narrated(self, first: str) -> bool:
        """A sentence telling what a person did or said ("Marcin asked about game consoles")."""
        match = NARRATED_RE.match(strip_markup(unescape(first)).strip())
        if match is None:
            return False
        name = match["name"]
        if self._standup_head(name):
            return True  # an attendee, whatever the case of the name
        if not name[:1].isupper() or is_stop(name) or has_common_word(name):
            return False
        if "," in name:
            return label_shape(name) == "last_first"  # "@He, Liang (Intel) shared...": "Surname, Given"
        if any(
            w.lower() in NOT_NAMES or re.search(r"\w{3}(?:ing|ally|ently|ously|ately|ively)$", w)
            for w in re.split(r"[\s,]+", name)
        ):
            return False
        return label_shape(name) in {"single", "multi", "last_first"}

    def _standup_sibling(self, root: int, first: str) -> bool:
        """`* alexa` over sub-bullets among `* abrown`, `* elliottt`, `* cfallin`: one more person's
        update in the round, though not on the attendee list."""
        text = strip_markup(unescape(first)).rstrip(": ").strip().lstrip("@")
        if not re.fullmatch(r"[\w'’.-]+", text) or not speaker_like(text):
            return False
        # How many bullets heading sub-lists under each parent are stand-up heads: counted once per
        # reading, so a long list costs one pass, not one per bullet.
        counts = self._standup_heads_under
        if counts is None:
            counts = {}
            for i in self.items.values():
                if i.head is not None and i.has_sublist:
                    head = CHECKBOX_RE.sub("", i.head.text.split("\n", 1)[0].strip())
                    counts[i.parent] = counts.get(i.parent, 0) + int(self._standup_head(head))
            self._standup_heads_under = counts
        if counts.get(self.items[root].parent, 0) >= 2:  # the bullet itself is not one
            return True
        return self._report_round(self.items[root].parent)

    def _report_round(self, parent: int | None) -> bool:
        """`* jamey`, `* afonso`, `* trevor` over "added a few more instructions", "fixed a fuzz bug",
        "not much, holidays": three or more one-word names over what each did is a stand-up round,
        even with no attendee list to name them."""
        rounds = self._report_rounds
        if rounds is None:
            rounds = {}
            heads: dict[int | None, list[int]] = {}
            for i in self.items.values():
                if i.head is None or not i.has_sublist:
                    continue
                text = strip_markup(unescape(CHECKBOX_RE.sub("", i.head.text.strip()))).rstrip(": ").strip()
                if re.fullmatch(r"@?[\w'’.-]+", text) and speaker_like(text.lstrip("@")):
                    heads.setdefault(i.parent, []).append(i.id)
            for under, ids in heads.items():
                lines = [
                    strip_markup(unescape(c.head.text.split("\n", 1)[0])).strip()
                    for c in self.items.values()
                    if c.parent in ids and c.head is not None
                ]
                reports = sum(1 for line in lines if reads_as_report(line))
                rounds[under] = len(ids) >= ROUND_MIN_PEOPLE and reports >= len(lines) / 2
            self._report_rounds = rounds
        return rounds.get(parent, False)

    def _standup_head(self, first: str) -> bool:
        """`* abrown` or `* Joel's update:` over sub-bullets: a person's part of a stand-up round."""
        text = strip_markup(unescape(first)).rstrip(": ").strip()
        if STANDUP_HEAD_RE.match(text):
            return True
        if not re.fullmatch(r"@?[\w'’.-]+(?: [\w'’.-]+){0,2}", text):
            return False
        key = name_key(text.lstrip("@"))
        for name, aliases in self.names:
            tokens = name.split()
            if key in {name_key(name), name_key(tokens[0]) if tokens else "", *map(name_key, aliases)}:
                return True
        return False

    def _agenda_topic(self, root: int) -> bool:
        """`- [Taylor] wkg.toml` with sub-bullets under an agenda is a topic at once."""
        item = self.items[root]
        return bool(
            item.head and item.has_sublist and re.match(r"^\[[^\]]+\]\s*\S", unescape(item.head.text.strip()))
        )

    def _promote_agenda_items(self) -> None:
        """An agenda item becomes a topic when the discussion was written under it, by speakers."""
        roots: dict[int, list[Block]] = {}
        for block in self.blocks:
            root = self._root(block)
            if block.section == "agenda" and root is not None and self.items[root].has_sublist:
                roots.setdefault(root, []).append(block)
        for root, blocks in roots.items():
            spoken = any(
                (label := self._speaker(line)) is not None and label.rest
                for block in blocks
                if block.kind == "para" and not (block.item == root and block.first_in_item)
                for line in block.text.split("\n")
            )
            item = self.items[root]
            if not spoken or TEMPLATE_ITEM_RE.fullmatch(
                strip_markup(item.head.text if item.head else "").rstrip(": ")
            ):
                continue
            draft = self._new_topic(
                topic_title(item.head), item.line, "bullet", (item.head.line + 1) if item.head else item.line
            )
            self.drafts[draft].item, self.drafts[draft].end = root, item.end
            for block in blocks:
                block.section, block.topic = "topic", draft
                if block.item == root and block.first_in_item:
                    block.head = head_mode(block)
        self._sort_drafts()

    def _bold_heading(self, block: Block) -> str | None:
        """`**White paper discussion**` on a line of its own starts a topic."""
        if block.kind != "para" or block.item is not None or block.quoted:
            return None
        match = re.fullmatch(r"(\*\*|__)([^*_\n]{2,80}?)\1\s*:?\s*", block.text.split("\n", 1)[0].strip())
        if not match or len(match[2].split()) > 8 or speaker_like(match[2].rstrip(": ")):
            return None
        text = strip_markup(match[2]).rstrip(": ").strip()
        if is_stop(text) and text.lower() not in PSEUDO_TOPICS:
            return None  # "**Outcome:**", "**Background**": a part of the topic it sits in
        return text if text and not section_kind(text) else None

    def _pseudo_heading(self, block: Block) -> tuple[str, str] | None:
        if block.kind != "para" or block.item is not None or block.quoted or "\n" in block.text.strip():
            return None
        text = strip_markup(block.text)
        bare = text.rstrip(":").strip()
        if len(bare.split()) > 5 or not bare:
            return None
        if (
            not text.endswith(":")
            and bare.lower() not in {"notes", "minutes", "agenda", "attendees", "action items"}
            and bare.lower() not in PSEUDO_TOPICS  # "Updates" alone on its line over the round
        ):
            return None
        key = bare.lower()
        if key == "agenda":
            return "agenda", bare
        for kind in ("attendees", "actions", "links", "container"):
            if SECTION_RES[kind].fullmatch(bare) and key not in {
                "summary",
                "discussion",
                "action",
                "present",
            }:
                return kind, bare
        if key in PSEUDO_TOPICS:
            return "topic", bare
        return None

    def _boilerplate(self, block: Block) -> bool:
        """Preamble lines about the meeting, not from it: how to join, the time, "Canceled"."""
        if block.kind != "para" or block.item is not None:
            return False
        raw = block.text.strip()
        text = strip_markup(raw)
        first = text.split("\n", 1)[0]
        lowered = text.lower()
        if "instructions" in lowered and "attend" in lowered:
            return True
        if "\n" not in raw and re.fullmatch(r"(\*\*|__|\*|_).*\1", raw):
            return True
        if TIME_RE.match(first) or re.match(
            r"(?i)^(?:(?:this |the |today's )?(?:meeting|call) (?:was |is |has been )?)?(?:canceled|cancelled)\b",
            first,
        ):
            return True
        return bool(
            re.match(r"(?i)^(?:join (?:on|the|zoom|meeting|us)|download teams|click here to join)", first)
        )
