"""Signing in: failures lock one name from one address, slow one name down everywhere; the login wall."""

from __future__ import annotations

import datetime

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db.models import F

from decisions.accounts import NAME_MAX_WAIT, client_address, name_wait_seconds

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery staple"
ATTACKER = "203.0.113.9"
ADMIN_HOME = "198.51.100.7"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Every attempt checks a password; the real hasher would take most of this module's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(fast_hashing):
    return User.objects.create_superuser("admin", "admin@example.org", PASSWORD)


def let_time_pass(seconds: int) -> None:
    """Move every recorded failure back, as if this much time had passed since."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(seconds=seconds))


def sign_in(client, username: str, password: str, address: str = "127.0.0.1", url: str = LOGIN, **meta):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **meta)


def fail(client, times: int, username: str = "admin", address: str = ATTACKER, **meta):
    """Fail this many times, each after the slow-down has passed, so each one counts."""
    response = None
    for _ in range(times):
        response = sign_in(client, username, "wrong", address, **meta)
        let_time_pass(NAME_MAX_WAIT + 1)
    return response


def test_a_correct_password_signs_in(client, admin_user):
    response = sign_in(client, "admin", PASSWORD)
    assert response.status_code == 302


def test_a_wrong_password_says_so(client, admin_user):
    response = sign_in(client, "admin", "wrong")
    assert "Please enter a correct username and password" in response.content.decode()


def test_after_three_failures_even_the_right_password_must_wait(client, admin_user):
    for _ in range(3):
        sign_in(client, "admin", "wrong")
    response = sign_in(client, "admin", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed sign-ins for this account. Wait 2 seconds before trying again." in body
    assert 'class="site-header"' in body and 'name="password"' in body  # the site's sign-in page again


def test_the_wait_for_one_account_name_grows_but_never_passes_a_minute():
    assert [name_wait_seconds(n) for n in (0, 2, 3, 4, 5)] == [0, 0, 2, 4, 8]
    assert name_wait_seconds(1000) == NAME_MAX_WAIT == 60


def test_ten_failures_lock_one_name_from_one_address_for_fifteen_minutes(client, admin_user):
    response = fail(client, 10)
    assert response.status_code == 429
    assert "from your address. Wait 15 minutes" in response.content.decode()
    response = sign_in(client, "admin", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Wait 14 minutes before trying again, or reset your password" in response.content.decode()


def test_the_lock_ends_after_fifteen_minutes(client, admin_user):
    fail(client, 10)
    let_time_pass(15 * 60)
    assert sign_in(client, "admin", PASSWORD, ATTACKER).status_code == 302


def test_knocking_on_a_locked_door_does_not_extend_the_lock(client, admin_user):
    fail(client, 10)  # the last failure was a minute ago
    let_time_pass(13 * 60)
    for _ in range(5):
        assert sign_in(client, "admin", "wrong", ATTACKER).status_code == 429
    let_time_pass(60)
    assert sign_in(client, "admin", PASSWORD, ATTACKER).status_code == 302


def test_the_attacker_is_locked_out_while_admin_signs_in_from_another_address(client, admin_user):
    fail(client, 10)
    assert sign_in(client, "admin", PASSWORD, ATTACKER).status_code == 429
    # The last failure was a minute ago (fail() lets the slow-down pass after each one).
    assert sign_in(client, "admin", PASSWORD, ADMIN_HOME).status_code == 302


def test_an_address_admin_signed_in_from_before_is_not_slowed_down_by_others(client, admin_user):
    assert sign_in(client, "admin", PASSWORD, ADMIN_HOME).status_code == 302
    client.logout()
    for _ in range(8):
        sign_in(client, "admin", "wrong", ATTACKER)  # no pauses: the name's slow-down is running
    assert sign_in(client, "admin", PASSWORD, "192.0.2.50").status_code == 429  # a new address waits
    assert sign_in(client, "admin", PASSWORD, ADMIN_HOME).status_code == 302


def test_a_fullwidth_or_uppercase_name_shares_the_counter_of_admin(client, admin_user):
    for spelling in ["admin", "ＡＤＭＩＮ", "Admin", "ａｄｍｉｎ", "ADMIN"] * 2:
        fail(client, 1, username=spelling)
    assert list(AccessAttempt.objects.values_list("username", flat=True).distinct()) == ["admin"]
    # The fullwidth name is the same account to Django (NFKC): it is locked too.
    response = sign_in(client, "ａｄｍｉｎ", PASSWORD, ATTACKER)
    assert response.status_code == 429 and "from your address" in response.content.decode()


def test_the_admin_sign_in_form_is_counted(client, admin_user):
    for _ in range(3):
        response = sign_in(client, "admin", "wrong", url="/admin/login/")
        assert response.status_code == 200
    response = sign_in(client, "admin", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert "Too many failed sign-ins for this account" in response.content.decode()
    assert AccessAttempt.objects.get().failures_since_start == 3


def test_two_app_processes_share_the_count(client, admin_user):
    """Nothing is kept in the process: with every cache emptied and axes' handler made anew, as in
    a fresh worker, the failures made before still count."""
    fail(client, 5)
    for cache in caches.all():
        cache.clear()
    AxesProxyHandler.get_implementation(force=True)
    response = fail(client, 5)
    assert response.status_code == 429 and "Wait 15 minutes" in response.content.decode()


def test_the_forwarded_for_header_is_ignored_unless_behind_a_proxy(client, admin_user, settings):
    settings.BEHIND_PROXY = False
    for n in range(10):
        fail(client, 1, address=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert sign_in(client, "admin", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_proxy_each_client_has_its_own_counter(client, admin_user, settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    fail(client, 10, address="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
    locked = sign_in(client, "admin", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
    assert locked.status_code == 429
    assert sign_in(client, "admin", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=ADMIN_HOME).status_code == 302


def test_spoofed_extra_forwarded_for_entries_are_not_trusted(client, admin_user, settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    for n in range(10):  # the client writes a new address first; nginx appends the real one
        fail(client, 1, address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}")
    spoofed = f"192.0.2.99, {ATTACKER}"
    assert sign_in(client, "admin", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=spoofed).status_code == 429


@pytest.mark.parametrize(
    ("behind", "count", "forwarded", "expected"),
    [
        (False, 1, "192.0.2.1", "127.0.0.1"),
        (True, 1, "192.0.2.1, 203.0.113.9", "203.0.113.9"),
        (True, 2, "192.0.2.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (True, 2, "203.0.113.9", "127.0.0.1"),  # fewer hops than proxies: not through them all
        (True, 1, "not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxy_saw(
    rf, settings, behind, count, forwarded, expected
):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = behind, count
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_private_site_asks_everyone_to_sign_in(client, settings, admin_user):
    settings.RFCS_SITE_PUBLIC_READ = False
    response = client.get("/rfcs/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/rfcs/"
    assert client.get(LOGIN).status_code == 200
    client.force_login(admin_user)
    assert client.get("/rfcs/").status_code == 200


def test_the_password_change_page_uses_the_site_design(client, admin_user):
    client.force_login(admin_user)
    body = client.get("/accounts/password_change/").content.decode()
    assert "Change your password" in body and 'class="site-header"' in body


TWO_PROCESSES_SCRIPT = """
import datetime, sys, django
django.setup()
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client
if not User.objects.filter(username="admin").exists():
    User.objects.create_user("admin", password="correct horse battery staple")
