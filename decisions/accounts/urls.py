"""Account routes under /accounts/: the site's sign-in page and Django's password pages (their URL
names kept), "Your account", and the checked OpenID Connect routes; allauth's own follow in
rfcs_site/urls.py (sign-up, e-mail confirmation, GitHub and GitLab, the provider error pages).

allauth's pages link to `account_login`, `account_logout`, `account_reset_password` and
`account_change_password`: those names are aliases of the site's pages, so there is one sign-in,
one sign-out and one password reset (with its limits), whichever page links to them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import Any

from allauth.account import views as allauth_views
from allauth.socialaccount import app_settings as social_settings
from allauth.socialaccount import providers
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.generic.base import RedirectView

from decisions.accounts import oidc, views
from decisions.accounts.limits import LimitedPasswordResetView

OIDC = social_settings.OPENID_CONNECT_URL_PREFIX


def _off_when_unset(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A provider nobody configured is not there: 404, where allauth would fail with a 500."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist as missing:
            raise Http404("this sign-in provider is not set up on this site") from missing

    return wrapped


def provider_urlpatterns() -> list[URLPattern]:
    """The routes of GitHub and GitLab (every OAuth2 provider in INSTALLED_APPS) as allauth names
    them, each answering 404 while unset; OpenID Connect has the checked routes below."""
    patterns = []
    for provider in providers.registry.get_class_list():
        if provider.id == "openid_connect":
            continue
        views_module = import_module(f"{provider.get_package()}.views")
        slug = provider.get_slug()
        patterns += [
            path(f"{slug}/login/", _off_when_unset(views_module.oauth2_login), name=f"{provider.id}_login"),
            path(
                f"{slug}/login/callback/",
                _off_when_unset(views_module.oauth2_callback),
                name=f"{provider.id}_callback",
            ),
        ]
    return patterns


urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/", views.SignInView.as_view(), name="account_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Reset mails have a limit of their own (limits.py); sign-in limits hold in the backend.
    path("password_reset/", LimitedPasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "password/reset/", RedirectView.as_view(pattern_name="password_reset"), name="account_reset_password"
    ),
    path(
        "password/change/",
        RedirectView.as_view(pattern_name="password_change"),
        name="account_change_password",
    ),
    path("you/", views.account, name="account"),
    path("you/add-me/", views.add_me, name="account-add-me"),
    path(f"{OIDC}/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path(f"{OIDC}/<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
    # allauth's pages the site uses: sign-up and confirming its address, the switched-off
    # account, the account's e-mail addresses and a first password for a provider's account.
    path("signup/", allauth_views.signup, name="account_signup"),
    path("confirm-email/", allauth_views.email_verification_sent, name="account_email_verification_sent"),
    path("confirm-email/<str:key>/", allauth_views.confirm_email, name="account_confirm_email"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("email/", allauth_views.email, name="account_email"),
    path("password/set/", allauth_views.password_set, name="account_set_password"),
    *provider_urlpatterns(),
]
