"""Sign-in that slows down and then locks repeated failures, and the optional login wall.

Failures are counted in the cache per account name and per client address, so guessing one
account's password from many addresses, or many accounts from one, both hit the limit. With
several app processes, point CACHE_URL at a shared cache (db:// or file://) so they agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

FREE_ATTEMPTS = 3  # failures allowed before any wait
LOCK_AFTER = 10  # failures that lock for the full period
LOCK_SECONDS = 15 * 60
PREFIX = "signin-failures"


def _keys(request: HttpRequest, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    return [f"{PREFIX}:user:{username.strip().lower()}", f"{PREFIX}:addr:{address}"]


def wait_seconds(failures: int) -> int:
    """How long to wait after this many failures: nothing, then doubling, then the full lock."""
    if failures < FREE_ATTEMPTS:
        return 0
    if failures >= LOCK_AFTER:
        return LOCK_SECONDS
    return min(LOCK_SECONDS, 2 ** (failures - FREE_ATTEMPTS + 1))


def seconds_left(request: HttpRequest, username: str) -> int:
    now = timezone.now().timestamp()
    waits = []
    for key in _keys(request, username):
        record = cache.get(key)
        if record:
            waits.append(record["last"] + wait_seconds(record["count"]) - now)
    return max(0, math.ceil(max(waits, default=0)))


def record_failure(request: HttpRequest, username: str) -> None:
    now = timezone.now().timestamp()
    for key in _keys(request, username):
        record = cache.get(key) or {"count": 0, "last": now}
        record = {"count": record["count"] + 1, "last": now}
        cache.set(key, record, LOCK_SECONDS)


def clear_failures(request: HttpRequest, username: str) -> None:
    cache.delete_many(_keys(request, username))


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        wait = seconds_left(self.request, username)
        if wait:
            minutes = f"{math.ceil(wait / 60)} minutes" if wait > 90 else f"{wait} seconds"
            raise forms.ValidationError(
                f"Too many failed sign-ins. Wait {minutes} before trying again.", code="throttled"
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            record_failure(self.request, username)
            raise
        clear_failures(self.request, username)
        return data


class SignInView(LoginView):
    form_class = ThrottledAuthenticationForm


class LoginRequiredEverywhereMiddleware:
    """With RFCS_SITE_PUBLIC_READ=0 every page asks for a sign-in first."""

    OPEN_PREFIXES = ("/accounts/login/", "/accounts/password_reset/", "/static/", "/admin/login/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not settings.RFCS_SITE_PUBLIC_READ
            and not request.user.is_authenticated
            and not request.path.startswith(self.OPEN_PREFIXES)
        ):
            return redirect(f"{settings.LOGIN_URL_PATH}?next={request.get_full_path()}")
        return self.get_response(request)


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in obeys the same limits."""
