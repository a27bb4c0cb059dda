"""Pass 3b of the reader: the agenda's items as topics, and topics the notes say were not taken up.

An agenda item is a subject the meeting took up even when no notes follow it. It is one topic with
the heading (or bullet) its discussion was written under, so it is merged with a topic of the same
subject and only added when none has it. A topic whose only note says it was deferred is dropped,
and so is its agenda item.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from decisions.meetings.parsing.actions import ACTION_PREFIX_RE
from decisions.meetings.parsing.base import ReaderBase, TopicDraft
from decisions.meetings.parsing.blocks import Block, Item, block_links, plain, strip_markup, unescape
from decisions.meetings.parsing.labels import label_shape, speaker_like, split_label
from decisions.meetings.parsing.results import FOUND_BY_PATTERN, FOUND_IN_SECTION
from decisions.meetings.parsing.titles import tidy_title, title_like
from decisions.meetings.parsing.words import (
    BOILERPLATE_TOPIC_RE,
    CHECKBOX_RE,
    COMMON_WORDS,
    DEFERRED_RE,
    PLACEHOLDER_RE,
    TEMPLATE_ITEM_RE,
)
from decisions.people.names import name_key

# Agenda items that only hold the template's sub-items: the sub-items are the topics.
HOLDER_RE = re.compile(
    r"(?i)(?:other |new |additional |discussion )?(?:agenda )?items?|announcements?|"
    r"proposals and discussions|other|topics|discussion(?: topics)?"
    # A category of the meeting's own business, not a subject: "Administrative stuff", "Housekeeping".
    r"|(?:administrative|admin|organi[sz]ational|sig|meeting)(?: stuff| items?| matters| topics| business)"
    r"|administrivia|housekeeping|logistics"
)
# A deferral is said in a line or two; a longer body is a discussion that mentions one.
DEFERRAL_MAX_CHARS = 300
DEFERRAL_MAX_LINES = 2
SHORT_TITLE_WORDS = 12
_LIST_MARK_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?")
_STOP = {"a", "an", "the", "of", "and", "or", "for", "to", "in", "on", "with", "about", "re", "update"}


class AgendaTopicsPass(ReaderBase):
    """Runs after the structure pass and the promotion of agenda items written as discussion."""

    def _agenda_topics(self) -> None:
        self._list_topics()
        dropped = self._drop_deferred()
        children: dict[int, list[int]] = {}
        for item in self.items.values():
            if item.parent is not None:
                children.setdefault(item.parent, []).append(item.id)
        roots = sorted(
            {root for b in self.blocks if b.section == "agenda" and (root := self._root(b)) is not None}
        )
        entries = [
            (item, title)
            for root in roots
            for item in self._agenda_entries(self.items[root], children, top=True)
            if (title := agenda_title(item)) and not any(same_subject(title, t) for t in dropped)
        ]
        notes = [d for d in self.drafts if d.kind not in {"default", "agenda"}]
        # One agenda item, one notes topic: the closest pairs first ("wkg 0.16.1" is the
        # "wkg 0.16.0-rc.0" item, not "Plans for wkg 0.17.0").
        pairs = sorted(
            (
                (score, -e, -n)
                for e, (_, title) in enumerate(entries)
                for n, draft in enumerate(notes)
                if (score := subject_score(title, draft.title))
            ),
            reverse=True,
        )
        paired: dict[int, TopicDraft] = {}
        taken: set[int] = set()
        for _, e, n in pairs:
            if -e not in paired and -n not in taken:
                paired[-e] = notes[-n]
                taken.add(-n)
        self._pair_in_order([item for item, _ in entries], notes, paired, taken)
        agreed: set[int] = set()
        for e, (item, title) in enumerate(entries):
            match = paired.get(e)
            if match is None:
                # "## Last Old, Backlog Issue" written for the item's "Old, Backlog Issues" link.
                subs = [t for i in children.get(item.id, []) if (t := agenda_title(self.items[i]))]
                match = next(
                    (
                        d
                        for n, d in enumerate(notes)
                        if n not in taken
                        and d.kind == "heading"
                        and any(same_subject(t, d.title) for t in subs)
                    ),
                    None,
                )
                if match is not None:
                    match.title = title
            if match is not None:
                agreed.add(id(match))
                match.confidence = 1.0  # the agenda and the notes agree
                if match.kind == "bullet" and not self._named_bullet(match):
                    match.title = title  # the agenda names it; a bullet's head is a remark's words
                continue
            start = item.head.end if item.head else item.line + 1
            draft = TopicDraft(title=title, line=item.line, kind="agenda", start=start, end=item.end)
            draft.found, draft.confidence = FOUND_IN_SECTION, 0.9
            if item.end > start:
                draft.ranges.append((start, item.end))
            self.drafts.append(draft)
        # A heading left empty ("### Node WASI subgroup" and nothing under it) that no agenda item
        # names is the template's slot, not a subject the meeting took up.
        # "* [New member] Sehyo Chang", "### Till": an attendee's name is a person, not a subject.
        self._drop_drafts(
            [i for i, d in enumerate(self.drafts) if d.kind != "default" and self._a_person(d.title)]
        )
        self._drop_drafts(
            [
                i
                for i, d in enumerate(self.drafts)
                if d.kind == "heading"
                and id(d) not in agreed
                and not any(
                    line.strip()
                    for line in self.lines[d.start : d.end if d.end is not None else len(self.lines)]
                )
            ]
        )
        self._sort_drafts()

    def _a_person(self, title: str) -> bool:
        text = strip_markup(title).rstrip(": ").strip().lstrip("@")
        return bool(text) and len(text.split()) <= 3 and name_key(text) in self.known

    def _pair_in_order(
        self, entries: list[Item], notes: list[TopicDraft], paired: dict[int, TopicDraft], taken: set[int]
    ) -> None:
        """An agenda item the notes wrote up in their own words ("Meeting recordings (Karen)" and
        "Will the recording get uploaded? [Karen]"): the notes follow the agenda's order, so the one
        notes topic left between the neighbours' topics that shares a word, a link or the presenter.
        """
        order = sorted(range(len(notes)), key=lambda n: notes[n].line)
        position = {n: i for i, n in enumerate(order)}
        at = {e: position[notes.index(d)] for e, d in paired.items()}
        keys = [_clues(self._head_words(item.head), item.head) for item in entries]
        clues = [_clues(self._head_words(self._draft_head(d)), self._draft_head(d)) for d in notes]
        candidates: dict[int, list[int]] = {}
        for e, item in enumerate(entries):
            if e in paired or len(agenda_title(item).split()) > SHORT_TITLE_WORDS:
                continue  # a sentence of notes in the agenda shares words with anything
            low = max((p for x, p in at.items() if x < e), default=-1)
            high = min((p for x, p in at.items() if x > e), default=len(order))
            candidates[e] = [
                n
                for n in order[low + 1 : high]
                if n not in taken
                and notes[n].kind == "bullet"
                and notes[n].line >= item.end  # the notes come after the agenda, not within it
                and _ties(keys[e] & clues[n])
                and not _other_presenter(keys[e], clues[n])
            ]
        for e, found in candidates.items():
            rivals = [x for x, other in candidates.items() if x != e and set(other) & set(found)]
            if len(found) == 1 and not rivals:
                paired[e] = notes[found[0]]
                taken.add(found[0])

    def _draft_head(self, draft: TopicDraft) -> Block | None:
        if draft.item is not None:
            return self.items[draft.item].head
        return next((b for b in self.blocks if b.line == draft.line), None)

    def _head_words(self, head: Block | None) -> str:
        return head.text.split("\n", 1)[0] if head is not None else ""

    def _named_bullet(self, draft: TopicDraft) -> bool:
        """`- __time change__: Andrew brought up...`: the bold label names the subject in the notes' words."""
        head = self._draft_head(draft)
        label = split_label(CHECKBOX_RE.sub("", self._head_words(head).strip())) if head else None
        return bool(label and label.form == "bold" and label.rest and not speaker_like(label.label))

    def _list_topics(self) -> None:
        """Top-level bullets left under a container ("## Notes") that are subjects, not remarks.

        Two ways of writing say so: the bullet sits in one list with bullets that are topics
        (`* [Calvin] Federation` after `* [Lann] Process for releasing` over its sub-bullets), or
        the container holds nothing but a list of plain sentences, none with sub-bullets or a
        speaker (`* Brief discussion about existing benchmarks`), each the record of one subject.
        """
        # Bullet topics written `[Name] subject`: a list of the meeting's subjects with presenters.
        bullet_items = {
            d.item
            for d in self.drafts
            if d.kind == "bullet"
            and d.item is not None
            and (head := self.items[d.item].head) is not None
            and re.match(r"^\[[^\]]{1,40}\]\s*\S", unescape(head.text.strip()))
        }
        roots_of: dict[int, list[int]] = {}
        for block in self.blocks:
            draft = self.drafts[block.topic] if block.topic is not None else None
            root = self._root(block)
            if draft is not None and draft.kind == "default" and root is not None:
                roots = roots_of.setdefault(block.topic, [])
                if root not in roots:
                    roots.append(root)
        everything = sorted((i for i in self.items.values() if i.parent is None), key=lambda i: i.line)
        previous = {b.id: a for a, b in pairwise(everything)}
        following = {a.id: b for a, b in pairwise(everything)}
        moved: dict[int, int] = {}
        for index, roots in roots_of.items():
            first, last = self.items[roots[0]].line, self.items[roots[-1]].end
            only_list = (
                all(b.topic != index or self._root(b) is not None for b in self.blocks)
                and all(self._plain_subject(self.items[r], flat=True) for r in roots)
                # Beside bullets over sub-bullets (topics already), the plain ones are notes.
                and not any(d.kind == "bullet" and first <= d.line < last for d in self.drafts)
            )
            for root in roots:
                item = self.items[root]
                before, after = previous.get(root), following.get(root)
                sibling = (
                    (
                        (
                            before is not None
                            and (before.id in bullet_items or before.id in moved)
                            and not any(line.strip() for line in self.lines[before.end : item.line])
                        )
                        or (
                            after is not None
                            and after.id in bullet_items
                            and not any(line.strip() for line in self.lines[item.end : after.line])
                        )
                    )
                    and self._plain_subject(item, flat=False)
                    and _short_title(item)
                )
                if not ((only_list and len(roots) >= 2) or sibling):
                    continue
                draft = TopicDraft(title=sentence_title(item), line=item.line, kind="bullet", start=item.line)
                draft.item, draft.end = root, item.end
                draft.found, draft.confidence = FOUND_BY_PATTERN, 0.7 if sibling else 0.6
                self.drafts.append(draft)
                moved[root] = len(self.drafts) - 1
                self.drafts[index].ranges = [
                    (a, b) for a, b in self.drafts[index].ranges if not item.line <= a < item.end
                ]
        for block in self.blocks:
            root = self._root(block)
            if root in moved and block.topic is not None and self.drafts[block.topic].kind == "default":
                block.topic = moved[root]
        for index in roots_of:
            draft = self.drafts[index]
            if moved and draft.ranges:
                draft.line = min(start for start, _ in draft.ranges)  # where its notes now begin

    def _plain_subject(self, item: Item, *, flat: bool) -> bool:
        """A bullet that may name a subject: not a speaker's remark, an action item or a placeholder."""
        if item.head is None or item.id in self.item_role or (flat and item.has_sublist):
            return False
        first = item.head.text.split("\n", 1)[0].strip()
        if CHECKBOX_RE.match(first) or ACTION_PREFIX_RE.match(unescape(first)) or self._standup_head(first):
            return False
        text = strip_markup(first)
        if not text or PLACEHOLDER_RE.fullmatch(text):
            return False
        label = split_label(CHECKBOX_RE.sub("", first))
        if label is not None and label.form in {"bracket", "paren"} and not flat:
            return title_like(label.rest)  # "[Peter] barrier to ..., have to own a domain" is a remark
        if label is None:
            return True
        return self._speaker(first) is None and not speaker_like(label.label)

    def _agenda_entries(self, item: Item, children: dict[int, list[int]], *, top: bool) -> list[Item]:
        """The item itself, or for a template holder ("Other agenda items") its sub-items."""
        if item.head is None or item.head.quoted:
            return []  # a list inside a quotation is the quoted text's, not the agenda's
        head = _head_text(item)
        if not head or PLACEHOLDER_RE.fullmatch(head) or BOILERPLATE_TOPIC_RE.fullmatch(head):
            return []
        subs = [self.items[i] for i in children.get(item.id, []) if self.items[i].head is not None]
        if top and (HOLDER_RE.fullmatch(head) or TEMPLATE_ITEM_RE.fullmatch(head)):
            if not subs:
                # "Updates" alone is the stand-up round; "Announcements" alone is the template's.
                return [item] if not HOLDER_RE.fullmatch(head) else []
            return [e for sub in subs for e in self._agenda_entries(sub, children, top=False)]
        if _deferred(" ".join(self.lines[item.line : item.end])):
            return []
        if not top and len(subs) >= 2 and self._only_holds(item, subs):
            # "Announcements / 1. Issues concerning core-wasm / 1. Shared Memory 2. Stack Switching":
            # an item under a holder with nothing of its own but its sub-items groups them; they are
            # the subjects taken up ("Issues concerning WASI and binding", with its text, stays one).
            return [e for sub in subs for e in self._agenda_entries(sub, children, top=False)]
        return [item]

    def _only_holds(self, item: Item, subs: list[Item]) -> bool:
        """Nothing under the item's head but its sub-items, each a short title."""
        start = item.head.end if item.head else item.line + 1
        own = [line for line in self.lines[start : subs[0].line] if line.strip()]
        titles = [_head_text(sub) for sub in subs]
        # Subjects, not the points of one ("Use zoom or restream?", "New static time: 2PM EST...").
        return not own and all(t and len(t.split()) <= 8 and not re.search(r"[?:]", t) for t in titles)

    def _drop_deferred(self) -> list[str]:
        """Topics whose whole note is "deferred" / "delaying this to next meeting": not taken up."""
        dropped: list[int] = []
        for index, draft in enumerate(self.drafts):
            if draft.kind not in {"heading", "pseudo", "bullet"}:
                continue
            end = draft.end if draft.end is not None else len(self.lines)
            lines = [
                _LIST_MARK_RE.sub("", line).strip() for line in self.lines[draft.start : end] if line.strip()
            ]
            if len(lines) <= DEFERRAL_MAX_LINES and _deferred(" ".join(lines)):
                dropped.append(index)
        if not dropped:
            return []
        titles = [self.drafts[i].title for i in dropped]
        self._drop_drafts(dropped)
        return titles

    def _drop_drafts(self, dropped: list[int]) -> None:
        """Forget these topics; their blocks belong to none."""
        if not dropped:
            return
        keep = [i for i in range(len(self.drafts)) if i not in set(dropped)]
        new_index = {old: new for new, old in enumerate(keep)}
        for block in self.blocks:
            if block.topic is None:
                continue
            if block.topic in new_index:
                block.topic = new_index[block.topic]
            else:
                block.topic, block.section = None, "skip"
        self.drafts = [self.drafts[i] for i in keep]


