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
from decisions.search.excerpts import (
    EXCERPT_BEFORE,
    EXCERPT_CHARS,
    MARK_END,
    MARK_START,
    best_snippet,
    excerpt,
    marked,
    prefixes,
)
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

    @staticmethod
    def _window_start(column: str, prefixes: list[str]) -> tuple[str, list[str]]:
        """SQL for where the excerpt window of e.<column> starts (1-based), with its parameters.

        lower() folds ASCII only, so positions in the lowered text are positions in the text.
        """
        if not prefixes:
            return "1", []
        never = "9223372036854775807"
        found = [f"coalesce(nullif(instr(lower(e.{column}), %s), 0), {never})" for _ in prefixes]
        first = found[0] if len(found) == 1 else f"min({', '.join(found)})"
        # No query word in the text: from the start.
        return f"max(1, ifnull(nullif({first}, {never}), 1) - {EXCERPT_BEFORE})", prefixes

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        where, params = self._where()
        score = f"bm25({FTS_TABLE}, {', '.join(str(weight) for weight in BM25_WEIGHTS)})"
        marks = f"'{MARK_START}', '{MARK_END}'"
        starts = prefixes(self.results.parsed)
        summary_at, summary_params = self._window_start("summary", starts)
        body_at, body_params = self._window_start("body", starts)
        # The title is short (Document.entry cuts it), so FTS5 marks it; excerpts of the summary
        # and body are cut from a window of each in Python (see EXCERPT_CHARS), one character
        # longer than shown so that a window cut short is known.
        # The page is ranked first, alone (its scores kept); then only its rows are read, each
        # found by rowid: matching every row again to pick the page's out of them made FTS5 load
        # the positions of every match for highlight(), several times the ranking's own cost.
        sql = f"""
            WITH page(rid, score) AS MATERIALIZED (
                SELECT {FTS_TABLE}.rowid, {score} FROM {FTS_TABLE} WHERE {where}
                ORDER BY 2, 1 LIMIT %s OFFSET %s
            )
            SELECT e.kind, e.title, highlight({FTS_TABLE}, 0, {marks}), e.url,
                   {summary_at}, substr(e.summary, {summary_at}, {EXCERPT_CHARS + 1}),
                   {body_at}, substr(e.body, {body_at}, {EXCERPT_CHARS + 1}),
                   page.score, e.date
            FROM page CROSS JOIN {FTS_TABLE} CROSS JOIN decisions_searchentry e
            WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = page.rid AND e.id = page.rid
            ORDER BY page.score, page.rid
        """
        window_params = summary_params * 2 + body_params * 2
        using = self.results.using
        with _deadline(using), connections[using].cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset, *window_params, self.results.parsed.fts5()])
            rows = cursor.fetchall()

        def cut(start: int, window: str) -> str:
            shown = window[:EXCERPT_CHARS]
            return excerpt(shown, starts, clipped_start=start > 1, clipped_end=len(window) > EXCERPT_CHARS)

        return [
            SearchHit(
                kind,
                title,
                marked(title_marked),
                url,
                marked(best_snippet(cut(summary_at, summary), cut(body_at, body))),
                -score,
                datetime.date.fromisoformat(date) if isinstance(date, str) else date,
            )
            for kind, title, title_marked, url, summary_at, summary, body_at, body, score, date in rows
        ]
