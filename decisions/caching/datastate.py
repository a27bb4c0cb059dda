"""A short value that changes whenever committed data changes: the key of whole cached pages.

Page fragments are cached under fingerprints of the rows a page shows
(decisions.caching.union.fingerprint), which costs the query that reads those rows on every
request. A visitor's page can instead be cached
under the state of the whole database, read in one trivial query. The state must move only once
a write is visible to readers (moved earlier, a reader could cache the old page under the new
state), and writers must not wait for each other to move it:

- SQLite: a one-row table that a trigger on every watched table sets to a new random value, in
  the same transaction as the write. SQLite has one writer at a time, so this costs no
  contention, and the value becomes visible exactly when the write does.
- PostgreSQL: a sequence, which never blocks. Django moves it once right after a transaction
  that wrote commits (an execute wrapper notices the write and registers an on_commit hook), and
  triggers deferred to the commit move it for writes from outside the app (psql, another tool):
  for those, a visitor reading in the instant between the trigger and the commit could still
  cache the old page under the new state. The app itself never uses manual transactions
  (set_autocommit(False)), whose writes only those triggers would see.

The triggers are (re)created after every `migrate`, so tables added later are covered too.

On PostgreSQL reading the sequence is a round trip, as long as building a page from its cached
fragments; so each connection LISTENs on the state's channel, and every move of the state sends a
notification (NOTIFY, delivered once the moving transaction commits). A connection keeps the
value it read and answers from it while no notification has arrived, checked by reading what is
waiting on its socket, without a round trip. The connection's own writes come back to it before
their statement returns, as does this process's forgetting (forget_recent); another connection's
commit is seen as soon as its notification arrives, well under a millisecond (the order a reader
racing that commit sees anyway).

None means "no state to key by": inside a transaction (a test case, an atomic block) the
connection's own uncommitted writes are not part of the value; other databases are not supported.
"""

from __future__ import annotations

import logging
import re
import secrets
import select
from collections.abc import Callable
from functools import cache, partial
from time import monotonic
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.db.utils import DatabaseError, InterfaceError, OperationalError

logger = logging.getLogger(__name__)

STATE = "rfcs_data_state"  # the SQLite table, the PostgreSQL sequence
# A view whose page changes at a known time (a final comment period's end) sets this response
# header to the seconds the page holds; the page cache keeps it no longer and removes the header.
SECONDS_HEADER = "X-Page-Cache-Seconds"
_BUMP_FUNCTION = "rfcs_bump_data_state"
_TRIGGER = "rfcs_state_"
# Tables whose rows no page shows: a sign-in or a cache write must not empty the page cache.
# The background task queue (django-tasks) and webhook deliveries count as unwatched too: the
# worker writes a task's status as it runs, which changes no page. So do the records' stored
# Markdown files (records/export/stored.py): an export keeps what it rendered, which changes no page.
# So do a query's kept count and list, and the log of changes beside them (search/common.py):
# a search keeps them, and they only move with the search entries, which are watched.
UNWATCHED = {
    STATE, "django_session", "django_migrations",
    "django_tasks_database_dbtaskresult", "decisions_hookdelivery", "decisions_storedmarkdown",
    "decisions_searchkept", "decisions_searchkepttop", "decisions_searchchange",
}  # fmt: skip
# Moves the state on PostgreSQL and tells every listening connection, once committed.
MOVE_SQL = f"SELECT nextval('{STATE}'), pg_notify('{STATE}', '')"
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|TRUNCATE|MERGE)\b", re.IGNORECASE)