# Words too common to tie an agenda item to a notes topic on their own.
_GENERIC = _STOP | {
    "discuss", "discussion", "meeting", "updates", "new", "next", "status", "proposal", "issue",
    "list", "topic", "question", "thing", "way", "last", "time",
}  # fmt: skip
_TAG_RE = re.compile(r"^\s*[\[(]([^\])]{1,40})[\])]|[\[(]([^\])]{1,40})[\])]\s*:?\s*$")


def _clues(line: str, head: Block | None) -> set[str]:
    """What ties a title to another: its content words (plural aside), links and presenter tag."""
    text = CHECKBOX_RE.sub("", unescape(line.strip()))
    clues = {f"link:{link.url.rstrip('/')}" for link in block_links(head)} if head is not None else set()
    tag = _TAG_RE.search(re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text))
    if tag and label_shape(tag[1] or tag[2] or ""):
        clues.add(f"by:{name_key(tag[1] or tag[2])}")
    plain_text = re.sub(r"\]\([^)]*\)|https?://\S+", " ", strip_markup(text).casefold())
    for word in re.findall(r"[a-z][\w'’]+", plain_text):
        word = word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word
        if len(word) >= 3 and word not in _GENERIC:
            clues.add(word)
    return clues


def _ties(shared: set[str]) -> bool:
    """A link, the presenter, two words, or one word that is not everyday ("recording", not "support")."""
    if len(shared) >= 2 or any(c.startswith(("link:", "by:")) for c in shared):
        return True
    return any(w not in COMMON_WORDS and f"{w}s" not in COMMON_WORDS for w in shared)


