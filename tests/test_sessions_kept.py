"""Each process's copy of the sessions (decisions/accounts/sessions.py): on PostgreSQL a signed-in
request reads no session row while the copy is known true, and a sign-out made anywhere (another
worker, psql) ends the session here too; on SQLite every request reads the row."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from decisions.accounts import sessions
from tests.conftest import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def session_reads(client: Client, url: str = "/") -> tuple[int, int]:
    """(status, how many times the request read django_session)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, sum('"django_session"' in q["sql"] for q in captured.captured_queries)


def signed_in_as(name: str) -> tuple[Client, str]:
    client = Client()
    client.force_login(User.objects.create_user(name, password="x" * 12))
    return client, client.cookies["sessionid"].value


def who(client: Client) -> str:
    """The name the header shows as signed in, or "" for a visitor."""
    found = re.search(r"Signed in as <a [^>]*>([^<]+)</a>", client.get("/").content.decode())
    return found[1] if found else ""


def from_elsewhere(sql: str, params: list[object]) -> None:
    """A write from another connection, as another worker or psql makes it."""
    import psycopg

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute(sql, params)


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL notifies the processes of a written session")


def test_a_signed_in_person_is_known_without_reading_the_session_again(postgresql: None):
    client, _ = signed_in_as("rita")
    assert who(client) == "rita"
    status, reads = session_reads(client)
    assert status == 200 and reads == 0
    assert who(client) == "rita"


def test_on_sqlite_each_request_reads_the_session_row():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps the copy (the tests above)")
    client, _ = signed_in_as("rita")
    who(client)
    assert session_reads(client) == (200, 1)


def test_a_sign_out_in_another_worker_ends_the_session_here(postgresql: None):
    client, key = signed_in_as("rita")
    assert who(client) == "rita"
    from_elsewhere("DELETE FROM django_session WHERE session_key = %s", [key])
    assert eventually(lambda: who(client) == "")


def test_a_session_rewritten_elsewhere_is_read_again(postgresql: None):
    """Another worker signs the same browser in as someone else (a new session under the same key)."""
    client, key = signed_in_as("rita")
    other, other_key = signed_in_as("otto")
    assert who(client) == "rita" and who(other) == "otto"
    from_elsewhere(
        "UPDATE django_session SET session_data = (SELECT session_data FROM django_session "
        "WHERE session_key = %s) WHERE session_key = %s",
        [other_key, key],
    )
    assert eventually(lambda: who(client) == "otto")


def test_a_key_with_no_session_is_remembered_until_one_is_written_under_it(postgresql: None):
    stranger = Client()

    def who_with_the_key() -> str:
        # Django deletes a cookie that names no session: the browser keeps sending it here.
        stranger.cookies["sessionid"] = "a" * 32
        return who(stranger)

    assert who_with_the_key() == ""
    stranger.cookies["sessionid"] = "a" * 32
    assert session_reads(stranger)[1] == 0  # "none under that key" was kept
    _, key = signed_in_as("rita")
    from_elsewhere("UPDATE django_session SET session_key = %s WHERE session_key = %s", ["a" * 32, key])
    assert eventually(lambda: who_with_the_key() == "rita")


def test_an_expired_session_is_not_answered_from_the_copy(postgresql: None):
    """Expiry writes nothing (the row stays until clearsessions): the copy's own date must hold."""
    client, key = signed_in_as("rita")
    assert who(client) == "rita"
    data, expires = sessions._kept[key]
    sessions._kept[key] = (data, expires.replace(year=2000))
    assert session_reads(client) == (200, 1)  # read again, not answered from the lapsed copy


def test_a_connection_that_starts_listening_again_drops_the_whole_copy(postgresql: None):
    """What was written while no connection of this process listened was never heard."""
    client, key = signed_in_as("rita")
    assert who(client) == "rita" and key in sessions._kept
    connection.close()
    from_elsewhere("DELETE FROM django_session WHERE session_key = %s", [key])
    assert who(client) == ""
