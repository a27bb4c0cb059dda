"""DJANGO_DB_LISTEN=0 (a pooler in transaction mode, which does not carry LISTEN): nothing is kept
per process, so every request asks the database again, on PostgreSQL as on SQLite."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from decisions.caching import datastate

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_listening_off_each_signed_in_request_reads_state_session_and_user(settings):
    settings.DATABASE_LISTEN = False
    client = Client()
    client.force_login(User.objects.create_user("rita", password="x" * 12))
    client.get("/")
    assert not datastate.listening()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum('"django_session"' in q for q in sql) == 1
    assert sum('FROM "auth_user"' in q for q in sql) == 1
    assert sum("rfcs_data_state" in q for q in sql) >= 1
    assert not any("LISTEN" in q for q in sql)
