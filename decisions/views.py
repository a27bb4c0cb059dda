"""The home page: the dashboard over every room (recent RFCs, open decisions and action items,
recent meetings), the one page that belongs to no single kind of record."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from decisions.caching.dashboard import dashboard
from decisions.caching.fragments import reads_state
from decisions.caching.pageframe import render_page


@require_safe
@reads_state
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard is the same for everyone: rendered from the cache under the data state (one
    trivial query), its four lists read in one UNION (decisions.caching.dashboard) only when the
    data changed since."""
    lists = SimpleLazyObject(lambda: dashboard()[0])
    context = {
        "recent_rfcs": SimpleLazyObject(lambda: lists.recent_rfcs),
        "open_decisions": SimpleLazyObject(lambda: lists.open_decisions),
        "open_actions": SimpleLazyObject(lambda: lists.open_actions),
        "recent_meetings": SimpleLazyObject(lambda: lists.recent_meetings),
        # The same for every reader: the whole content is kept under the data state (base.html).
        "body_vary": (),
    }
    return render_page(request, "decisions/home.html", context)
