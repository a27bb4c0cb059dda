"""/search/?q=: one page over RFCs, meetings, decisions and precedents; htmx gets the results only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from decisions.models import RFC
from decisions.search import results as search

PER_PAGE = 20
# "12 results among RFCs", "among meetings": the type as it reads inside a sentence.
IN_A_SENTENCE = {"rfc": "RFCs", "meeting": "meetings", "decision": "decisions", "precedent": "precedents"}


@require_safe
@vary_on_headers("HX-Request")
def search_page(request: HttpRequest) -> HttpResponse:
    """Two queries per page (count, then the page of hits) whatever the data size; none when empty.

    An unknown type is ignored, like an unknown filter on the list pages: the link still works.
    """
    raw = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    kind = kind if kind in search.KINDS else ""
    results = search.Results(raw, kinds=[kind] if kind else None)
    try:
        page, too_slow = Paginator(results, PER_PAGE).get_page(request.GET.get("page")), ""
    except search.SearchTooSlow as stopped:
        page, too_slow = None, stopped.message
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "q": results.query,
        "searchable": bool(results.parsed),
        "truncated": len(raw.strip()) > search.MAX_QUERY_CHARS,
        "max_chars": search.MAX_QUERY_CHARS,
        "kind": kind,
        "kind_label": IN_A_SENTENCE.get(kind, ""),
        "kinds": search.KINDS,
        "page": page,
        "too_slow": too_slow,
        "query": params.urlencode(),
        # "PEP 8", "KEP-625" or "RFC 12" typed into search: offer that record first.
        "named_rfc": RFC.objects.by_reference(raw).only("series", "number", "title").first()
        if raw.strip() and any(ch.isdigit() for ch in raw) and len(raw) < 40
        else None,
    }
    # A history restore wants the whole page back, not the fragment.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "decisions/search.html#results" if fragment else "decisions/search.html"
    response = render(request, template, context)
    if too_slow:
        response["Cache-Control"] = "no-store"  # a later try may finish: never keep this answer
    return response
