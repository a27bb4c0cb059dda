"""Sign-in limits, password-reset limits, private pages and the optional login wall.

Failed sign-ins are counted by django-axes in the database, so every worker and every app server
sees the same counts. The rule:

- one account name from one client address: ten failures lock that pair for 15 minutes;
- one account name from anywhere: after three failures, each further attempt waits a little
  (2, 4, 8 ... up to 60 seconds after the last failure), so a guesser spread over many addresses
  is slowed down, but nobody can lock an account out from everywhere; an address the account
  signed in from before is not slowed down at all.

Account names are counted after NFKC normalisation and case folding (fullwidth "admin" is "admin"),
and the client address is REMOTE_ADDR, or behind a proxy the address the trusted proxy appended
to X-Forwarded-For. The checks run in an authentication backend, so every sign-in form (the
site's, the admin's, any added later) is covered.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import math
import unicodedata
from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessLog
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

NAME_FREE_FAILURES = 3  # failures of one account name (from anywhere) before any wait
NAME_MAX_WAIT = 60  # seconds: a slow-down, never a lock
KNOWN_ADDRESS_DAYS = 30  # an address the account signed in from this recently is not slowed down
USERNAME_MAX = 150  # Django's own limit; longer input cannot be an account name


def normalize_username(name: str | None) -> str:
    """The form failures are counted under: NFKC (as Django stores names), then case-folded."""
    return unicodedata.normalize("NFKC", name or "").casefold()[:USERNAME_MAX]


def counted_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised name from the credentials or the posted form."""
    field = get_user_model().USERNAME_FIELD
    if credentials and credentials.get(field) is not None:
        return normalize_username(str(credentials[field]))
    return normalize_username(request.POST.get(field))


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: who is asking, as far as this server can trust it.

    Without DJANGO_BEHIND_PROXY=1, X-Forwarded-For is whatever the client wrote: ignored. Behind
    DJANGO_PROXY_COUNT proxies, each appends the address it received from, so the entry that many
    places from the right was written by our own first proxy; everything left of it is the
    client's own (spoofable) say.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    if not settings.BEHIND_PROXY:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if settings.PROXY_COUNT < 1 or len(hops) < settings.PROXY_COUNT:
        return remote  # did not come through all our proxies: only the socket's address is known
    return _valid_ip(hops[-settings.PROXY_COUNT]) or remote


def name_wait_seconds(failures: int) -> int:
    """The pause one account name imposes after this many recent failures (from anywhere)."""
    if failures < NAME_FREE_FAILURES:
        return 0
    return min(NAME_MAX_WAIT, 2 ** (failures - NAME_FREE_FAILURES + 1))


def _signed_in_from_here_before(request: HttpRequest, raw_username: str | None) -> bool:
    # The account the name would sign in to, as ModelBackend looks it up (NFKC, exact case).
    account = unicodedata.normalize("NFKC", raw_username or "")
    since = timezone.now() - datetime.timedelta(days=KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=account, ip_address=request.axes_ip_address, attempt_time__gte=since
    ).exists()


