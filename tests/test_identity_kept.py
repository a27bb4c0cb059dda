"""Who a signed-in request is (decisions/accounts/identity.py): each process keeps the users it
read under the data state, so an unchanged site reads no user row; any change to the person (or
anything else) is seen on the next request, and a changed password still ends other sessions."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_as(name: str) -> tuple[Client, User]:
    user = User.objects.create_user(name, password="x" * 12)
    client = Client()
    client.force_login(user)
    return client, user


def who(client: Client) -> str:
    found = re.search(r"Signed in as <a [^>]*>([^<]+)</a>", client.get("/").content.decode())
    return found[1] if found else ""


def user_reads(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return sum('FROM "auth_user"' in q["sql"] for q in captured.captured_queries)


def test_an_unchanged_site_reads_no_user_row_for_a_signed_in_request():
    """On PostgreSQL; SQLite reads the row, which is no round trip there."""
    client, _ = signed_in_as("rita")
    assert who(client) == "rita"
    assert user_reads(client) == (0 if connection.vendor == "postgresql" else 1)
    assert who(client) == "rita"


def test_a_renamed_person_is_shown_renamed_at_once():
    client, user = signed_in_as("rita")
    assert who(client) == "rita"
    user.username = "rita.r"
    user.save()
    assert who(client) == "rita.r"


def test_a_deactivated_person_is_signed_out_at_once():
    client, user = signed_in_as("rita")
    assert who(client) == "rita"
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert who(client) == ""


def test_a_password_changed_elsewhere_ends_this_session():
    client, user = signed_in_as("rita")
    assert who(client) == "rita"
    user.set_password("y" * 12)
    user.save()
    assert who(client) == ""


def test_what_a_view_does_to_its_user_never_reaches_the_next_request():
    from decisions.accounts import identity

    client, _ = signed_in_as("rita")
    assert who(client) == "rita"
    request = type("Request", (), {})()
    request.session = client.session
    first = identity.get_user(request)
    first.username = "changed in memory"
    second = identity.get_user(request)
    assert second.username == "rita" and second is not first
