"""Signing in through a real OpenID Connect provider (django-oauth-toolkit on loopback, see
tests/oidc_provider/): discovery, the authorisation code flow with PKCE, the id token's signature
and nonce checked, a tampered token refused, no way off the site through `next=`, e-mail linking
only when verified, tokens never logged."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User

from decisions.accounts.models import Handle
from decisions.accounts.oidc import CheckedOIDCAdapter
from decisions.people.linking import person_for
from decisions.people.models import Person

pytestmark = pytest.mark.django_db
START = "/accounts/oidc/testidp/login/"


def authorize_at_idp(provider: Any, authorize_url: str, username: str = "cfallin") -> str:
    """Be the browser at the provider: sign in there and return where it sends us back to."""
    idp = requests.Session()
    answer = idp.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    login_url = provider.url + answer.headers["Location"]
    idp.get(login_url, timeout=10)
    answer = idp.post(
        login_url,
        {
            "username": username,
            "password": provider.password,
            "csrfmiddlewaretoken": idp.cookies["csrftoken"],
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    answer = idp.get(provider.url + answer.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def start(client, next_url: str | None = None) -> str:
    response = client.post(START, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, provider: Any, username: str = "cfallin", next_url: str | None = None):
    return come_back(client, authorize_at_idp(provider, start(client, next_url), username))


def signed_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


# The flow ----------------------------------------------------------------------------------


def test_oidc_sign_in_reads_discovery_and_uses_the_code_flow_with_pkce_and_a_nonce(client, oidc_site):
    authorize = start(client)
    assert authorize.startswith(f"{oidc_site.issuer}/authorize/")  # from the discovery document
    query = parse_qs(urlsplit(authorize).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["nonce"][0]) >= 32 and len(query["state"][0]) >= 12
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}
    response = come_back(client, authorize_at_idp(oidc_site, authorize))
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == "cfallin"
    account = SocialAccount.objects.get(provider="testidp")
    assert account.user.email == "cfallin@example.org"
    assert "Signed in as" in client.get("/accounts/you/").content.decode()


def test_oidc_sign_in_goes_back_to_the_page_it_started_from(client, oidc_site):
    response = sign_in(client, oidc_site, next_url="/decisions/")
    assert response.status_code == 302 and response["Location"] == "/decisions/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_oidc_next_never_leaves_the_site(client, oidc_site, target):
    response = sign_in(client, oidc_site, next_url=target)
    assert response.status_code == 302 and response["Location"] == "/", response["Location"]
    assert signed_in_as(client) == "cfallin"


def test_oidc_a_second_sign_in_finds_the_same_account(client, oidc_site):
    sign_in(client, oidc_site)
    client.logout()
    sign_in(client, oidc_site)
    assert signed_in_as(client) == "cfallin" and User.objects.count() == 1


# What is refused ----------------------------------------------------------------------------


def refused(client, response) -> None:
    assert response.status_code in {400, 401, 403}, response.status_code
    assert "Sign-in failed" in response.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_oidc_a_callback_with_another_state_is_refused(client, oidc_site):
    callback = authorize_at_idp(oidc_site, start(client))
    refused(client, come_back(client, with_query(callback, state="not-the-state-this-browser-sent")))


def test_oidc_a_callback_in_another_browser_is_refused(client, oidc_site, django_user_model):
    from django.test import Client

    callback = authorize_at_idp(oidc_site, start(client))
    other = Client()
    refused(other, come_back(other, callback))


def test_oidc_an_id_token_with_another_nonce_is_refused(client, oidc_site):
    authorize = with_query(start(client), nonce="a-nonce-this-site-never-sent-0123456789")
    refused(client, come_back(client, authorize_at_idp(oidc_site, authorize)))


def tamper_tokens(monkeypatch: pytest.MonkeyPatch, change) -> list[dict]:
    """Change the token endpoint's answer before the site reads it; returns the answers seen."""
    seen: list[dict] = []
    original = CheckedOIDCAdapter.get_access_token_data

    def tampered(self, *args: Any, **kwargs: Any) -> dict:
        data = original(self, *args, **kwargs)
        seen.append(dict(data))
        return change(data)

    monkeypatch.setattr(CheckedOIDCAdapter, "get_access_token_data", tampered)
    return seen


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_oidc_a_tampered_id_token_is_refused(client, oidc_site, monkeypatch):
    def swap_login(data: dict) -> dict:
        header, payload, signature = data["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims |= {"sub": "999", "preferred_username": "admin"}  # someone else, the signature kept
        return {**data, "id_token": f"{header}.{b64(claims)}.{signature}"}

    tamper_tokens(monkeypatch, swap_login)
    refused(client, sign_in(client, oidc_site))


def test_oidc_an_id_token_signed_with_another_key_is_refused(client, oidc_site, monkeypatch):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def re_sign(data: dict) -> dict:
        claims = jwt.decode(data["id_token"], options={"verify_signature": False})
        kid = jwt.get_unverified_header(data["id_token"])["kid"]
        pem = forger.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return {**data, "id_token": jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid})}

    tamper_tokens(monkeypatch, re_sign)
    refused(client, sign_in(client, oidc_site))


