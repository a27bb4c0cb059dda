"""Accounts: sign-in and its limits, the identity providers, sign-up, and claiming a person.

`limits.py` holds the sign-in and password-reset limits (django-axes) and the login wall; the
settings name its classes through this package (`decisions.accounts.SignInLimitBackend`).
`oidc.py` is the checked OpenID Connect client, `adapters.py` what allauth may do, `claims.py`
how an account becomes a person, `views.py` and `urls.py` the pages.
"""

from __future__ import annotations

from decisions.accounts.limits import (
    NAME_FREE_FAILURES,
    NAME_MAX_WAIT,
    LimitedPasswordResetForm,
    LimitedPasswordResetView,
    LoginRequiredEverywhereMiddleware,
    PrivatePagesMiddleware,
    SignInLimitBackend,
    client_address,
    counted_username,
    name_wait_seconds,
    normalize_username,
    refused_sign_in,
    seconds_to_wait,
)

__all__ = [
    "NAME_FREE_FAILURES",
    "NAME_MAX_WAIT",
    "LimitedPasswordResetForm",
    "LimitedPasswordResetView",
    "LoginRequiredEverywhereMiddleware",
    "PrivatePagesMiddleware",
    "SignInLimitBackend",
    "client_address",
    "counted_username",
    "name_wait_seconds",
    "normalize_username",
    "refused_sign_in",
    "seconds_to_wait",
]
