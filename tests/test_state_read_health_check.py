"""The data state every built page is keyed by (decisions.caching.datastate): on PostgreSQL a kept
connection listens for the state's moves and answers from the value it read, without a round
trip, until a commit (its own or another connection's) notifies it; a connection the server
dropped while it was idle is opened again by the next read, without an error reaching the reader."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.caching import datastate
from decisions.models import Topic
from tests.conftest import eventually
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's health check sends no query: nothing to save")


def as_a_new_request() -> None:
    """What Django does to a kept connection when a request starts (close_old_connections)."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None and connection.health_check_enabled
    assert not connection.health_check_done


def test_a_request_on_a_kept_connection_gets_the_state_without_a_round_trip(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
):
    """The listening connection keeps the state: a page built from cached fragments asks the
    server nothing, and its later queries are not preceded by Django's `SELECT 1` either (the
    look at the socket for a notification finds a dropped connection, next test)."""
    state = datastate.current()
    checks: list[Any] = []
    real = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or real())
    as_a_new_request()
    with CaptureQueriesContext(connection) as captured:
        assert datastate.current() == state
    assert len(captured) == 0 and checks == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert checks == []


def test_another_connections_commit_moves_the_kept_state(postgresql: None):
    """A write committed elsewhere (another worker, psql) is seen once its notification arrives."""
    import psycopg

    meeting = make_meeting()
    Topic.objects.create(meeting=meeting, order=1, title="Tail calls")
    state = datastate.current()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("DELETE FROM decisions_topic")  # as psql would: the table's trigger moves it
    assert eventually(lambda: datastate.current() != state)
    Topic.objects.create(meeting=meeting, order=1, title="Fuel")
    moved = datastate.current()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("BEGIN")
        other.execute("DELETE FROM decisions_topic")
        time.sleep(0.05)  # not committed: nothing is sent, the kept state holds
        assert datastate.current() == moved
        other.execute("COMMIT")
    assert eventually(lambda: datastate.current() != moved)


def test_the_connections_own_raw_write_moves_the_state_before_it_returns(postgresql: None):
    Topic.objects.create(meeting=make_meeting(), order=1, title="Tail calls")
    state = datastate.current()
    raw = connection.connection.cursor()  # none of Django's hooks: the notification alone
    raw.execute("DELETE FROM decisions_topic")
    raw.close()
    assert datastate.current() != state


def test_a_connection_the_server_dropped_is_opened_again_by_the_state_read(postgresql: None):
    import psycopg

    state = datastate.current()
    backend = connection.connection.info.backend_pid
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [backend])
    as_a_new_request()
    # The server's farewell waits on the socket: the kept state is dropped and read again.
    assert datastate.current() == state
    assert connection.connection.info.backend_pid != backend
