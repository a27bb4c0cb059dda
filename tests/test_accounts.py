"""Signing in: repeated failures slow down and then lock; the optional login wall."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from decisions.accounts import LOCK_SECONDS, wait_seconds

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def till():
    return User.objects.create_user("till", password="correct horse battery staple")


def test_the_wait_grows_then_locks():
    assert [wait_seconds(n) for n in (0, 2, 3, 4, 5)] == [0, 0, 2, 4, 8]
    assert wait_seconds(10) == LOCK_SECONDS


def test_a_correct_password_signs_in(client, till):
    response = client.post(LOGIN, {"username": "till", "password": "correct horse battery staple"})
    assert response.status_code == 302


def test_after_three_failures_even_the_right_password_must_wait(client, till):
    for _ in range(3):
        response = client.post(LOGIN, {"username": "till", "password": "wrong"})
        assert "Please enter a correct username and password" in response.content.decode()
    response = client.post(LOGIN, {"username": "till", "password": "correct horse battery staple"})
    assert response.status_code == 200
    assert "Too many failed sign-ins. Wait 2 seconds before trying again." in response.content.decode()


def test_ten_failures_lock_the_account_for_fifteen_minutes(client, till, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(
        "decisions.accounts.timezone.now", lambda: __import__("datetime").datetime.fromtimestamp(clock[0])
    )
    for _ in range(10):
        client.post(LOGIN, {"username": "till", "password": "wrong"})
        clock[0] += 3600  # far apart, so each attempt is allowed
    clock[0] -= 3600
    clock[0] += 60
    response = client.post(LOGIN, {"username": "till", "password": "correct horse battery staple"})
    assert "Wait 14 minutes" in response.content.decode()


def test_the_admin_sign_in_is_throttled_too(client, till):
    for _ in range(4):
        client.post("/admin/login/", {"username": "till", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "till", "password": "wrong"})
    assert "Too many failed sign-ins" in response.content.decode()


def test_a_private_site_asks_everyone_to_sign_in(client, settings, till):
    settings.RFCS_SITE_PUBLIC_READ = False
    response = client.get("/rfcs/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/rfcs/"
    assert client.get(LOGIN).status_code == 200
    client.force_login(till)
    assert client.get("/rfcs/").status_code == 200


def test_the_password_change_page_uses_the_site_design(client, till):
    client.force_login(till)
    body = client.get("/accounts/password_change/").content.decode()
    assert "Change your password" in body and 'class="site-header"' in body
