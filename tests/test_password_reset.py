"""Password reset: the mail goes out through SMTP with a working link, and requests are limited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from rfcs_site.settings import email_from_url

pytestmark = pytest.mark.django_db
RESET = "/accounts/password_reset/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def till(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("till", "till@example.org", password="old password 1")


def ask_for_reset(client, email: str, address: str = "203.0.113.9"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_the_reset_mail_arrives_by_smtp_with_a_link_that_sets_a_new_password(client, till, smtp_server):
    response = ask_for_reset(client, "till@example.org")
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "till@example.org"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.get_content()).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    signed_in = client.post("/accounts/login/", {"username": "till", "password": "a new long passphrase"})
    assert signed_in.status_code == 302


def test_the_reset_mail_comes_from_the_configured_sender(client, till, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "RFCs <rfcs@example.org>"
    ask_for_reset(client, "till@example.org")
    assert smtp_server.messages[0]["From"] == "RFCs <rfcs@example.org>"


def test_a_fourth_reset_for_one_e_mail_within_the_hour_is_refused(client, till, smtp_server):
    for n in range(3):
        assert ask_for_reset(client, "till@example.org", f"192.0.2.{n}").status_code == 302
    response = ask_for_reset(client, "Till@Example.org", "192.0.2.99")
    assert response.status_code == 429
    assert "Too many password-reset requests" in response.content.decode()
    assert len(smtp_server.messages) == 3


def test_a_sixth_reset_from_one_address_within_the_hour_is_refused(client, till, smtp_server):
    for n in range(5):
        assert ask_for_reset(client, f"someone{n}@example.org").status_code == 302
    response = ask_for_reset(client, "till@example.org")
    assert response.status_code == 429
    assert "Wait 60 minutes and try again" in response.content.decode()
    assert smtp_server.messages == []


def test_the_reset_page_uses_the_site_design(client):
    body = client.get(RESET).content.decode()
    assert "Reset your password" in body and 'class="site-header"' in body


def test_the_sign_in_page_links_to_the_reset(client):
    assert f'href="{RESET}"' in client.get("/accounts/login/").content.decode()


def test_a_private_site_lets_the_reset_link_through(client, till, smtp_server, settings):
    settings.RFCS_SITE_PUBLIC_READ = False
    ask_for_reset(client, "till@example.org")
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", smtp_server.messages[0].get_content()).group(
        1
    )
    assert "Choose a new password" in client.get(link, follow=True).content.decode()


def test_mail_is_printed_unless_email_url_says_otherwise():
    assert email_from_url("console://")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_email_url_gives_the_smtp_server_and_its_decoded_credentials():
    config = email_from_url("smtp+tls://mailer%40example.org:p%2Fss@mail.example.org")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer@example.org", "p/ss")
    assert config["EMAIL_USE_TLS"] and not config["EMAIL_USE_SSL"]


def test_email_url_defaults_the_port_of_each_scheme():
    assert email_from_url("smtp://localhost")["EMAIL_PORT"] == 25
    assert email_from_url("smtp+ssl://mail.example.org")["EMAIL_PORT"] == 465
    assert email_from_url("smtp://mail.example.org:2525")["EMAIL_PORT"] == 2525


def test_an_unknown_email_url_scheme_is_refused_at_start():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme 'smtps'"):
        email_from_url("smtps://mail.example.org")