def seconds_to_wait(request: HttpRequest, raw_username: str | None) -> int:
    """How long this name must wait before another attempt from this address (0: go ahead)."""
    since = timezone.now() - get_cool_off(request)
    recent = AccessAttempt.objects.filter(
        username=normalize_username(raw_username), attempt_time__gte=since
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    wait = name_wait_seconds(recent["failures"] or 0)
    if not wait:
        return 0
    left = math.ceil((recent["last"] + datetime.timedelta(seconds=wait) - timezone.now()).total_seconds())
    if left <= 0 or _signed_in_from_here_before(request, raw_username):
        return 0
    return left


class SignInLimitBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses a locked pair (axes), then a name that must wait.

    It never signs anyone in; ModelBackend after it checks the password.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().authenticate(request, username=username, password=password, **kwargs)
        if not settings.AXES_ENABLED or request is None:
            return None
        wait = seconds_to_wait(request, username)
        if wait:
            request.signin_wait_seconds = wait
            # Not a failure: axes records nothing, and AxesMiddleware shows refused_sign_in().
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("this account name must wait before another attempt")
        return None


def _lock_seconds_left(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    last = AccessAttempt.objects.filter(
        username=counted_username(request, credentials), ip_address=request.axes_ip_address
    ).aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return 0
    return max(0, math.ceil((last + get_cool_off(request) - timezone.now()).total_seconds()))


def _duration(seconds: int) -> str:
    if seconds > 90:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{seconds} second" + ("" if seconds == 1 else "s")


def refused_sign_in(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in page again, saying why and what to do (429)."""
    wait = getattr(request, "signin_wait_seconds", 0)
    if wait:
        message = f"Too many failed sign-ins for this account. Wait {_duration(wait)} before trying again."
    else:
        wait = _lock_seconds_left(request, credentials) or int(get_cool_off(request).total_seconds())
        message = (
            "Too many failed sign-ins for this account from your address. "
            f"Wait {_duration(wait)} before trying again, or reset your password."
        )
    field = get_user_model().USERNAME_FIELD
    form = AuthenticationForm(request, initial={field: request.POST.get(field, "")})
    response = TemplateResponse(
        request,
        "registration/login.html",
        {
            "form": form,
            "limit_message": message,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    add_never_cache_headers(response)
    return response.render()


def _digest(email: str) -> str:
    # Case and compatibility forms name the same mailbox; a digest keeps the key cache-safe.
    return hashlib.sha256(unicodedata.normalize("NFKC", email).casefold().encode()).hexdigest()


def _count(key: str, window: int) -> int:
    """Add one to a counter that starts at the first request and ends with its window."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # dropped between add and incr (a full cache): start again
        cache.set(key, 1, window)
        return 1


class LimitedPasswordResetForm(PasswordResetForm):
    """Reset mails are limited per client address and per e-mail address within a window.

    Counted in the default cache (shared by all workers when CACHE_URL is db:// or redis://);
    an unknown address counts too, so the limit tells nothing about which addresses exist.
    """

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email = data.get("email")
        if not email:
            return data
        window = settings.PASSWORD_RESET_LIMIT_SECONDS
        counters = [
            (
                f"password-reset:addr:{client_address(self.request)}",
                settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            ),
            (f"password-reset:email:{_digest(email)}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL),
        ]
        for key, limit in counters:
            if _count(key, window) > limit:
                raise forms.ValidationError(
                    "Too many password-reset requests for this e-mail address or from your address. "
                    f"Wait {_duration(window)} and try again; a mail sent before may already be in "
                    "your inbox (or its spam folder).",
                    code="throttled",
                )
        return data


class LimitedPasswordResetView(PasswordResetView):
    form_class = LimitedPasswordResetForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        response = super().form_invalid(form)
        if any(error.code == "throttled" for error in form.non_field_errors().as_data()):
            response.status_code = 429
        return response


class PrivatePagesMiddleware:
    """A page built for a signed-in person is theirs alone: no shared or browser cache keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Without a session cookie nobody is signed in unless this very request signed them in
        # (which touched the session); looking at the user otherwise would add Vary: Cookie.
        if session is None or not (settings.SESSION_COOKIE_NAME in request.COOKIES or session.accessed):
            return response
        try:
            private = request.user.is_authenticated
        except DatabaseError:  # the database is down: the 503 page is already never stored
            return response
        if private:
            patch_cache_control(response, private=True, no_store=True)
        return response


class LoginRequiredEverywhereMiddleware:
    """With RFCS_SITE_PUBLIC_READ=0 every page asks for a sign-in first."""

    # Everything under /accounts/ is about signing in (or asks for it itself): sign-in, sign-up,
    # e-mail confirmation, password reset, the providers' callbacks.
    OPEN_PREFIXES = (
        "/accounts/",
        "/static/",
        "/admin/login/",
        # Webhooks prove who sent them with the source's secret, not a session.
        "/hooks/",
        # An e-mail's unsubscribe link: its signed token says who, no sign-in needed.
        "/notices/",
    )

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
