"""What the rooms' page views share: the cache lifetime of rendered records, a filtered list
with its htmx results partial, the Markdown content type, and the order of action items."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from decisions.models import ActionItem

MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"
# Rendered records are cached under keys that change with them; old keys just age out.
RECORD_CACHE_SECONDS = 24 * 60 * 60


def filtered_list(
    request: HttpRequest, form: Any, rows: QuerySet, template: str, per_page: int, **extra: Any
) -> HttpResponse:
    """A filtered, paginated list; htmx asks for the `results` partial of the same template."""
    page = Paginator(form.filter(rows), per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": form.is_filtered(),
        **extra,
    }
    return render(request, f"{template}#results" if request.htmx else template, context)


def action_item_order(item: ActionItem) -> tuple:
    """ActionItem's own ordering (status, due date, id), undated items last on every database."""
    return (item.status, item.due_on is None, item.due_on or datetime.date.min, item.pk)
