"""The data state read that begins every built page is also the connection's health check
(decisions.caching.datastate): on PostgreSQL, a request on a kept connection makes one round
trip for it, not Django's `SELECT 1` first, and a connection the server dropped while it was idle
is still opened again without an error reaching the reader."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from decisions.caching import datastate

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


def test_a_request_on_a_kept_connection_reads_the_state_without_a_select_1_first(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
):
    state = datastate.current()
    checks: list[Any] = []
    real = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or real())
    as_a_new_request()
    assert datastate.current() == state
    assert checks == []  # one round trip: the state read was the check
    with connection.cursor() as cursor:  # and later queries of the request are not checked again
        cursor.execute("SELECT 1")
    assert checks == []


def test_a_connection_the_server_dropped_is_opened_again_by_the_state_read(postgresql: None):
    import psycopg

    state = datastate.current()
    backend = connection.connection.info.backend_pid
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
    as_a_new_request()
    assert datastate.current() == state
    assert connection.connection.info.backend_pid != backend
