"""While the database is unreachable the site answers 503 with Retry-After, never a 500 or a traceback.

The outage is simulated by making every new cursor fail the way a refused or cut connection does
(Django raises OperationalError or InterfaceError from `ensure_connection`). Any query the 503 path
made itself would fail the same way and turn the answer into a 500, so these tests also prove the
503 page needs no database. `make loadtest FAULT=1` checks the same with a real PostgreSQL restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from rfcs_site.unavailable import MESSAGE, RETRY_AFTER_SECONDS
from tests.factories import make_rfc

pytestmark = pytest.mark.django_db

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@contextmanager
def database_down(error: Exception | None = None) -> Iterator[None]:
    """Every query from here on fails as if the database server had gone away (which also ends
    its connections: a kept data state is not trusted past the connection it was read on)."""
    if not connections["default"].in_atomic_block:
        connections["default"].close()
    with mock.patch.object(
        connections["default"], "ensure_connection", side_effect=error or OperationalError(REFUSED)
    ):
        yield


def assert_friendly_503(response, *, json: bool = False) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    for leak in ("Traceback", "OperationalError", "InterfaceError", "Server Error", "port 5432"):
        assert leak not in body
    if json:
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"status": 503, "error": MESSAGE}
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "The site is briefly unavailable" in body
        assert MESSAGE in body
        assert "css/site.css" in body  # in the site's design, not a bare error string
    return body


def test_pages_answer_503_with_retry_after_while_the_database_is_down(client) -> None:
    rfc = make_rfc()
    with database_down():
        for url in ["/", reverse("decisions:rfc-list"), rfc.get_absolute_url(), "/search/?q=wasi"]:
            assert_friendly_503(client.get(url))


def test_api_answers_json_503_while_the_database_is_down(client) -> None:
    make_rfc()
    with database_down():
        assert_friendly_503(client.get(reverse("decisions:rfc-api-list")), json=True)
    with database_down(InterfaceError("connection already closed")):
        assert_friendly_503(client.get(reverse("decisions:decision-api-list")), json=True)
    with database_down():  # its documentation page needs no database and stays up
        assert client.get(reverse("decisions:api")).status_code == 200


def test_the_drivers_own_connection_error_is_an_outage_too(client) -> None:
    """Closing a server-side cursor on a dead PostgreSQL connection raises psycopg's error unwrapped."""
    make_rfc()
    driver = connections["default"].Database
    with database_down(driver.OperationalError("server closed the connection unexpectedly")):
        assert_friendly_503(client.get(reverse("decisions:rfc-list")))
    with database_down(driver.InterfaceError("the connection is closed")):
        assert_friendly_503(client.get(reverse("decisions:rfc-api-list")), json=True)


def test_a_refused_save_says_it_may_not_have_been_saved(client) -> None:
    user = User.objects.create_user("mia", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_meeting"))
    client.force_login(user)
    with database_down():
        response = client.post(reverse("decisions:meeting-new"), {"notes": "# Call\n", "action": "save"})
    body = assert_friendly_503(response)
    assert "may not have been saved" in body
    assert "Back button" in body


def test_signed_in_reader_gets_503_when_the_session_lookup_itself_fails(settings) -> None:
    """With the login wall on, a middleware loads the session before any view: still a 503."""
    settings.RFCS_SITE_PUBLIC_READ = False
    rfc = make_rfc()
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("ria", password="x"))
    with database_down():
        assert_friendly_503(client.get(rfc.get_absolute_url()))
        assert_friendly_503(client.get(reverse("decisions:rfc-api-list")), json=True)
    assert client.get(rfc.get_absolute_url()).status_code == 200


def test_debug_mode_shows_the_503_page_too_not_a_traceback(settings) -> None:
    settings.DEBUG = True
    settings.RFCS_SITE_PUBLIC_READ = False
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("dev", password="x"))
    with database_down():
        assert_friendly_503(client.get(reverse("decisions:rfc-list")))
    settings.RFCS_SITE_PUBLIC_READ = True
    with database_down():
        assert_friendly_503(Client().get(reverse("decisions:rfc-list")))


def test_the_site_works_again_as_soon_as_the_database_is_back(client) -> None:
    rfc = make_rfc(title="Back online")
    with database_down():
        assert_friendly_503(client.get(rfc.get_absolute_url()))
    response = client.get(rfc.get_absolute_url())
    assert response.status_code == 200
    assert "Back online" in response.content.decode()
    assert "Retry-After" not in response
    assert client.get(reverse("decisions:rfc-api-list")).json()["results"][0]["title"] == "Back online"


def test_other_failures_are_not_disguised_as_an_outage() -> None:
    """A bug must still show up as a 500 (and in the logs), not as 'try again later'."""
    client = Client(raise_request_exception=False)
    with database_down(ValueError("a bug, not an outage")):
        response = client.get(reverse("decisions:rfc-list"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_an_ordinary_database_error_stays_a_server_error_not_an_outage():
    """A missing table or a lock is a bug or load: a 500 with its traceback in the log, not a 503."""
    import sqlite3

    from rfcs_site.unavailable import is_database_unavailable

    try:
        try:
            raise sqlite3.OperationalError("no such table: decisions_rfc")
        except sqlite3.OperationalError as cause:
            raise OperationalError("no such table: decisions_rfc") from cause
    except OperationalError as error:
        assert not is_database_unavailable(error)
    assert is_database_unavailable(OperationalError(REFUSED))
