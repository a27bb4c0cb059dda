"""What the rooms' page views share: the cache lifetime of rendered records, a filtered list
with its htmx results partial, the Markdown content type, and the order of action items."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from decisions.models import ActionItem

MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"
# Rendered records are cached under keys that change with them; old keys just age out.
RECORD_CACHE_SECONDS = 24 * 60 * 60


def filtered_list(
    request: HttpRequest,
    form: Any,
    rows: QuerySet | Callable[[], QuerySet],
    template: str,
    per_page: int,
    **extra: Any,
) -> HttpResponse:
    """A filtered, paginated list; htmx asks for the `results` partial of the same template.

    The page is read only when the template uses it: a results fragment cached under the data
    state (`{% statecache %}`) then costs no query, not even the COUNT. `rows` may be a function
    making the query set, when even building it (annotations) is worth saving."""

    def paginator() -> Paginator:
        return Paginator(form.filter(rows() if callable(rows) else rows), per_page)

    page = lazy_page(paginator, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": SimpleLazyObject(lambda: form.is_filtered()),
        **extra,
    }
    return render(request, f"{template}#results" if request.htmx else template, context)


def lazy_page(paginator: Callable[[], Paginator], number: object) -> Page:
    """paginator().get_page(number), computed on first use (its COUNT and its rows)."""
    return SimpleLazyObject(lambda: paginator().get_page(number))  # type: ignore[return-value]


def action_item_order(item: ActionItem) -> tuple:
    """ActionItem's own ordering (status, due date, id), undated items last on every database."""
    return (item.status, item.due_on is None, item.due_on or datetime.date.min, item.pk)
