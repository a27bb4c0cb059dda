"""Whole pages for visitors, served from the cache under the state of the database.

Most requests are visitors reading RFCs, meetings and decisions. Their pages depend only on the
URL, the day (due dates, "overdue") and the data, so a page is cached under those, with the data
represented by decisions.caching.datastate (one trivial query, made at most once per
PAGE_CACHE_STATE_SECONDS by each process). Any committed write gives a new state, so an edit
shows at once in the process that made it and within that second on every other app server,
with no invalidation code to forget. The pages'
own fragment caches (keyed by decisions.caching.union.fingerprint) still make a miss cheap.

Cached only: GET/HEAD without a session or messages cookie or an Authorization header, a 200
that sets no cookie and used no CSRF token (a token in a shared page would leak its secret),
outside settings.PAGE_CACHE_SKIP. Signed-in people always get a fresh page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import cc_delim_re

from decisions.caching import datastate, fragments

HEADER = "X-Page-Cache"
logger = logging.getLogger(__name__)


class PageCacheMiddleware:
    """Answer a visitor's GET from the cache when the data has not changed since it was built.

    Placed after DatabaseUnavailableMiddleware (the state query needs the database: an outage
    is a 503) and before the session middleware (a hit needs no session, user or CSRF work).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        cache = caches[settings.PAGE_CACHE_ALIAS]
        try:
            stored = cache.get(key)
        except Exception:  # the cache server is down or full: build the page as if uncached
            logger.warning("Page cache unavailable for %s", request.path, exc_info=True)
            return self.get_response(request)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        # A page that changes at a known time (a final comment period's end) says how long it holds;
        # the header is for this cache only and never leaves the server.
        limit = response.get(datastate.SECONDS_HEADER)
        if limit is not None:
            del response[datastate.SECONDS_HEADER]
        seconds = (
            settings.PAGE_CACHE_SECONDS if limit is None else min(int(limit), settings.PAGE_CACHE_SECONDS)
        )
        if request.method == "GET" and seconds > 0 and _storable(request, response):
            headers = {name: value for name, value in response.items() if name != HEADER}
            try:
                cache.set(key, (response.status_code, headers, response.content), seconds)
            except Exception:
                logger.warning("Could not cache the page %s", request.path, exc_info=True)
            else:
                response[HEADER] = "miss"
        return response


def page_key(request: HttpRequest) -> str | None:
    """The cache key of this request's page, or None when it must be built for this request."""
    if settings.PAGE_CACHE_SECONDS <= 0 or not settings.RFCS_SITE_PUBLIC_READ:
        return None
    if request.method not in ("GET", "HEAD"):
        return None
    if (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or getattr(settings, "MESSAGES_COOKIE_NAME", "messages") in request.COOKIES
        or "authorization" in request.headers
    ):
        return None
    if request.path_info.startswith(tuple(settings.PAGE_CACHE_SKIP)):
        return None
    state = datastate.recent(settings.PAGE_CACHE_STATE_SECONDS)
    fragments.remember(request, state)  # the built page's fragments are keyed by it too
    if state is None:
        return None
    # Partial responses for htmx depend on its headers (target, trigger...).
    htmx = sorted((k.lower(), v) for k, v in request.headers.items() if k.lower().startswith("hx-"))
    parts = [state, timezone.localdate().isoformat(), request.build_absolute_uri(), repr(htmx)]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_USED"):
        return False
    control = {part.strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    return not control & {"private", "no-store", "no-cache"} and not response.has_header("Set-Cookie")