def current(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The database's data state now, or None when it cannot key a cache (see the module doc)."""
    connection = connections[using]
    if connection.in_atomic_block or connection.vendor not in ("sqlite", "postgresql"):
        return None
    listen = connection.vendor == "postgresql" and settings.DATABASE_LISTEN
    if listen and (kept := _kept(connection)) is not None:
        return kept
    forgotten = _forgotten
    try:
        if not listen:
            column = "value" if connection.vendor == "sqlite" else "last_value"
            row, keepable = _read_checking(connection, f"SELECT {column} FROM {STATE}"), False
        else:
            row, keepable = _read_checking(connection, f"SELECT last_value FROM {STATE}", listen=True)
    except DatabaseError as error:
        if _missing(error):  # a database not made by `migrate`: nothing to key by
            return None
        raise
    if row is None:
        return None
    where = connection.settings_dict
    value = f"{connection.vendor}:{where.get('HOST') or ''}:{where['NAME']}:{row[0]}"
    if keepable:
        _keep(connection, value, forgotten)
    return value


_KEPT = "_rfcs_state_kept"  # on a connection wrapper: (its psycopg connection, _forgotten, value)
# Other channels a listening connection LISTENs on: what a notification on each does with its
# payload, and what to do when a connection starts listening (anything sent before went unheard).
# decisions.accounts.sessions keeps each process's copy of the sessions by one.
_CHANNELS: dict[str, tuple[Callable[[str], None], Callable[[], None]]] = {}


def listen_also(channel: str, heard: Callable[[str], None], unheard: Callable[[], None]) -> None:
    """Have every listening connection LISTEN on `channel` too (call before connections open)."""
    _CHANNELS[channel] = (heard, unheard)


def listened(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The state, when this connection listens and has handled every notification that reached
    it (else None): a process-local copy of rows whose writes notify (the sessions), or kept
    under this state (the users), can be trusted right now."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.DATABASE_LISTEN:
        return None
    state = current(using)
    return state if state is not None and _KEPT in connection.__dict__ else None


def listening(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether listened() has a state: the copies may be trusted."""
    return listened(using) is not None


def _keep(connection: Any, value: str, forgotten: int) -> None:
    """Keep the value on this connection, which listens (see the module doc)."""
    connection.__dict__[_KEPT] = (connection.connection, forgotten, value)


def _listen(connection: Any) -> None:
    """LISTEN on every channel, once per connection and before its first state read.

    A statement of its own, committed before the read: LISTEN sent in one string with the SELECT
    would only take effect when both end, and a commit in between would never be heard.
    """
    raw = connection.connection
    if getattr(raw, "_rfcs_listens", None) == len(_CHANNELS):
        return
    if getattr(raw, "_rfcs_state_handler", None) is None:
        # Notifications read during a query (the connection's own writes among them) land here.
        handler = partial(_notified, connection, raw)
        raw.add_notify_handler(handler)
        raw.add_notice_handler(partial(_noticed, raw))
        raw._rfcs_state_handler = handler
        raw._rfcs_moves = 0
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"LISTEN {channel}" for channel in [STATE, *_CHANNELS]))
    raw._rfcs_listens = len(_CHANNELS)
    for _, unheard in _CHANNELS.values():  # what was sent before was not heard
        unheard()


def _notified(connection: Any, raw: Any, notify: Any) -> None:
    _heard(connection, raw, notify.channel, notify.payload)


def _heard(connection: Any, raw: Any, channel: str, payload: str) -> None:
    if channel == STATE:
        # Counted, so a read that a move overtook is not kept (current()).
        raw._rfcs_moves = getattr(raw, "_rfcs_moves", 0) + 1
        connection.__dict__.pop(_KEPT, None)
    elif channel in _CHANNELS:
        _CHANNELS[channel][0](payload)


def _dropped(connection: Any) -> None:
    """The connection is broken, gone, or behind: it can no longer tell what changed."""
    connection.__dict__.pop(_KEPT, None)
    for _, unheard in _CHANNELS.values():
        unheard()


def _readable(socket: int) -> bool:
    """Whether the socket has bytes waiting, without waiting (poll: any descriptor number)."""
    poller = select.poll()
    poller.register(socket, select.POLLIN)
    return bool(poller.poll(0))


def _noticed(raw: Any, diagnostic: Any) -> None:
    """A FATAL notice read while idle (a terminated connection's farewell, before its end): the
    connection is gone, though its status still says OK until the end is read."""
    if diagnostic.severity_nonlocalized == "FATAL":
        raw._rfcs_fatal = True


# Reads of a socket's waiting bytes one look may make (libpq takes up to 16 KB each, a few
# hundred notifications); a connection left further behind is not trusted and reads afresh.
POLL_READS = 64


def _kept(connection: Any) -> str | None:
    """The value this connection keeps, when nothing has moved the state since it was read."""
    kept = connection.__dict__.get(_KEPT)
    if kept is None:
        return None
    raw, forgotten, value = kept
    if raw is not connection.connection or raw.closed:
        _dropped(connection)
        return None
    if raw._rfcs_listens != len(_CHANNELS):  # a channel registered since: LISTEN on it too
        connection.__dict__.pop(_KEPT, None)
        return None
    if forgotten != _forgotten:
        connection.__dict__.pop(_KEPT, None)
        return None
    if not _drained(connection, raw):
        _dropped(connection)
        return None
    if _KEPT not in connection.__dict__:
        return None
    # The look at the socket is the connection's health check for this request: what Django's
    # `SELECT 1` finds (a server that closed the connection, restarted, crashed) leaves its
    # farewell or its end there, and sending `SELECT 1` too would cost the round trip saved.
    if connection.health_check_enabled:
        connection.health_check_done = True
    return value


def _drained(connection: Any, raw: Any) -> bool:
    """Handle every notification waiting on the socket, never waiting for more; False when the
    connection is broken or so far behind that its copy cannot be trusted."""
    import psycopg  # PostgreSQL's driver: imported only where it is the database

    pgconn = raw.pgconn
    try:
        for _ in range(POLL_READS):
            pgconn.consume_input()
            heard = False
            while (notify := pgconn.notifies()) is not None:
                heard = True
                _heard(connection, raw, notify.relname.decode(), notify.extra.decode())
            # Done when a read brought nothing and the socket has nothing more: a read that
            # brought notifications may have left more decrypted but unread (TLS); a readable
            # socket holds more of them, or the server's farewell and the end after it.
            if not heard and not _readable(pgconn.socket):
                return pgconn.status == psycopg.pq.ConnStatus.OK and not getattr(raw, "_rfcs_fatal", False)
    except (psycopg.Error, OSError, ValueError):
        return False
    return False


def _read_checking(connection: Any, sql: str, listen: bool = False) -> Any:
    """The state's row; at the start of a request, also the connection's health check.

    With CONN_HEALTH_CHECKS, the first query of a request on a kept connection is preceded by
    `SELECT 1` (BaseDatabaseWrapper.is_usable): on PostgreSQL a round trip of its own, as long as
    the state read that every built page begins with. This read stands in for it: when it fails
    and the connection proves broken (a server restarted while it was idle), the connection is
    opened again and the read made once more, as the check would have done. Reading twice
    changes nothing, and outside a transaction (see current()) nothing else is lost.
    """
    checking = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
    )
    if checking:
        connection.health_check_done = True
    try:
        return _read(connection, sql, listen)
    except (OperationalError, InterfaceError):
        if not checking or connection.is_usable():
            raise
    connection.close()
    return _read(connection, sql, listen)


def _read(connection: Any, sql: str, listen: bool = False) -> Any:
    """The state's row; with `listen` (PostgreSQL), (row, whether it may be kept): not when a
    move of the state was heard while it was read, which the row may predate."""
    if not listen:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()
    connection.ensure_connection()
    _listen(connection)
    raw = connection.connection
    moves = raw._rfcs_moves
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return row, raw is connection.connection and raw._rfcs_moves == moves


# Visitors' whole pages (rfcs_site.pagecache) read the state at most once per
# PAGE_CACHE_STATE_SECONDS in each process: on SQLite, or on PostgreSQL without listening, that
# read is a query costing as much as serving the cached page itself. A write made by this process
# forgets the value at once (its writer sees the change on the next page); a write from another
# process or server shows to visitors within that many seconds. Signed-in pages and fragments
# always ask current(), which a listening connection answers without a query.
_recent: tuple[float, str] | None = None  # (monotonic() when read, the state)
_forgotten = 0  # how many times a write made this process forget it


def recent(max_age: float, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """current(), read at most once per `max_age` seconds by this process (see above)."""
    global _recent
    if max_age <= 0 or using != DEFAULT_DB_ALIAS or connections[using].in_atomic_block:
        return current(using)  # inside a transaction: None, as its writes are not in the state
    now, kept = monotonic(), _recent
    if kept is not None and now - kept[0] < max_age:
        return kept[1]
    forgotten = _forgotten
    value = current(using)
    # Not if a write committed while it was read: the value could predate that write.
    if value is not None and forgotten == _forgotten:
        _recent = (now, value)
    return value


def forget_recent(*_: Any) -> None:
    """Drop the value `recent` keeps: this process has committed a write."""
    global _recent, _forgotten
    _forgotten += 1
    _recent = None


def _missing(error: DatabaseError) -> bool:
    text = str(error).lower()
    return "no such table" in text or "does not exist" in text


# Keeping it -------------------------------------------------------------------------------------


def install(using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    """Create the state and a trigger on every watched table (a post_migrate receiver).

    Idempotent. Also moves the state on: a migration may have changed what pages show.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        _install_sqlite(connection)
    elif connection.vendor == "postgresql":
        _install_postgresql(connection)


def uninstall(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the triggers, for a bulk load into a database nobody reads yet (each written row
    would move the state once more); install() makes them again and moves the state."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{_TRIGGER}%"]
            )
            statements = [f"DROP TRIGGER {quote(name)}" for (name,) in cursor.fetchall()]
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                [f"{_TRIGGER}%"],
            )
            statements = [f"DROP TRIGGER {quote(name)} ON {table}" for name, table in cursor.fetchall()]
        else:
            statements = []
        for statement in statements:
            cursor.execute(statement)


@cache
def _unwatched() -> frozenset[str]:
    """UNWATCHED and the tables of database caches (a cache write changes no page)."""
    return frozenset(UNWATCHED) | {
        config["LOCATION"]
        for config in settings.CACHES.values()
        if config.get("BACKEND", "").endswith("DatabaseCache")
    }


def _watched(connection: Any) -> list[str]:
    return [n for n in _tables(connection) if n not in _unwatched()]


def _unwatched_present(connection: Any) -> list[str]:
    """Unwatched tables of this database: a trigger made while one was watched is dropped."""
    return [n for n in _tables(connection) if n in _unwatched()]


def _tables(connection: Any) -> list[str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.get_table_list(cursor)
    names = [t.name for t in tables if t.type == "t"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
            )
            virtual = [row[0] for row in cursor.fetchall()]
        # A full-text index and its shadow tables change with the rows they index.
        names = [n for n in names if not any(n == v or n.startswith(f"{v}_") for v in virtual)]
    return [n for n in names if not n.startswith("sqlite_")]


def _install_sqlite(connection: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STATE} (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)"
        )
        cursor.execute(f"INSERT OR IGNORE INTO {STATE} (id, value) VALUES (1, random())")
        cursor.execute(f"UPDATE {STATE} SET value = random()")
        for table in _unwatched_present(connection):
            for event in ("insert", "update", "delete"):
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(f'{_TRIGGER}{table}_{event}')}"
                )
        for table in _watched(connection):
            for event in ("INSERT", "UPDATE", "DELETE"):
                trigger = connection.ops.quote_name(f"{_TRIGGER}{table}_{event.lower()}")
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {trigger} AFTER {event} ON {connection.ops.quote_name(table)} "
                    f"BEGIN UPDATE {STATE} SET value = random(); END"
                )


