"""Who a signed-in request is, without reading their user row again while nothing has changed.

Django reads the user's row on every signed-in request (ModelBackend.get_user): on PostgreSQL a
round trip and an ORM query, most of what a page built from its cached fragments costs. The row
can only change by a write, and every write to it moves the data state
(decisions.caching.datastate), which a listening PostgreSQL connection keeps without a query. So
each process keeps the users it read under the state they were read in: a copy is used only
while the state is the same, that is while no row anywhere has changed since. Each request gets
its own instance (unpickled), so what one view does to it never reaches another; the session's
password hash is checked against it as Django checks it. Where there is no state to key by
(SQLite, whose own lookup is no round trip, and inside a transaction), Django's lookup runs.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from typing import Any

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from decisions.caching import datastate

# Users a process keeps at most, least recently used dropped first.
KEPT_USERS = 10_000
_kept: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
_lock = threading.Lock()


def forget_all() -> None:
    """Drop every kept user (tests start from none)."""
    with _lock:
        _kept.clear()


def get_user(request: HttpRequest) -> Any:
    """auth.get_user(request), from this process's copy when the data state is unchanged."""
    session = request.session
    user_id, backend = session.get(auth.SESSION_KEY), session.get(auth.BACKEND_SESSION_KEY)
    # Only where the state costs no query (a listening PostgreSQL connection). It is read before
    # the row, so a row is never older than the state it is kept under; and not pinned as the
    # request's fragment state, which a view that writes must read after its write.
    state = datastate.listened() if user_id is not None and backend is not None else None
    if state is None:
        return auth.get_user(request)
    key = (str(user_id), backend, state)
    with _lock:
        pickled = _kept.get(key)
        if pickled is not None:
            _kept.move_to_end(key)
    if pickled is not None:
        user = pickle.loads(pickled)
        # As auth.get_user does: a password changed since sign-in ends the session (it moved the
        # state too, so this copy is the user as they are now).
        hashed = session.get(auth.HASH_SESSION_KEY)
        if hashed and constant_time_compare(hashed, user.get_session_auth_hash()):
            user.backend = backend
            return user
        return auth.get_user(request)  # flushes the session, as Django does
    user = auth.get_user(request)
    if user.is_authenticated:
        with _lock:
            _kept[key] = pickle.dumps(user)
            while len(_kept) > KEPT_USERS:
                _kept.popitem(last=False)
    return user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with request.user from get_user above."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
