"""The per-process copies kept by listening connections (decisions/caching/datastate.py,
decisions/accounts/sessions.py) in the cases a review found them wrong: a backlog of
notifications longer than one read, a move committed while the state is read, and a session's
nested values changed in place by one request."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from decisions.accounts import sessions
from decisions.caching import datastate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


def other():
    import psycopg

    return psycopg.connect(**connection.get_connection_params(), autocommit=True)


def test_a_backlog_of_notifications_is_read_to_its_end():
    """An idle worker's socket holds many reads' worth: the sign-out at its end is still heard."""
    client = Client()
    client.force_login(User.objects.create_user("rita", password="x" * 12))
    key = client.cookies["sessionid"].value
    assert sessions.SessionStore(key).load()  # kept now
    with other() as o, o.transaction():
        o.execute("SELECT pg_notify('rfcs_sessions', 'k' || g) FROM generate_series(1, 3000) g")
        o.execute("DELETE FROM django_session WHERE session_key = %s", [key])
    time.sleep(0.5)  # every notification is on this connection's socket by now
    assert sessions.SessionStore(key).load() == {}


def test_a_move_committed_while_the_state_is_read_is_not_lost():
    """A write commits while the state's row is being read; its notification comes back with that
    read's answer and is handled before _keep() stores the (older) value."""
    connection.close()
    assert datastate.current() is not None  # listening
    with other() as o:
        o.execute(datastate.MOVE_SQL)  # drops the kept value
        time.sleep(0.2)
        assert datastate.current() is not None  # consume the notification... (re-read)
        o.execute(datastate.MOVE_SQL)
        time.sleep(0.2)
        original = datastate._read

        def slow_read(conn, sql, listen=False):  # a busy server: the read takes a moment
            sql = sql.replace("SELECT last_value FROM", "SELECT last_value, pg_sleep(0.3) FROM")
            return original(conn, sql, listen)

        def write_meanwhile():
            time.sleep(0.1)
            o.execute(datastate.MOVE_SQL)

        datastate._read = slow_read
        try:
            writer = threading.Thread(target=write_meanwhile)
            writer.start()
            stale = datastate.current()
            writer.join()
        finally:
            datastate._read = original
        (now,) = o.execute("SELECT last_value FROM rfcs_data_state").fetchone()
    time.sleep(0.2)
    assert datastate.current().endswith(f":{now}"), stale


def test_load_returns_data_no_later_request_shares():
    """Django decodes afresh on each load: a value changed in place and never saved stays the
    request's own."""
    client = Client()
    client.force_login(User.objects.create_user("rita", password="x" * 12))
    key = client.cookies["sessionid"].value
    store = sessions.SessionStore(key)
    store["cart"] = [1]
    store.save()
    first = sessions.SessionStore(key)
    first["cart"].append(2)  # changed in place, never saved (Django: not persisted)
    assert sessions.SessionStore(key)["cart"] == [1]