def _install_postgresql(connection: Any) -> None:
    """The sequence (from a random start: a database made again must not meet the values, and
    the pages, of the one it replaced) and, on every watched table, a trigger deferred to the
    commit of the writing transaction, so the state moves when the write is about to be seen,
    not when it was made (a transaction left open in psql would otherwise let visitors cache the
    old page under the new state). TRUNCATE cannot be deferred; it moves the state at once."""
    start = secrets.randbelow(2**62) + 1
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {STATE} START WITH {start}")
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {_BUMP_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM nextval('{STATE}'), pg_notify('{STATE}', ''); RETURN NULL; END $$"
        )
        for table in _unwatched_present(connection):
            for suffix in ("", "_truncate"):
                trigger = connection.ops.quote_name(f"{_TRIGGER}{table}"[: 63 - len(suffix)] + suffix)
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {connection.ops.quote_name(table)}")
        for table in _watched(connection):
            name = connection.ops.quote_name(table)
            for suffix, trigger_sql in (
                (
                    "",
                    "CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {name} "
                    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()",
                ),
                (
                    "_truncate",
                    "CREATE TRIGGER {trigger} AFTER TRUNCATE ON {name} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
                ),
            ):
                trigger = connection.ops.quote_name(f"{_TRIGGER}{table}"[: 63 - len(suffix)] + suffix)
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {name}")
                cursor.execute(trigger_sql.format(trigger=trigger, name=name, function=_BUMP_FUNCTION))
        cursor.execute(MOVE_SQL)


