"""What each database's search backend answers: a count and a page of hits, within a time limit.

decisions.search.sqlite and decisions.search.postgres implement Backend; Results picks one by
the database's vendor.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

from decisions.search.models import SearchKind

if TYPE_CHECKING:
    from decisions.search.results import Results

# A backstop below the worker timeout (30 s): a query still running this long is stopped and the
# person asked to narrow it, instead of the worker being killed mid-request.
SEARCH_TIMEOUT_SECONDS = 10.0


class SearchTooSlow(Exception):
    """A search ran past SEARCH_TIMEOUT_SECONDS and was stopped by the database."""

    message = "This search took too long. Narrow it with more or rarer words, or search one type."

    def __init__(self) -> None:
        super().__init__(self.message)


@dataclass(frozen=True)
class SearchHit:
    kind: str
    title: str
    title_html: SafeString
    url: str
    snippet: SafeString
    rank: float
    date: datetime.date | None

    @property
    def kind_label(self) -> str:
        return SearchKind(self.kind).label


class Backend:
    """The matches of one query (results.parsed among results.kinds) on one database."""

    def __init__(self, results: Results) -> None:
        self.results = results

    def count(self) -> int:
        raise NotImplementedError

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        raise NotImplementedError

    def hits_and_count(self, offset: int, limit: int) -> tuple[list[SearchHit], int] | None:
        """The page and the count in one statement, where the backend can; None where not."""
        return None
