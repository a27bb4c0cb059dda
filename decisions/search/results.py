"""What a page or an endpoint asks of search: Results (lazy, for a Paginator) and search().

The names a caller needs besides (KINDS, MAX_QUERY_CHARS, SearchHit, SearchTooSlow) are
importable from here too, so a view imports one module.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import connections, router

from decisions.search.backend import Backend, SearchHit, SearchTooSlow
from decisions.search.documents import KINDS
from decisions.search.models import SearchEntry
from decisions.search.postgres import PostgresBackend
from decisions.search.query import MAX_QUERY_CHARS, clean_query, parse
from decisions.search.sqlite import SQLiteBackend

__all__ = [
    "KINDS",
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "Results",
    "SearchHit",
    "SearchPage",
    "SearchTooSlow",
    "search",
]

MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.total


class Results:
    """The hits of one query, counted and sliced lazily: a Paginator over it runs two queries.

    Given the page it will be asked for (`expect`: offset and limit), the backend answers the
    count and that page in one query (both databases count while they rank).
    """

    def __init__(
        self,
        query: str,
        *,
        kinds: Collection[str] | None = None,
        using: str | None = None,
        expect: tuple[int, int] | None = None,
    ) -> None:
        unknown = set(kinds or ()) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; use some of {list(KINDS)}")
        self.query = clean_query(query)
        self.parsed = parse(self.query)
        self.kinds = [kind for kind in KINDS if not kinds or kind in kinds]
        self.using = using or router.db_for_read(SearchEntry)
        self._count: int | None = None
        self._expect = expect
        self._pages: dict[tuple[int, int], list[SearchHit]] = {}

    def _both(self, offset: int, limit: int) -> bool:
        """Count and rank the page at offset in one query, if the backend can; True when done."""
        found = self._backend.hits_and_count(offset, limit)
        if found is None:
            return False
        self._pages[offset, limit], self._count = found
        return True

    @property
    def _backend(self) -> Backend:
        vendor = connections[self.using].vendor
        return PostgresBackend(self) if vendor == "postgresql" else SQLiteBackend(self)

    def count(self) -> int:
        if self._count is None:
            if not self.parsed:
                self._count = 0
            elif not (self._expect and self._both(*self._expect)):
                self._count = self._backend.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice | int) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None or not self.parsed or stop <= start:
            return []
        limit = min(stop - start, MAX_LIMIT)
        # A page ranked with the count holds this one when it starts here and is no shorter (a
        # Paginator asks for the last page only up to the count).
        for (offset, held), hits in self._pages.items():
            if offset == start and held >= limit:
                return hits[:limit]
        if not (self._count is None and self._both(start, limit)):
            self._pages[start, limit] = self._backend.hits(start, limit)
        return self._pages[start, limit]


def search(
    query: str, *, kinds: Collection[str] | None = None, limit: int = 20, offset: int = 0
) -> SearchPage:
    """The best `limit` hits after `offset`, with the total, in one query (none for an empty
    query): the page is ranked with the count."""
    limit, offset = max(0, min(limit, MAX_LIMIT)), max(0, offset)
    results = Results(query, kinds=kinds)
    hits = results[offset : offset + limit]
    return SearchPage(results.query, hits, results.count(), limit, offset)
