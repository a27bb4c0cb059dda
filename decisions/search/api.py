"""Search for machines: /api/search/, ranked hits in the list envelope, each with its API address.

An answer is kept under the data state and its whole URL (decisions.caching.fragments), like
the API lists (decisions.api.plumbing.shared), except an answer that ran out of time.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve, reverse

from decisions.api.plumbing import (
    MAX_PER_PAGE,
    PER_PAGE,
    ApiError,
    absolute,
    api_view,
    page_url,
    whole_number,
)
from decisions.caching import fragments
from decisions.search import results as fulltext

_API_DETAIL = {
    "decisions:rfc-detail": "rfc-api-detail",
    "decisions:decision-detail": "decision-api-detail",
    "decisions:meeting-detail": "meeting-api-detail",
    "decisions:precedent-detail": "precedent-api-detail",
}


def _api_url_for(request: HttpRequest, url: str) -> str | None:
    """The API address of the page a hit links to, found from the page's route, not the database."""
    try:
        match = resolve(url.split("#")[0].split("?")[0])
    except Resolver404:
        return None
    name = _API_DETAIL.get(match.view_name)
    return absolute(request, reverse(f"decisions:{name}", kwargs=match.kwargs)) if name else None


def _kinds(request: HttpRequest) -> list[str] | None:
    kinds = [k.strip() for value in request.GET.getlist("kind") for k in value.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(fulltext.KINDS))
    if unknown:
        raise ApiError(400, f"Unknown kind {', '.join(unknown)}; use {', '.join(fulltext.KINDS)}.")
    return kinds or None


@api_view
def search(request: HttpRequest) -> HttpResponse:
    """Ranked full-text hits over RFCs, meetings, decisions and precedents, in the list envelope."""
    key = fragments.key(request, "api-search", request.build_absolute_uri())
    store = caches[settings.PAGE_CACHE_ALIAS]
    kept = store.get(key) if key is not None else None
    if kept is not None:
        return HttpResponse(kept, content_type="application/json")
    response = _search(request)  # an ApiError (a 400, a 503 when too slow) is never kept
    if key is not None:
        store.set(key, response.content, fragments.FRAGMENT_SECONDS)
    return response


def _search(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "")
    kinds = _kinds(request)
    number = whole_number(request, "page", 1)
    per_page = min(whole_number(request, "per_page", PER_PAGE), MAX_PER_PAGE)
    try:
        found = fulltext.search(query, kinds=kinds, limit=per_page, offset=(number - 1) * per_page)
    except fulltext.SearchTooSlow as stopped:
        raise ApiError(503, stopped.message) from stopped
    pages = max(1, math.ceil(found.total / per_page))
    if number > pages:
        raise ApiError(400, f"There is no page {number}; the last page is {pages}.")
    results = [
        {
            "kind": hit.kind,
            "kind_label": hit.kind_label,
            "title": hit.title,
            "title_html": str(hit.title_html),
            "snippet_html": str(hit.snippet),
            "date": hit.date,
            "rank": hit.rank,
            "url": absolute(request, hit.url),
            "api_url": _api_url_for(request, hit.url),
        }
        for hit in found.hits
    ]
    return JsonResponse(
        {
            "count": found.total,
            "page": number,
            "pages": pages,
            "next": page_url(request, number + 1) if number < pages else None,
            "previous": page_url(request, number - 1) if number > 1 else None,
            "results": results,
        }
    )
