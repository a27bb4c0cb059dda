"""/search/?q=: one page over RFCs, meetings, decisions and precedents; htmx gets the results only.

The results (count, ranked hits, excerpts, pagination) are the same for everyone who asks the
same thing of the same data, so their HTML is kept under the data state
(decisions.caching.fragments): a signed-in person, or anyone after the page cache, gets a search
already run since the last write without ranking again. The first search after a write builds
it (see the "Performance" part of docs/architecture.md for what that costs).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from decisions.caching import fragments
from decisions.models import RFC
from decisions.search import results as search

PER_PAGE = 20
# One hit of the results list (the template's loop wrote the same, at ~30 µs a hit). Every
# value is escaped by _hits_html except the title and snippet, which excerpts.marked made safe.
HIT_HTML = """
      <li class="search-hit">
        <p class="hit-meta">
          <span class="kind kind-{kind}">{label}</span>
          {date}
        </p>
        <h2 class="hit-title"><a href="{url}">{title}</a></h2>
        {snippet}
      </li>
      """
# "12 results among RFCs", "among meetings": the type as it reads inside a sentence.
IN_A_SENTENCE = {"rfc": "RFCs", "meeting": "meetings", "decision": "decisions", "precedent": "precedents"}


@require_safe
@vary_on_headers("HX-Request")
@fragments.reads_state
def search_page(request: HttpRequest) -> HttpResponse:
    """At most two queries (the data state, and the page of hits with their count) whatever the
    data size; one when these results were built since the last write, and none more for an
    empty query.

    An unknown type is ignored, like an unknown filter on the list pages: the link still works.
    """
    raw = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    kind = kind if kind in search.KINDS else ""
    number = request.GET.get("page", "")
    # The page the Paginator will ask for, so that it is ranked with the count (one query).
    first = (int(number) - 1) * PER_PAGE if number.isdigit() and 0 < len(number) < 7 and int(number) else 0
    results = search.Results(raw, kinds=[kind] if kind else None, expect=(first, PER_PAGE))
    params = request.GET.copy()
    params.pop("page", None)
    context: dict[str, Any] = {
        "q": results.query,
        "searchable": bool(results.parsed),
        "truncated": len(raw.strip()) > search.MAX_QUERY_CHARS,
        "max_chars": search.MAX_QUERY_CHARS,
        "kind": kind,
        "kind_label": IN_A_SENTENCE.get(kind, ""),
        "kinds": search.KINDS,
        "query": params.urlencode(),
    }
    # Everything the results show follows from these and the data: the key of their HTML.
    vary = (raw, kind, request.GET.get("page", ""), context["query"])
    key = fragments.key(request, "search-results", *vary)
    store = caches[settings.PAGE_CACHE_ALIAS]
    html = store.get(key) if key is not None else None
    too_slow = ""
    if html is None:
        html, too_slow = _results_html(request, raw, results, context)
        if key is not None and not too_slow:
            store.set(key, html, fragments.FRAGMENT_SECONDS)
    # A history restore wants the whole page back, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        response = HttpResponse(html)
    else:
        response = render(request, "decisions/search.html", {**context, "results_html": mark_safe(html)})
    if too_slow:
        response["Cache-Control"] = "no-store"  # a later try may finish: never keep this answer
    return response


def _results_html(
    request: HttpRequest, raw: str, results: search.Results, context: dict[str, Any]
) -> tuple[str, str]:
    """The results section of this search, built now, and the message when it took too long."""
    try:
        page, too_slow = Paginator(results, PER_PAGE).get_page(request.GET.get("page")), ""
    except search.SearchTooSlow as stopped:
        page, too_slow = None, stopped.message
    named_rfc = (
        # "PEP 8", "KEP-625" or "RFC 12" typed into search: offer that record first.
        RFC.objects.by_reference(raw).only("series", "number", "title").first()
        if raw.strip() and any(ch.isdigit() for ch in raw) and len(raw) < 40
        else None
    )
    html = render_to_string(
        "decisions/search.html#results",
        {
            **context,
            "page": page,
            "hits_html": _hits_html(page.object_list) if page else "",
            "too_slow": too_slow,
            "named_rfc": named_rfc,
        },
    )
    return html, too_slow


def _hits_html(hits: list[search.SearchHit]) -> SafeString:
    """The list items of a page of hits."""
    rows = []
    for hit in hits:
        day = escape(hit.date.isoformat()) if hit.date else ""
        rows.append(
            HIT_HTML.format(
                kind=escape(hit.kind),
                label=escape(hit.kind_label),
                date=f'<time datetime="{day}">{day}</time>' if hit.date else "",
                url=escape(hit.url),
                title=conditional_escape(hit.title_html),
                snippet=f'<p class="snippet">{conditional_escape(hit.snippet)}</p>' if hit.snippet else "",
            )
        )
    return mark_safe("".join(rows))