def test_oidc_an_unsigned_or_shared_secret_id_token_is_refused(client, oidc_site, monkeypatch):
    def unsigned(data: dict) -> dict:
        claims = jwt.decode(data["id_token"], options={"verify_signature": False})
        kid = jwt.get_unverified_header(data["id_token"])["kid"]
        forged = jwt.encode(claims, oidc_site.client_secret, algorithm="HS256", headers={"kid": kid})
        return {**data, "id_token": forged}

    tamper_tokens(monkeypatch, unsigned)
    refused(client, sign_in(client, oidc_site))
    tamper_tokens(monkeypatch, lambda data: {**data, "id_token": data["id_token"].rsplit(".", 1)[0] + "."})
    refused(client, sign_in(client, oidc_site))


def test_oidc_an_answer_without_an_id_token_is_refused(client, oidc_site, monkeypatch):
    tamper_tokens(monkeypatch, lambda data: {k: v for k, v in data.items() if k != "id_token"})
    refused(client, sign_in(client, oidc_site))


def test_oidc_the_provider_refuses_a_code_without_its_pkce_verifier(oidc_site):
    """The provider side of PKCE: a stolen code is useless without the verifier the site kept."""
    from django.test import Client

    site = Client()
    callback = authorize_at_idp(oidc_site, start(site))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    answer = requests.post(
        f"{oidc_site.issuer}/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://testserver/accounts/oidc/testidp/login/callback/",
        },
        auth=(oidc_site.client_id, oidc_site.client_secret),
        timeout=10,
    )
    assert answer.status_code == 400 and "access_token" not in answer.text


# Linking by e-mail ---------------------------------------------------------------------------


def test_oidc_a_verified_address_signs_in_to_the_account_that_confirmed_it(client, oidc_site):
    chris = User.objects.create_user("chris", "cfallin@example.org", "local password 1")
    EmailAddress.objects.create(user=chris, email="cfallin@example.org", verified=True, primary=True)
    sign_in(client, oidc_site)
    assert signed_in_as(client) == "chris"
    assert SocialAccount.objects.get().user == chris
    chris.refresh_from_db()
    assert chris.check_password("local password 1")  # nobody's password was wiped


def test_oidc_an_address_the_provider_does_not_call_verified_links_nothing(client, oidc_site):
    victim = User.objects.create_user("victim", "victim@example.org", "local password 1")
    EmailAddress.objects.create(user=victim, email="victim@example.org", verified=True, primary=True)
    sign_in(client, oidc_site, username="mallory")
    assert signed_in_as(client) != "victim"
    assert not SocialAccount.objects.filter(user=victim).exists()


def test_oidc_a_verified_address_links_no_account_that_never_confirmed_it(client, oidc_site):
    User.objects.create_user("squatter", "cfallin@example.org", "squatter password 1")
    sign_in(client, oidc_site)
    assert signed_in_as(client) != "squatter"
    assert not SocialAccount.objects.filter(user__username="squatter").exists()


# Claiming the person ---------------------------------------------------------------------------


def test_oidc_login_recorded_as_a_handle_claims_the_person_at_once(client, oidc_site):
    chris = Person.objects.create(name="Chris Fallin", aliases=["cfallin"])
    Handle.objects.create(person=chris, provider="testidp", login="CFallin")
    Person.objects.create(name="Chris Fallin", affiliation="another Chris")  # two people, one name
    sign_in(client, oidc_site)
    page = client.get("/accounts/you/").content.decode()
    assert "your Test IdP login cfallin is recorded on this person" in page
    assert "Takes effect at once" in page
    client.post("/accounts/you/", {"person": chris.pk})
    user = User.objects.get(username="cfallin")
    assert person_for(user) == chris
    assert Person.objects.filter(name="Chris Fallin").count() == 2
    assert Person.objects.get(affiliation="another Chris").user is None


# Tokens stay out of the logs -------------------------------------------------------------------


def test_oidc_tokens_and_codes_are_never_logged(client, oidc_site, monkeypatch, caplog):
    seen = tamper_tokens(monkeypatch, lambda data: data)
    caplog.set_level(logging.DEBUG)
    callback = authorize_at_idp(oidc_site, start(client))
    come_back(client, callback)
    assert signed_in_as(client) == "cfallin"
    secrets = [seen[0]["access_token"], seen[0]["id_token"], parse_qs(urlsplit(callback).query)["code"][0]]
    secrets += [seen[0]["refresh_token"]] if seen[0].get("refresh_token") else []
    logged = "\n".join(record.getMessage() + str(record.args) for record in caplog.records)
    for secret in secrets:
        assert secret not in logged
    assert oidc_site.client_secret not in logged
