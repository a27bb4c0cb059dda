"""Search on PostgreSQL: a GIN-matched tsvector ranked by ts_rank, excerpts cut in Python.

Migration 0004 adds the generated `vector` column and its GIN index, migration 0008 the small
`rank_vector` ranked by; neither is a model field, since SQLite has neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet
from django.db.models.expressions import Col, Expression

from decisions.search import backend, common
from decisions.search.backend import Backend, SearchHit, SearchTooSlow
from decisions.search.documents import KINDS
from decisions.search.excerpts import hit_excerpt, marked, marked_words, prefixes
from decisions.search.models import SearchEntry
from decisions.search.query import ParsedQuery

PG_CONFIG = "english"


class _VectorColumn(Expression):
    """A tsvector column that migrations add on PostgreSQL (columns SQLite lacks, so no fields):
    `vector` (0004, matched through its GIN index) or `rank_vector` (0008, ranked by).

    Resolves to a column of the query's own table alias, so it stays right inside subqueries.
    """

    output_field = SearchVectorField()

    def __init__(self, name: str = "vector") -> None:
        super().__init__()
        self.name = name

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Col:
        field = SearchVectorField()
        field.set_attributes_from_name(self.name)
        field.model = SearchEntry
        return Col(query.get_initial_alias(), field)


class PostgresBackend(Backend):
    """Ranks with ts_rank over the GIN-matched rows, then excerpts the rows of the page only.

    ts_headline parses the text it is given again, about 5 ms per 20 KB, and far more on a
    repeated phrase, so it marks only the short title; the summary and body excerpts come from
    a window of each (decisions.search.excerpts), never the whole text.
    """

    @staticmethod
    def _query(parsed: ParsedQuery) -> SearchQuery:
        return SearchQuery(parsed.websearch(), search_type="websearch", config=PG_CONFIG)

    def _entries(self) -> QuerySet:
        return SearchEntry.objects.using(self.results.using).alias(vector=_VectorColumn())

    def _matches(self) -> QuerySet:
        entries = self._entries().filter(vector=self._query(self.results.parsed))
        if len(self.results.kinds) < len(KINDS):
            entries = entries.filter(kind__in=self.results.kinds)
        return entries

    def count(self) -> int:
        with self._index_scans():
            return self._matches().count()

    @contextmanager
    def _index_scans(self) -> Iterator[None]:
        """Match through the GIN index, never by reading every row's vector, within a time limit.

        For a common word the planner estimates a sequential scan cheaper, not knowing that it
        must read each long vector out of line (TOAST): 145 ms against 15 ms at 13,000 entries.
        The statement timeout turns a runaway query into SearchTooSlow before the worker is
        killed. SET LOCAL lasts until the transaction ends, so it changes nothing else.
        """
        using = self.results.using
        with _too_slow(), transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(*_local_settings())
            yield

    def hits_and_count(self, offset: int, limit: int) -> tuple[list[SearchHit], int]:
        wrapper = connections[self.results.using]
        if wrapper.in_atomic_block or not wrapper.get_autocommit():
            with self._index_scans():
                return self._hits_and_count(offset, limit)
        # Outside a transaction (a request's own): the settings and the search sent as one
        # message, which PostgreSQL runs as one transaction of its own, so SET LOCAL holds for
        # the search alone: one round trip instead of four (BEGIN, SET, the search, COMMIT).
        with _too_slow():
            return self._hits_and_count(offset, limit, settings=_local_settings())

    def _hits_and_count(
        self, offset: int, limit: int, settings: tuple[str, list[object]] | None = None
    ) -> tuple[list[SearchHit], int]:
        """One statement: every match is read once (from the GIN index's bitmap) and ranked, kept
        as (id, date, rank) to be counted and to give the page; then only the page's rows are
        read again, for their excerpts. Counting apart read every matching row a second time.
        A query kept by decisions.search.common skips the matches: its kept count and list.

        Every mark is made in Python, as on SQLite: the title's words whole (marked_words), the
        summary and body excerpts from a window of each (excerpt_of). ts_headline parsed each
        2,000-character window again, most of a rare phrase's time, and each title too.
        """
        parsed = self.results.parsed
        where, where_params, kinds = "", [], None
        if len(self.results.kinds) < len(KINDS):
            kinds = list(self.results.kinds)
            where = f" AND e.kind IN ({', '.join(['%s'] * len(kinds))})"
            where_params = kinds
        need = offset + limit
        wanted = parsed.wanted().websearch()
        # Every match, ranked: what a search reads when its ranking is not kept.
        matching = (
            f"""
            SELECT e.id, e.date, ts_rank(e.rank_vector, ranked.query) AS rank
            FROM decisions_searchentry e, websearch_to_tsquery('{PG_CONFIG}'::regconfig, %s) ranked(query)
            WHERE e.vector @@ websearch_to_tsquery('{PG_CONFIG}'::regconfig, %s){where}
            """,
            [wanted, parsed.websearch(), *where_params],
        )
        # A query searched before with many matches has its count and best entries kept
        # (decisions.search.common): when they give the page, the matches are neither counted nor
        # ranked (`matched` stops at its one-time filter).
        query_key = common.key(parsed.websearch(), list(self.results.kinds))
        kept_sql, kept_params = common.read_sql(query_key, wanted, parsed.websearch(), kinds, need)
        keep_sql, keep_params = common.keep_sql(query_key, wanted, parsed.websearch(), kinds, need)
        sql = f"""
            WITH {kept_sql},
            matched AS MATERIALIZED (
                {matching[0]} AND NOT (SELECT whole FROM kept_whole)
            ), page AS (
                (SELECT id, rank, date FROM kept_page WHERE (SELECT whole FROM kept_whole)
                 ORDER BY rank DESC, date DESC NULLS LAST, id LIMIT %s OFFSET %s)
                UNION ALL
                (SELECT id, rank, date FROM matched ORDER BY rank DESC, date DESC NULLS LAST, id
                 LIMIT %s OFFSET %s)
            )
            -- total.kept is read so that its function runs (keeping the query, when it should).
            SELECT total.n, total.kept, e.kind, e.title, e.url, e.summary, e.body, page.rank, e.date
            FROM (
                SELECT n, whole, {keep_sql} AS kept FROM (
                    SELECT CASE WHEN whole THEN (SELECT n FROM kept_count) ELSE (SELECT count(*) FROM matched)
                           END AS n, whole
                    FROM kept_whole
                ) counted
            ) total
            LEFT JOIN (page JOIN decisions_searchentry e ON e.id = page.id) ON true
            ORDER BY page.rank DESC, page.date DESC NULLS LAST, page.id
        """
        params = [*kept_params, *matching[1], limit, offset, limit, offset, *keep_params]
        with connections[self.results.using].cursor() as cursor:
            if settings is None:
                cursor.execute(sql, params)
            else:
                cursor.execute(f"{settings[0]}; {sql}", [*settings[1], *params])
                cursor.nextset()  # the search's rows, after the settings' one
            rows = cursor.fetchall()
        total = rows[0][0] if rows else 0
        starts = prefixes(parsed)
        hits = [
            SearchHit(
                kind,
                title,
                marked(marked_words(title, starts)),
                url,
                marked(hit_excerpt(summary, body, starts)),
                float(rank),
                date,
            )
            for _, _, kind, title, url, summary, body, rank, date in rows
            if kind is not None
        ]
        return hits, total

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        # The count comes with the page at little cost (the matches are ranked either way).
        return self.hits_and_count(offset, limit)[0]


def _local_settings() -> tuple[str, list[object]]:
    """The statement that sets a search's plan and time limit for its transaction (SET LOCAL)."""
    return (
        "SELECT set_config('enable_seqscan', 'off', true), set_config('statement_timeout', %s, true)",
        [str(max(1, int(backend.SEARCH_TIMEOUT_SECONDS * 1000)))],
    )


@contextmanager
def _too_slow() -> Iterator[None]:
    """A search the statement timeout stopped: SearchTooSlow."""
    try:
        yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise SearchTooSlow() from error
        raise
