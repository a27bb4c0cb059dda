"""OpenID Connect sign-in that checks the id token every time: signature, nonce, issuer, audience.

allauth's own OpenID Connect client sends no nonce and skips the signature of an id token that
came straight from the token endpoint (the specification allows it over TLS). Here every id token
must be signed with an asymmetric key the provider publishes (its JWKS), carry the nonce this
browser's sign-in started with, name this site as its audience and the discovered issuer, and
not have expired; anything else ends on allauth's "sign-in failed" page. The settings point
allauth at `CheckedOIDCProvider` (rfcs_site/settings.py, SOCIALACCOUNT_PROVIDERS), and
`urls.py` routes the provider's callback to `callback` below.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

import jwt
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest, HttpResponse

# Signatures with a key the provider publishes; never "none" or a secret shared with the client.
SIGNING_ALGORITHMS = {
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
}


class CheckedOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """Verifies each id token (see the module's docstring); `state` is set by the callback view."""

    state: dict[str, Any]

    def __init__(self, request: HttpRequest, provider_id: str) -> None:
        super().__init__(request, provider_id)
        self.state = {}

    def complete_login(
        self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs: Any
    ) -> SocialLogin:
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("the provider answered without an id token")
        return super().complete_login(request, app, token, **kwargs)

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        try:
            algorithm, key = jwtkit.fetch_key(id_token, self.openid_config["jwks_uri"], jwtkit.lookup_kid_jwk)
            if algorithm not in SIGNING_ALGORITHMS:
                raise OAuth2Error(f"id token signed with {algorithm!r}, not a published key")
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=[algorithm],
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]},
            )
        except (jwt.PyJWTError, KeyError) as error:
            raise OAuth2Error("invalid id token") from error
        expected = self.state.get("nonce") or ""
        if not expected or not hmac.compare_digest(str(claims["nonce"]), expected):
            raise OAuth2Error("the id token's nonce is not the one this sign-in sent")
        jwtkit.verify_jti(claims)  # a token seen before is refused (replay)
        return claims


class CheckedOIDCProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider that sends a fresh nonce with each sign-in."""

    oauth2_adapter_class = CheckedOIDCAdapter

    def redirect(
        self, request: HttpRequest, process: str, next_url: str | None = None, data: Any = None, **kwargs: Any
    ) -> HttpResponse:
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        kwargs["auth_params"] = {
            **(self.get_auth_params() if auth_params is None else auth_params),
            "nonce": nonce,
        }
        # Stashed in the session with the state (and the PKCE verifier) until the callback.
        return super().redirect(request, process, next_url, data, nonce=nonce, **kwargs)


class CheckedCallbackView(OAuth2CallbackView):
    """allauth's callback, handing the stashed state (with the nonce) to the adapter."""

    def _get_state(self, request: HttpRequest, provider: Any) -> tuple[dict[str, Any] | None, Any]:
        state, response = super()._get_state(request, provider)
        self.adapter.state = state or {}
        return state, response


def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2LoginView.adapter_view(CheckedOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as missing:
        raise Http404("no such sign-in provider") from missing


def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return CheckedCallbackView.adapter_view(CheckedOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as missing:
        raise Http404("no such sign-in provider") from missing
