"""Sign-in providers switched on by environment variables, the sign-in page's buttons, and local
sign-up with its e-mail confirmation (mail through a real SMTP server on loopback)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from rfcs_site.settings import provider_origins, social_providers

pytestmark = pytest.mark.django_db
GITHUB = {"GITHUB_CLIENT_ID": "Iv1.abc", "GITHUB_CLIENT_SECRET": "s3cret"}


# Settings ------------------------------------------------------------------------------------


def apps(providers: dict, name: str) -> list[dict]:
    return providers.get(name, {}).get("APPS", [])


def test_no_provider_is_on_without_its_variables():
    providers = social_providers({})
    assert not any(apps(providers, name) for name in ("github", "gitlab", "openid_connect"))
    assert provider_origins(providers) == []


def test_each_provider_is_on_with_its_client_id_and_secret():
    providers = social_providers(
        {
            **GITHUB,
            "GITLAB_CLIENT_ID": "gl",
            "GITLAB_CLIENT_SECRET": "gls",
            "GITLAB_URL": "https://gitlab.example.org/",
            "OIDC_CLIENT_ID": "rfcs",
            "OIDC_CLIENT_SECRET": "oids",
            "OIDC_SERVER_URL": "https://auth.example.org/realms/oss/",
            "OIDC_NAME": "Example SSO",
        }
    )
    assert apps(providers, "github") == [{"client_id": "Iv1.abc", "secret": "s3cret"}]
    assert apps(providers, "gitlab")[0]["settings"] == {"gitlab_url": "https://gitlab.example.org"}
    oidc = apps(providers, "openid_connect")[0]
    assert oidc["name"] == "Example SSO" and oidc["provider_id"] == "oidc"
    assert oidc["settings"]["server_url"] == "https://auth.example.org/realms/oss"
    assert providers["openid_connect"]["provider_class"] == "decisions.accounts.oidc.CheckedOIDCProvider"
    assert provider_origins(providers) == [
        "https://github.com",
        "https://gitlab.example.org",
        "https://auth.example.org",
    ]


@pytest.mark.parametrize(
    ("environment", "missing"),
    [
        ({"GITHUB_CLIENT_ID": "x"}, "GITHUB_CLIENT_SECRET"),
        ({"OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y"}, "OIDC_SERVER_URL"),
        ({"GITLAB_CLIENT_SECRET": "y"}, "GITLAB_CLIENT_ID"),
    ],
)
def test_a_half_set_provider_stops_the_start_naming_what_is_missing(environment, missing):
    with pytest.raises(ImproperlyConfigured, match=missing):
        social_providers(environment)


# The sign-in page ------------------------------------------------------------------------------


def test_without_providers_the_sign_in_page_is_the_plain_form(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'name="password"' in body and "Sign in with" not in body and "Sign up" not in body


def test_a_provider_switched_off_has_no_sign_in_route(client):
    assert client.post("/accounts/github/login/").status_code == 404
    assert client.get("/accounts/oidc/oidc/login/callback/?code=x&state=y").status_code == 404


def test_a_provider_switched_on_gets_a_button_that_posts_with_the_page_it_came_from(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(GITHUB)
    body = client.get("/accounts/login/?next=/decisions/").content.decode()
    assert re.search(
        r'<form method="post" action="/accounts/github/login/\?process=login&amp;next=%2Fdecisions%2F">', body
    )
    assert "Sign in with GitHub" in body


def test_a_button_never_carries_a_next_off_the_site(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(GITHUB)
    body = client.get("/accounts/login/?next=https://evil.example/").content.decode()
    assert (
        'action="/accounts/github/login/?process=login"' in body
        and "evil.example" not in body.split("<main")[1]
    )


def test_starting_a_github_sign_in_sends_to_github_with_state(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(GITHUB)
    response = client.post("/accounts/github/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://github.com/login/oauth/authorize?client_id=Iv1.abc")
    assert "state=" in response["Location"]


def test_a_local_sign_in_never_goes_off_the_site(client):
    User.objects.create_user("till", "till@example.org", "a long passphrase 1")
    response = client.post(
        "/accounts/login/",
        {"username": "till", "password": "a long passphrase 1", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_old_and_allauth_url_names_reach_the_same_pages(client):
    from django.urls import reverse

    assert reverse("login") == reverse("account_login") == "/accounts/login/"
    assert reverse("logout") == reverse("account_logout") == "/accounts/logout/"
    assert client.get("/accounts/password/reset/")["Location"] == "/accounts/password_reset/"


# Local sign-up ---------------------------------------------------------------------------------

SIGN_UP = {
    "username": "newcomer",
    "email": "newcomer@example.org",
    "password1": "a long new passphrase",
    "password2": "a long new passphrase",
}


def test_sign_up_is_closed_unless_the_setting_opens_it(client):
    page = client.get("/accounts/signup/")
    assert "Sign-up is closed" in page.content.decode() and 'class="site-header"' in page.content.decode()
    client.post("/accounts/signup/", SIGN_UP)
    assert not User.objects.filter(username="newcomer").exists()


def test_sign_up_mails_a_link_and_the_account_signs_in_once_it_is_opened(client, settings, smtp_server):
    settings.SIGNUP_OPEN = True
    assert "Sign up" in client.get("/accounts/login/").content.decode()
    form = client.get("/accounts/signup/").content.decode()
    assert 'class="site-header"' in form and '<label for="id_email">' in form
    response = client.post("/accounts/signup/", SIGN_UP)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "Confirm your e-mail address" in client.get(response["Location"]).content.decode()
    assert len(smtp_server.messages) == 1 and smtp_server.messages[0]["To"] == "newcomer@example.org"
    link = re.search(
        r"http://testserver(/accounts/confirm-email/\S+/)", smtp_server.messages[0].get_content()
    )[1]

    refused = client.post("/accounts/login/", {"username": "newcomer", "password": SIGN_UP["password1"]})
    assert refused.status_code == 200 and "Confirm your e-mail address first" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    assert "newcomer@example.org" in client.get(link).content.decode()
    client.post(link)
    assert EmailAddress.objects.get(email="newcomer@example.org").verified
    signed_in = client.post("/accounts/login/", {"username": "newcomer", "password": SIGN_UP["password1"]})
    assert signed_in.status_code == 302 and client.session["_auth_user_id"]


def test_a_wrong_confirmation_link_says_so_in_the_site_design(client):
    body = client.get("/accounts/confirm-email/not-a-key/").content.decode()
    assert "expired or is wrong" in body and 'class="site-header"' in body


def test_a_sign_up_with_a_taken_address_makes_no_second_account(client, settings, smtp_server):
    settings.SIGNUP_OPEN = True
    User.objects.create_user("till", "newcomer@example.org", "pw one two three")
    EmailAddress.objects.create(user=User.objects.get(), email="newcomer@example.org", verified=True)
    client.post("/accounts/signup/", SIGN_UP)
    assert not User.objects.filter(username="newcomer").exists()


def test_the_sign_in_limits_hold_on_the_page_with_providers(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(GITHUB)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("till", "till@example.org", "a long passphrase 1")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "till", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "till", "password": "a long passphrase 1"})
    assert response.status_code == 429 and "Too many failed sign-ins" in response.content.decode()
