"""A clear 503 answer while the database cannot be reached, never a 500 or a traceback.

When PostgreSQL restarts or the network to it drops, every query raises OperationalError or
InterfaceError. A failure inside a view reaches `process_exception`. A failure outside one (the
session or user lookup in another middleware, an error page that itself queries) is turned into
a 500 by Django before any outer middleware sees it; Django sends `got_request_exception` first,
so a receiver marks the request and `__call__` swaps that 500 for the same 503.

The answer is built without touching the database: the template is rendered without the
request, so no context processor looks up the user, the session or the messages.
With persistent connections, `CONN_HEALTH_CHECKS` drops a connection the restart killed at the
start of the next request, so the site recovers by itself as soon as the database is back.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = (
    "The site cannot reach its database right now, usually for a few seconds while it restarts. "
    "Please try again shortly."
)
API_PREFIX = "/api/"
SQLITE_NOT_AN_OUTAGE = ("no such ", "locked", "busy", "syntax error", "has no column")
_MARK = "_rfcs_database_unavailable"


def is_database_unavailable(error: BaseException | None) -> bool:
    """Connection-level failures: the server is down, restarting, or the connection was cut.

    Django wraps the driver's errors in django.db.utils, but not everywhere: closing a
    server-side cursor (a queryset's .iterator() on PostgreSQL) raises psycopg's own
    OperationalError when the connection died, so the driver's classes count too.
    """
    kinds: list[type[BaseException]] = [OperationalError, InterfaceError]
    for connection in connections.all():
        kinds += [connection.Database.OperationalError, connection.Database.InterfaceError]
    if not isinstance(error, tuple(kinds)):
        return False
    # Other OperationalErrors are bugs or load, not an outage, and must stay 500s with their
    # traceback: SQLite's "no such table" or "database is locked", PostgreSQL's deadlocks and
    # statement timeouts. An outage is a connection that failed (no SQLSTATE, or class 08) or
    # a server shutting down (57P01-57P03); SQLite has no codes, so its known bugs and load
    # errors are told apart by their message.
    cause = error.__cause__ or error
    if isinstance(cause, sqlite3.Error):
        return not any(marker in str(cause) for marker in SQLITE_NOT_AN_OUTAGE)
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in {"57P01", "57P02", "57P03"}


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503: JSON under /api/ (its documentation page excepted), else the page in the site's design."""
    if request.path.startswith(API_PREFIX) and request.path != API_PREFIX:
        response: HttpResponse = JsonResponse({"status": 503, "error": MESSAGE}, status=503)
    else:
        html = loader.render_to_string(
            "503.html", {"message": MESSAGE, "retry_after": RETRY_AFTER_SECONDS, "method": request.method}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # The clickjacking middleware sits inside this one and never sees a swapped response.
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


def _mark_request(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Sent inside Django's except block, so sys.exc_info() is the failure being turned into a 500."""
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_request, dispatch_uid="rfcs_site.unavailable.mark_request")


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After instead of 500 when the database is unreachable.

    Placed before the session middleware, so that the session and user lookups it wraps are
    covered, and after the security middleware, so the 503 still gets the site's headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, False) and response.status_code >= 500:
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        logger.warning(
            "Database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        return unavailable_response(request)