def _other_presenter(a: set[str], b: set[str]) -> bool:
    """`[Kairo] TUF questions` is not `[Kyle & Calvin] release commitments`, whatever words they share."""
    by_a, by_b = {c for c in a if c.startswith("by:")}, {c for c in b if c.startswith("by:")}
    return bool(by_a and by_b and not by_a & by_b)


def _head_text(item: Item) -> str:
    head = item.head
    if head is None:
        return ""
    first = CHECKBOX_RE.sub("", unescape(head.text.split("\n", 1)[0].strip()))
    return strip_markup(first).rstrip(": ").strip()


def _deferred(body: str) -> bool:
    text = strip_markup(body).strip()
    return bool(text) and len(text) <= DEFERRAL_MAX_CHARS and bool(DEFERRED_RE.search(text))


def _short_title(item: Item) -> bool:
    """A few words naming something ("Federation"), not a sentence of notes."""
    text = strip_markup(item.head.text.strip()) if item.head else ""
    return "\n" not in text and len(text.split()) <= SHORT_TITLE_WORDS and not re.search(r"[.!?]$", text)


def sentence_title(item: Item) -> str:
    """A bullet's first sentence, or its first line when that is short enough."""
    if item.head is None:
        return "Untitled topic"
    text = CHECKBOX_RE.sub("", plain(item.head.inline)).strip()
    text = re.sub(r"^[\[(][^\])]{1,40}[\])]\s*[-–—:]*\s*", "", text)  # "[Calvin] Federation"
    if len(text) > 100:
        text = re.split(r"(?<=[.?!])\s+", text, maxsplit=1)[0]
    return text.rstrip(" :").strip()[:300] or "Untitled topic"


