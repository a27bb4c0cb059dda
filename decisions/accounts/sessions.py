"""Sessions in the database, with each process's copy of the ones it read kept true by PostgreSQL.

Django's database sessions read the session row on every signed-in request: on PostgreSQL a round
trip and an ORM query, most of what a page built from its cached fragments costs. Django's
`cached_db` would keep them in a cache shared by every process (Redis); a cache in each process
would not see a sign-out made by another. Here each process keeps the sessions it read (and the
keys it found none for) while its connection listens (decisions.caching.datastate): a trigger on
the sessions table notifies every listening connection of each written key once the write
commits, and TRUNCATE of all of them. A request trusts the copy only after looking at its
connection's socket for notifications; a connection that starts listening, or breaks, drops the
whole copy, since what was sent before was not heard. Elsewhere (SQLite, inside a transaction)
every load reads the row, as Django's own store does.

A sign-out elsewhere therefore takes effect here once its notification arrives, well under a
millisecond after its commit, which is before the browser that signed out has its answer.
"""

from __future__ import annotations

import copy
import datetime
import threading
from collections import OrderedDict
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections, router
from django.utils import timezone

from decisions.caching import datastate

CHANNEL = "rfcs_sessions"
# Sessions a process keeps at most, least recently read dropped first.
KEPT_SESSIONS = 20_000
_FUNCTION = "rfcs_session_written"
_TRIGGER = "rfcs_session_written"
_TABLE = "django_session"

# key -> (the session's data, when it expires), or None: the database has no such session.
_kept: OrderedDict[str, tuple[dict[str, Any], datetime.datetime] | None] = OrderedDict()
_lock = threading.Lock()
_generation = 0  # moves whenever anything is dropped, so a read racing a write is not kept


def _heard(key: str) -> None:
    global _generation
    with _lock:
        _generation += 1
        if key:
            _kept.pop(key, None)
        else:  # TRUNCATE
            _kept.clear()


def _unheard() -> None:
    global _generation
    with _lock:
        _generation += 1
        _kept.clear()


datastate.listen_also(CHANNEL, _heard, _unheard)


def forget_all() -> None:
    """Drop every kept session (tests start from none)."""
    _unheard()


class SessionStore(DatabaseStore):
    """Django's database store, answering loads from this process's copy where it is known true."""

    def load(self) -> dict[str, Any]:
        key = self.session_key
        using = router.db_for_read(self.model)
        if not key or not datastate.listening(using):
            return super().load()
        with _lock:
            found = key in _kept
            kept = _kept.get(key)
            if found:
                _kept.move_to_end(key)
            generation = _generation
        if found and kept is None:
            self._session_key = None  # as Django's store does for a key it has no row for
            return {}
        if kept is not None and kept[1] > timezone.now():
            # A copy all the way down, as decoding gives: a request changes only its own.
            return copy.deepcopy(kept[0])
        row = self._get_session_from_db()
        data = self.decode(row.session_data) if row else {}
        # The read went through the same connection: a notification that arrived meanwhile was
        # handled by it (or by this look at its socket) and moved the generation, and this copy
        # may be older than that write.
        if datastate.listening(using):
            with _lock:
                if generation == _generation:
                    _kept[key] = (copy.deepcopy(data), row.expire_date) if row else None
                    _kept.move_to_end(key)
                    while len(_kept) > KEPT_SESSIONS:
                        _kept.popitem(last=False)
        return data


def install(using: str = "default", **_: Any) -> None:
    """The trigger that notifies each written session's key (a post_migrate receiver; PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'TRUNCATE' THEN PERFORM pg_notify('{CHANNEL}', ''); "
            f"ELSIF TG_OP = 'DELETE' THEN PERFORM pg_notify('{CHANNEL}', OLD.session_key); "
            f"ELSE PERFORM pg_notify('{CHANNEL}', NEW.session_key); "
            f"IF TG_OP = 'UPDATE' AND OLD.session_key <> NEW.session_key THEN "
            f"PERFORM pg_notify('{CHANNEL}', OLD.session_key); END IF; END IF; "
            f"RETURN NULL; END $$"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON {_TABLE}")
        cursor.execute(
            f"CREATE TRIGGER {_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {_TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER}_truncate ON {_TABLE}")
        cursor.execute(
            f"CREATE TRIGGER {_TRIGGER}_truncate AFTER TRUNCATE ON {_TABLE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
        )