# Moving it after a commit (PostgreSQL) ---------------------------------------------------------


def _bump(connection: Any) -> None:
    forget_recent()
    try:
        with connection.cursor() as cursor:
            cursor.execute(MOVE_SQL)
    except DatabaseError as error:
        if not _missing(error):  # before `migrate` made it, there is no page cache to keep
            # Committed, but visitors may see the old page until the next write or it expires.
            logger.warning("Could not move the data state after a commit: %s", error)


def _notice_writes(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """After a write statement, make sure the state moves once its transaction commits."""
    result = execute(sql, params, many, context)
    if _WRITE.match(sql) and not any(f'"{table}"' in sql[:120] for table in _unwatched()):
        connection = context["connection"]
        # SQLite's triggers move the state in the write itself; this process only forgets it.
        moved = partial(_bump, connection) if connection.vendor == "postgresql" else forget_recent
        hook = connection.__dict__.setdefault("_rfcs_bump_state", moved)
        if connection.in_atomic_block:
            # Once per transaction; a savepoint rolled back drops its hooks, so look, don't flag.
            if not any(entry[1] is hook for entry in connection.run_on_commit):
                connection.on_commit(hook)
        elif connection.get_autocommit():
            hook()
    return result


def watch_writes(sender: Any, connection: Any, **_: Any) -> None:
    """A connection_created receiver: connections notice their writes (see `recent`)."""
    if connection.vendor in ("sqlite", "postgresql") and _notice_writes not in connection.execute_wrappers:
        # First, so that `with connection.execute_wrapper(...)` blocks still pop their own.
        connection.execute_wrappers.insert(0, _notice_writes)


def connect() -> None:
    """Let connections notice their writes from now on (called from apps.ready())."""
    connection_created.connect(watch_writes, dispatch_uid="decisions.datastate.watch_writes")
