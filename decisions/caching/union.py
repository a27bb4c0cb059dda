"""Several short relations of many records, read in one UNION ALL query instead of one query each.

A decision page or export shows a dozen small lists per record (areas, related RFCs, status
history, references kept as written...). One query per list puts the page over its query budget
(at most 10 queries a page, whatever the data size: `make bench` checks it), and
prefetch_related costs more in manager overhead than the queries do. Here each relation is a
branch of one UNION ALL: every branch selects the owner's id, its tag and its columns in typed
slots (integers, texts, dates, times), padded with NULLs to a common width so both SQLite and
PostgreSQL accept the compound query. Rows come back as dicts grouped by tag. The relations of
each page live in its room (rfcs/pages.py, meetings/pages.py, records/pages.py, and
caching/dashboard.py for the home page); fingerprint() keys the fragments they cache.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BigIntegerField, DateField, DateTimeField, F, QuerySet, TextField, Value
from django.db.models.functions import Cast

INT, TEXT, DATE, DATETIME = "int", "text", "date", "datetime"
INT, TEXT, DATE, DATETIME = "int", "text", "date", "datetime"
_FIELDS = {INT: BigIntegerField, TEXT: TextField, DATE: DateField, DATETIME: DateTimeField}


@dataclass(frozen=True)
class Relation:
    """One branch: the rows of `rows`, grouped by the id at `owner`, with named, typed columns."""

    tag: str
    rows: QuerySet
    owner: str
    columns: dict[str, tuple[str, Any]]  # name -> (INT | TEXT | DATE | DATETIME, field path or expression)


Rows = dict[str, list[tuple[int, dict[str, Any]]]]


@dataclass(frozen=True)
class _Union:
    query: QuerySet
    layouts: dict[str, list[tuple[str, int]]]  # tag -> [(column name, position in the row)]
    positions: dict[str, tuple[int, ...]]  # kind -> positions of its slots in a row

    def group(self, rows: Iterable[Sequence[Any]], tags: Iterable[str]) -> Rows:
        grouped: Rows = {tag: [] for tag in tags}
        for row in rows:
            layout = self.layouts[row[1]]
            grouped[row[1]].append((row[0], {name: row[index] for name, index in layout}))
        return grouped


def _union(relations: Sequence[Relation]) -> _Union:
    width = {
        kind: max(sum(1 for k, _ in relation.columns.values() if k == kind) for relation in relations)
        for kind in _FIELDS
    }
    layouts: dict[str, list[tuple[str, int]]] = {}
    branches = []
    positions: dict[str, tuple[int, ...]] = {}
    for relation in relations:
        slots: dict[str, list[tuple[str, Any]]] = {kind: [] for kind in _FIELDS}
        for name, (kind, path) in relation.columns.items():
            slots[kind].append((name, path))
        expressions: list[Any] = [F(relation.owner), Value(relation.tag, output_field=TextField())]
        layout = []
        for kind, output in _FIELDS.items():
            positions[kind] = tuple(range(len(expressions), len(expressions) + width[kind]))
            for name, path in slots[kind]:
                layout.append((name, len(expressions)))
                expressions.append(F(path) if isinstance(path, str) else path)
            # Typed NULLs: PostgreSQL resolves UNION column types pairwise, an untyped NULL as text.
            expressions += [Cast(Value(None), output()) for _ in range(width[kind] - len(slots[kind]))]
        layouts[relation.tag] = layout
        # Every column is an annotation with a positional alias, so all branches list their
        # columns in the same order (Django puts plain fields before annotations otherwise).
        aliases = {f"rel_c{index}": expression for index, expression in enumerate(expressions)}
        branches.append(relation.rows.order_by().annotate(**aliases).values_list(*aliases))
    query = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return _Union(query, layouts, positions)


def load(relations: Sequence[Relation]) -> Rows:
    """Run every relation in one query; return tag -> [(owner id, {column: value}), ...].

    Rows arrive in no particular order: callers sort them as their page or file needs.
    """
    union = _union(relations)
    return union.group(union.query, (relation.tag for relation in relations))


class PreparedUnion:
    """The same relations for other ids each time, their SQL built once per database and count.

    Building a few querysets and compiling their union costs milliseconds of Python, more than
    running it, and a page asks for it on every request. The SQL is compiled once with marker
    ids (as many as asked for), and each call swaps the markers for the wanted ids.
    """

    MARKER = -7_340_033  # and the numbers below it: never an id

    def __init__(self, build: Callable[[list[int]], Sequence[Relation]]) -> None:
        self.build = build
        self._compiled: dict[tuple[str, int], tuple[_Union, str, tuple[Any, ...], tuple[str, ...]]] = {}

    def rows(self, owner: int | None = None, using: str = DEFAULT_DB_ALIAS) -> Rows:
        """The rows of one owner (or of none, for relations that take no id)."""
        return self.rows_of([] if owner is None else [owner], using)

    def rows_of(self, ids: Sequence[int], using: str = DEFAULT_DB_ALIAS) -> Rows:
        key = (using, len(ids))
        if key not in self._compiled:
            relations = self.build([self.MARKER - index for index in range(len(ids))] or [self.MARKER])
            union = _union(relations)
            sql, params = union.query.query.get_compiler(using).as_sql()
            self._compiled[key] = (union, sql, tuple(params), tuple(r.tag for r in relations))
        union, sql, params, tags = self._compiled[key]
        wanted = {self.MARKER - index: value for index, value in enumerate(ids)}
        values: Sequence[Any] | dict[str, Any] = [
            wanted.get(param, param) if isinstance(param, int) else param for param in params
        ]
        if connections[using].vendor == "sqlite":
            sql, values = _named(sql), {f"p{index}": value for index, value in enumerate(values)}
        with _cursor(connections[using]) as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
        if connections[using].vendor == "sqlite" and (union.positions[DATE] or union.positions[DATETIME]):
            rows = [_parse_sqlite(row, union.positions) for row in rows]
        return union.group(rows, tags)


_PLACEHOLDER = re.compile(r"(?<!%)%s")


@lru_cache(maxsize=64)
def _named(sql: str) -> str:
    """The SQL with its %s placeholders named (%(p0)s, %(p1)s...), worked out once per statement.

    Django's SQLite cursor turns %s into ? with a regular expression on every execute, which
    on a union of 20 KB took longer than running it (1.5 ms); named placeholders it fills in
    with one % formatting instead.
    """
    count = itertools.count()
    return _PLACEHOLDER.sub(lambda _: f"%(p{next(count)})s", sql)


def _cursor(connection: Any) -> Any:
    """A cursor that, on PostgreSQL, prepares the statement on the server once per connection.

    Planning a ten-branch UNION takes PostgreSQL longer than running it (2.4 ms against 0.7 on a
    decision page); a prepared statement is planned once per connection. Django's cursors bind
    parameters on the client and never prepare (it switches psycopg's preparing off), so this
    is a server-binding psycopg cursor that prepares; nothing else on the connection starts
    preparing. Behind a pooler that cannot keep prepared statements (PgBouncer before 1.21 in
    transaction mode), set DECISIONS_PREPARED_QUERIES = False.
    """
    if connection.vendor != "postgresql" or not getattr(settings, "DECISIONS_PREPARED_QUERIES", True):
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Explicit prepare=True only works when preparing is not off; a threshold no query
        # reaches keeps every other query unprepared, as Django set it.
        raw.prepare_threshold = 2**31
    return _PreparedCursor(connection)


class _PreparedCursor:
    """Just enough of a Django cursor: execute, fetchall, errors as Django's, queries logged."""

    def __init__(self, connection: Any) -> None:
        import psycopg  # only with PostgreSQL

        self.connection = connection
        self.cursor = psycopg.Cursor(connection.connection)

    def __enter__(self) -> _PreparedCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        started = time.monotonic()
        with self.connection.wrap_database_errors:
            self.cursor.execute(sql, params, prepare=True)
        if self.connection.queries_logged:
            self.connection.queries_log.append(
                {
                    "sql": self.connection.ops.compose_sql(sql, params),
                    "time": f"{time.monotonic() - started:.3f}",
                }
            )

    def fetchall(self) -> list[Any]:
        with self.connection.wrap_database_errors:
            return self.cursor.fetchall()


def _parse_sqlite(row: Sequence[Any], positions: dict[str, tuple[int, ...]]) -> list[Any]:
    """What Django's converters do to SQLite's text dates (a raw cursor gets no converters)."""
    row = list(row)
    for index in positions[DATE]:
        if isinstance(row[index], str):
            row[index] = datetime.date.fromisoformat(row[index][:10])
    for index in positions[DATETIME]:
        if isinstance(row[index], str):
            value = datetime.datetime.fromisoformat(row[index])
            row[index] = (
                value.replace(tzinfo=datetime.UTC) if settings.USE_TZ and value.tzinfo is None else value
            )
    return row


def fingerprint(rows: Rows) -> str:
    """A short digest of rows: equal rows give equal digests, any change a new one.

    Rows in another order give another digest too, which costs a cache miss, never a stale page.
    """
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()