def agenda_title(item: Item) -> str:
    """The item's words without list marks, presenter tags or the long explanation after them."""
    if item.head is None:
        return ""
    # "**Lime1 & WASI-SDK :** There is a proposal...": the bold label is the title, the rest its note.
    label = re.match(r"\s*(\*\*|__)([^*_\n]{2,80}?)\s*:?\s*\1\s*:?\s+\S", item.head.text)
    if (
        label
        and len(label[2].split()) <= 8
        and not speaker_like(label[2].strip().rstrip(":"))
        and not re.search(r"(?:#|\b)\d+\s*:?\s*$", label[2])  # "**Inaugural Item 1 :**" numbers the item
    ):
        return strip_presenter(strip_markup(label[2]).strip().rstrip(" :"))[:300]
    # `**Proposed Approaches**` on the first line over its explanation: the bold line is the title.
    bold_line = re.fullmatch(
        r"\s*(\*\*|__)[^*_]+\1\s*(?:<br\s*/?>|</br>)?\s*", item.head.text.split("\n", 1)[0]
    )
    # "Threading" over "Note that for threading there have been requests...": a title, then its note.
    first, _, rest = item.head.text.strip().partition("\n")
    short_line = bool(rest) and len(first.split()) <= 4 and not re.search(r"[.:;,?!]\s*$", first)
    titled = short_line and bool(re.match(r"\s*[A-Z]\w*\s+\w", rest))
    whole = plain(item.head.inline, first_line_only=bool(bold_line) or titled)
    text = CHECKBOX_RE.sub("", " ".join(whole.split())).strip()
    text = re.sub(r"^[\[(][^\])]{1,40}[\])]\s*[-–—:]*\s*", "", text)  # "[Nick] - regalloc"
    label = split_label(text)
    if label and label.form == "colon" and label.rest and speaker_like(label.label):
        text = label.rest  # "Alex: update on Wasm64"
    # "RFC -- https://...", "Hosting agendas at https://...": where, not what.
    # "updates on PackageMetadata (https://...)": the brackets go with the address (tidy_title).
    text = tidy_title(text)
    text = re.sub(r"\s*(?:[-–—]+|:|\b(?:at|see|in|on|here))?\s*<?https?://\S+", "", text) or text
    text = re.sub(r"[\s\-–—:]+$", "", strip_presenter(text))
    if len(text) > 100:
        text = re.split(r"(?<=[.?!])\s+", text, maxsplit=1)[0]
    return text.rstrip(" :").strip()[:300]