client = Client()
for _ in range(5):
    client.post("/accounts/login/", {"username": "admin", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(seconds=61))
if sys.argv[1:] == ["then-sign-in"]:
    right = {"username": "admin", "password": "correct horse battery staple"}
    print(client.post("/accounts/login/", right, REMOTE_ADDR="203.0.113.9").status_code)
"""


def test_two_real_app_processes_add_up_their_failures(tmp_path):
    """Two Python processes on one database file: five failures each make the ten of a lock."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "rfcs_site.settings",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_DEBUG": "1",
    }
    run = {"cwd": root, "env": env, "capture_output": True, "text": True, "timeout": 300, "check": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    subprocess.run([sys.executable, "-c", TWO_PROCESSES_SCRIPT], **run)
    second = subprocess.run([sys.executable, "-c", TWO_PROCESSES_SCRIPT, "then-sign-in"], **run)
    assert second.stdout.split()[-1] == "429"


# Hostile input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["\x00admin", "a" * 100_000, "admin\u200b", "ＡＤＭＩＮ\n", "ß" * 150, "<script>admin"]
)
def test_a_hostile_account_name_is_answered_with_the_sign_in_page(client, admin_user, username):
    for _ in range(4):
        response = sign_in(client, username, "wrong", ATTACKER)
        assert response.status_code in (200, 429)
        assert 'name="password"' in response.content.decode()
    assert all(len(name) <= 150 for name in AccessAttempt.objects.values_list("username", flat=True))


@pytest.mark.parametrize("forwarded", ["", ",,,", "x" * 10_000, "::1, 999.1.1.1", "203.0.113.9\x00"])
def test_a_hostile_forwarded_for_header_falls_back_to_the_socket_address(
    client, admin_user, settings, forwarded
):
    settings.BEHIND_PROXY = True
    response = sign_in(client, "admin", "wrong", "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address in ("127.0.0.1", "::1")
