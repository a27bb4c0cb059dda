"""The home page: the dashboard over every room (recent RFCs, open decisions and action items,
recent meetings), the one page that belongs to no single kind of record."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from decisions.caching.dashboard import dashboard
from decisions.shortcuts import RECORD_CACHE_SECONDS


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """One query: the four lists come in one UNION (decisions.caching.dashboard), rendered from the cache
    unless a row in them changed."""
    lists, rows_key = dashboard()
    context = {
        "recent_rfcs": SimpleLazyObject(lambda: lists.recent_rfcs),
        "open_decisions": SimpleLazyObject(lambda: lists.open_decisions),
        "open_actions": SimpleLazyObject(lambda: lists.open_actions),
        "recent_meetings": SimpleLazyObject(lambda: lists.recent_meetings),
        "record_key": rows_key,
        "record_seconds": RECORD_CACHE_SECONDS,
    }
    return render(request, "decisions/home.html", context)