def strip_presenter(title: str) -> str:
    """`Cranelift website (Chris)`, `Upcoming events @ricochet`, `wkg - Taylor`: the subject alone."""
    name = r"@?[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?|@?[a-z][\w-]*"
    title = re.sub(rf"\s*[\[(](?:{name})(?:\s*(?:,|&|/|and)\s*(?:{name}))*[\])]\s*$", "", title)
    title = re.sub(r"\s+(?:@[\w-]+[\s,]*)+$", "", title)
    # "Discuss conformance rules; Stuart Schaefer": a person's name after the subject.
    tail = re.search(r"[,;]\s*([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2})\s*$", title)
    if tail and speaker_like(tail[1]):
        title = title[: tail.start()]
    return title.strip()


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", strip_presenter(text).casefold())
    text = re.sub(r"\s*\([^)]*\)", "", text) or text  # "(issue 7321)" says where, not what
    return tuple(w for w in re.findall(r"[\w'’]+", text) if w not in _STOP)  # "compile-time" is two words


def same_subject(a: str, b: str) -> bool:
    """An agenda item and a notes heading on the same subject ("Summary of recent security release")."""
    return subject_score(a, b) > 0


def subject_score(a: str, b: str) -> float:
    """How surely two titles name one subject: 0 when they do not, up to 1 when they are the same."""
    x, y = _words(a), _words(b)
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    words_x, words_y = {w for w in x if not w.isdigit()}, {w for w in y if not w.isdigit()}
    common = words_x & words_y  # "0.16.1" and "0.17.0" share no subject
    overlap = len(common) / max(1, min(len(words_x), len(words_y)))
    # "Legalizing in ISLE" and "legalization in ISLE": the same words, spelt a little differently.
    matcher = SequenceMatcher(None, " ".join(x), " ".join(y), autojunk=False)
    if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
        return max(matcher.ratio(), overlap)
    if len(common) >= 2 and overlap >= 0.5:
        return overlap  # "SIMD complete on x64 and aarch64" and "SIMD support complete"
    # A heading names the subject in short ("StarlingMonkey", "WASI p3") and the agenda item says
    # what about it ("Making Tomasz a StarlingMonkey reviewer", "Work towards WASIp3").
    short, long_ = sorted(("".join(x), "".join(y)), key=len)
    if (common and (words_x <= words_y or words_y <= words_x)) or (len(short) >= 4 and short in long_):
        return 0.5 * len(short) / len(long_)
    return 0.0
