"""What the index stores of a record (Document), and which kinds of record it keeps (Searchable).

Each kind of record says how it is indexed in its own room (decisions/rfcs/search.py,
meetings/search.py, records/search.py, precedents/search.py) with a Searchable: its document,
the fields that document reads, and the parts (a meeting's topics, a decision's options) whose
rows are part of its text. apps.ready() hands them to decisions.search.index.connect(), which
registers them here; so the search package never imports the rooms.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from decisions.search import text
from decisions.search.models import SearchEntry, SearchKind

KINDS: dict[str, str] = {
    SearchKind.RFC: "RFCs",
    SearchKind.MEETING: "Meetings",
    SearchKind.DECISION: "Decisions",
    SearchKind.PRECEDENT: "Precedents",
}


@dataclass(frozen=True)
class Document:
    """The text of one record as the index stores it."""

    kind: str
    object_id: int
    title: str
    summary: str
    body: str
    url: str
    date: datetime.date | None

    def entry(self) -> SearchEntry:
        return SearchEntry(
            id=SearchEntry.key(self.kind, self.object_id),
            kind=self.kind,
            object_id=self.object_id,
            title=text.clean(self.title)[:2000],
            summary=text.clean(self.summary),
            body=text.clean(self.body),
            url=self.url[:500],
            date=self.date,
        )


def _nothing_new(part: Model) -> bool:
    return False


@dataclass(frozen=True)
class Part:
    """A model whose rows are part of a searchable record's text (a topic of a meeting...)."""

    model: type[Model]
    # The fields the record's document reads: a save(update_fields=...) touching none changes nothing.
    reads: frozenset[str]
    # The record a part belongs to, read from the database `using` (None when it is gone).
    record: Callable[[Model, str | None], Model | None]
    # The id whose parts one bulk deletion rewrites the record's entry for once (the record's, or
    # for a remark, its topic's: remarks deleted with their topic are left to the topic).
    group: Callable[[Model], Any]
    # Whether a part just created only repeats what the record's entry already holds, answered
    # from the objects in memory without a query (then the entry is not rewritten).
    adds_nothing: Callable[[Model], bool] = _nothing_new


@dataclass(frozen=True)
class Searchable:
    """How one kind of record is indexed."""

    kind: str
    model: type[Model]
    reads: frozenset[str]
    # The document of one record, its parts read from the database `using`.
    document: Callable[[Model, str | None], Document]
    # Every record in primary key order, with what `build` needs prefetched (for rebuilds).
    everything: Callable[[str | None], QuerySet]
    # The document of a record from `everything`.
    build: Callable[[Any], Document]
    parts: tuple[Part, ...] = ()


_SEARCHABLE: dict[type[Model], Searchable] = {}
_PARTS: dict[type[Model], Part] = {}


def register(searchable: Searchable) -> None:
    """Index the records of this kind (and its parts) from now on; registering again replaces."""
    if searchable.kind not in KINDS:
        raise ValueError(f"unknown kind {searchable.kind!r}; use one of {list(KINDS)}")
    _SEARCHABLE[searchable.model] = searchable
    for part in searchable.parts:
        _PARTS[part.model] = part


def searchables() -> list[Searchable]:
    """The registered kinds, in the order of KINDS."""
    order = list(KINDS)
    return sorted(_SEARCHABLE.values(), key=lambda searchable: order.index(searchable.kind))


def searchable(model: type[Model]) -> Searchable | None:
    """The kind whose records are rows of `model`, if it is one."""
    return _SEARCHABLE.get(model)


def part(model: type[Model]) -> Part | None:
    """The part whose rows are of `model`, if it is one."""
    return _PARTS.get(model)


def reads(model: type[Model]) -> frozenset[str]:
    """The fields of `model` that some document reads."""
    found = searchable(model) or part(model)
    return found.reads if found else frozenset()


def document(record: Model, using: str | None) -> Document:
    """The document of a registered record."""
    for kind in _SEARCHABLE.values():
        if isinstance(record, kind.model):
            return kind.document(record, using)
    raise TypeError(f"{type(record).__name__} is not searchable")


def record_of(obj: Model, using: str | None) -> Model | None:
    """The searchable record obj belongs to: itself, or the record (meeting, decision) it is part of."""
    found = part(type(obj))
    return found.record(obj, using) if found else obj
