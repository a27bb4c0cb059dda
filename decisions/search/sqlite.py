"""Search on SQLite: FTS5 matches and bm25() ranks, excerpts cut in Python, a progress deadline.

Migration 0004 creates the FTS5 table, kept in step with the entries by triggers.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connections

from decisions.search import backend
from decisions.search.backend import Backend, SearchHit, SearchTooSlow
from decisions.search.documents import KINDS
from decisions.search.excerpts import hit_excerpt, marked, marked_words, prefixes
from decisions.search.models import SearchEntry

FTS_TABLE = "decisions_searchentry_fts"
# Title above summary above body, on both databases.
BM25_WEIGHTS = (10.0, 4.0, 1.0)
# SQLite calls the progress handler every this many virtual machine steps (~1 ms of work).
PROGRESS_STEPS = 10_000


@contextmanager
def _deadline(using: str) -> Iterator[None]:
    """Abort the statements run inside after SEARCH_TIMEOUT_SECONDS (SQLite's progress handler)."""
    wrapper = connections[using]
    wrapper.ensure_connection()
    raw = wrapper.connection
    deadline = time.monotonic() + backend.SEARCH_TIMEOUT_SECONDS
    stopped: list[bool] = []

    def progress() -> int:
        if time.monotonic() >= deadline:
            stopped.append(True)
            return 1  # non-zero: SQLite interrupts the statement
        return 0

    raw.set_progress_handler(progress, PROGRESS_STEPS)
    try:
        yield
    except OperationalError as error:
        if stopped:
            raise SearchTooSlow() from error
        raise
    finally:
        raw.set_progress_handler(None, PROGRESS_STEPS)


class SQLiteBackend(Backend):
    """Ranks on the FTS5 table alone, then joins the entries for the one page it shows.

    Joining every match to its entry to filter or order by a column of it costs a row read
    per match; the kind is read from the key instead (SearchEntry.key), and ties go by key.
    """

    def _where(self) -> tuple[str, list[Any]]:
        sql, params = f"{FTS_TABLE} MATCH %s", [self.results.parsed.fts5()]
        if len(self.results.kinds) < len(KINDS):
            codes = [SearchEntry.KIND_CODES[kind] for kind in self.results.kinds]
            sql += f" AND {FTS_TABLE}.rowid %% 8 IN ({', '.join(['%s'] * len(codes))})"
            params += codes
        return sql, params

    def count(self) -> int:
        where, params = self._where()
        with _deadline(self.results.using), connections[self.results.using].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", params)
            return cursor.fetchone()[0]

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        return self._page(offset, limit, counted=False)[0]

    def hits_and_count(self, offset: int, limit: int) -> tuple[list[SearchHit], int]:
        """The page and the count in one statement: FTS5 counts the matches in a subquery without
        reading their rows, as count() does, and a statement less is a round of Django's cursor
        and the deadline's handler less."""
        return self._page(offset, limit, counted=True)

    def _page(self, offset: int, limit: int, *, counted: bool) -> tuple[list[SearchHit], int]:
        where, params = self._where()
        score = f"bm25({FTS_TABLE}, {', '.join(str(weight) for weight in BM25_WEIGHTS)})"
        # The page is ranked first, alone (its scores kept); then only its rows are read, by id.
        # Every mark (title, summary and body excerpts) is made in Python (excerpts): FTS5's
        # highlight() matched the page's rows again, and matching every row again to pick the
        # page's out of them made FTS5 load the positions of every match, several times the
        # ranking's own cost. With the count, one row comes back even when no entry does.
        count = f"(SELECT count(*) FROM {FTS_TABLE} WHERE {where})" if counted else "NULL"
        sql = f"""
            WITH page(rid, score) AS MATERIALIZED (
                SELECT {FTS_TABLE}.rowid, {score} FROM {FTS_TABLE} WHERE {where}
                ORDER BY 2, 1 LIMIT %s OFFSET %s
            )
            SELECT {count}, e.kind, e.title, e.url, e.summary, e.body, page.score, e.date
            FROM (SELECT 1) one
            LEFT JOIN (page CROSS JOIN decisions_searchentry e ON e.id = page.rid) ON true
            ORDER BY page.score, page.rid
        """
        using = self.results.using
        with _deadline(using), connections[using].cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset, *(params if counted else [])])
            rows = cursor.fetchall()
        starts = prefixes(self.results.parsed)
        hits = [
            SearchHit(
                kind,
                title,
                marked(marked_words(title, starts)),
                url,
                marked(hit_excerpt(summary, body, starts)),
                -score,
                datetime.date.fromisoformat(date) if isinstance(date, str) else date,
            )
            for _, kind, title, url, summary, body, score, date in rows
            if kind is not None
        ]
        return hits, (rows[0][0] if rows else 0)
