"""What the reader's passes share: the notes' blocks and list items, the roles of items, the topic drafts."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from decisions.meetings.parsing.blocks import Block, read_blocks, strip_markup
from decisions.meetings.parsing.words import SECTION_RES


@dataclass
class TopicDraft:
    title: str
    line: int
    kind: str  # heading | pseudo | bullet | default
    start: int = 0
    end: int | None = None
    item: int | None = None
    ranges: list[tuple[int, int]] = field(default_factory=list)
    # How the topic was found (results.FOUND_*) and how sure that reading is; see _new_topic.
    found: str = "section"
    confidence: float = 1.0


class ReaderBase:
    """The state of one reading. Each pass is a mixin on this class and Reader (reader.py) combines
    them, so a pass may call another pass's methods (`_speaker`, `_owner_name`...).
    """

    def __init__(self, text: str, *, path: str | None, default_date: datetime.date | None) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.path = path
        self.default_date = default_date
        self.blocks, self.items = read_blocks(text)
        self.warnings: list[str] = []
        self.title = ""
        self.drafts: list[TopicDraft] = []
        self.agenda_ranges: list[tuple[int, int]] = []
        self.names: list[tuple[str, list[str]]] = []
        self.attendees: list[str] = []
        self.attendee_aliases: dict[str, list[str]] = {}
        self.field_date: str | None = None
        self.item_role: dict[int, str] = {}
        self.accepted: set[str] = set()
        self.known: dict[str, str] = {}
        self.counts: Counter[str] = Counter()
        self._handle_notes = False

    # Pass 0: list items that introduce action items or attendees ("* Action Items:") ---------

    def _roles(self) -> None:
        for item in self.items.values():
            if item.head is None or not item.has_sublist:
                continue
            label = strip_markup(item.head.text.split("\n", 1)[0]).rstrip(": ").strip()
            for role in ("actions", "attendees"):
                if label and SECTION_RES[role].fullmatch(label):
                    self.item_role[item.id] = role

    def _role(self, block: Block) -> tuple[str | None, int | None]:
        """The role a block inherits from an enclosing item, and that item."""
        item_id = block.item
        if item_id is not None and block.first_in_item:
            item_id = self.items[item_id].parent
        while item_id is not None:
            if item_id in self.item_role:
                return self.item_role[item_id], item_id
            item_id = self.items[item_id].parent
        return None, None

    def _sort_drafts(self) -> None:
        """Topics in the order of the notes, each block still pointing at its own topic."""
        order = sorted(range(len(self.drafts)), key=lambda i: (self.drafts[i].line, i))
        new_index = {old: new for new, old in enumerate(order)}
        self.drafts = [self.drafts[i] for i in order]
        for block in self.blocks:
            if block.topic is not None:
                block.topic = new_index[block.topic]

    def _root(self, block: Block) -> int | None:
        item_id = block.item
        while item_id is not None and self.items[item_id].parent is not None:
            item_id = self.items[item_id].parent
        return item_id
