"""The JSON API's plumbing: the view decorator, errors, parameters, pagination, and the short
references every room's serializers share.

Plain Django rather than Django REST framework: the API only reads, and JsonResponse plus a few
serializer functions keep it one dependency lighter. Lists take the filters of their HTML page
through the same forms, but where a page ignores a bad value the API answers 400, because a
script that misspells `status=acepted` should hear about it rather than receive every row.
Every endpoint runs a fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from decisions.caching import datastate, fragments
from decisions.models import RFC, Area, Decision, Meeting, Person, Precedent

PER_PAGE = 20
MAX_PER_PAGE = 100
Serializer = Callable[[HttpRequest, Any], dict]
PageSerializer = Callable[[HttpRequest, list[Any]], list[dict]]  # a whole page at once


class ApiError(Exception):
    """Raised anywhere below a view to answer with a JSON error instead of an HTML page."""

    def __init__(self, status: int, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields


def error_response(status: int, message: str, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"status": status, "error": message}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status)


def api_view(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """GET and HEAD only, and an ApiError becomes its JSON answer."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message, error.fields)

    return wrapper


def shared(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
    """A list answered the same to everyone: built once per state of the data and URL
    (decisions.caching.fragments), for signed-in clients and API tokens too.

    A view whose answer changes at a known time (a final comment period's end: the list then
    moves the motion on, a write) says so in datastate.SECONDS_HEADER; the kept answer is built
    again once that time has come, and the header tells the page cache how long it holds."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        def build() -> tuple[int, dict[str, str], bytes, float | None]:
            response = view(request, *args, **kwargs)
            headers = dict(response.items())
            seconds = headers.pop(datastate.SECONDS_HEADER, None)
            until = None if seconds is None else time.time() + int(seconds)
            return response.status_code, headers, response.content, until

        status, headers, content, until = fragments.cached(
            request, "api", (request.build_absolute_uri(),), build
        )
        if until is not None and time.time() >= until:
            status, headers, content, until = build()
        response = HttpResponse(content, status=status, headers=headers)
        if until is not None:
            response[datastate.SECONDS_HEADER] = str(max(0, int(until - time.time())))
        return response

    return wrapper


# Parameters and pagination ---------------------------------------------------------------


def whole_number(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, f"“{name}” must be a whole number from 1 up, not “{raw}”.")
    return int(raw)


def checked(form: forms.Form) -> forms.Form:
    if not form.is_valid():
        fields = {name: [str(message) for message in errors] for name, errors in form.errors.items()}
        raise ApiError(400, f"Bad value for {', '.join(fields)}.", fields)
    return form


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return absolute(request, f"{request.path}?{query.urlencode()}")


def paginated(
    request: HttpRequest,
    rows: QuerySet,
    serialize: Serializer | None = None,
    *,
    page_of: PageSerializer | None = None,
) -> JsonResponse:
    """One page of rows as {count, page, pages, next, previous, results}: two queries plus prefetches.

    `serialize` answers for one row; `page_of` for the whole page, when it reads what the rows
    need together (the motions of a page come in one query, not one each)."""
    number = whole_number(request, "page", 1)
    per_page = min(whole_number(request, "per_page", PER_PAGE), MAX_PER_PAGE)
    paginator = Paginator(rows, per_page)
    if number > paginator.num_pages:
        raise ApiError(400, f"There is no page {number}; the last page is {paginator.num_pages}.")
    page = paginator.page(number)
    if page_of is not None:
        results = page_of(request, list(page.object_list))
    elif serialize is not None:
        results = [serialize(request, row) for row in page.object_list]
    else:
        raise TypeError("paginated() needs serialize or page_of")
    return JsonResponse(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "next": page_url(request, number + 1) if page.has_next() else None,
            "previous": page_url(request, number - 1) if page.has_previous() else None,
            "results": results,
        }
    )


def get_or_404(rows: QuerySet, message: str, **lookup: Any) -> Any:
    try:
        return rows.get(**lookup)
    except rows.model.DoesNotExist:
        raise ApiError(404, message) from None


def addresses(request: HttpRequest, obj: Model, api_name: str, *args: Any) -> dict[str, str]:
    return {
        "url": absolute(request, obj.get_absolute_url()),
        "api_url": absolute(request, reverse(f"decisions:{api_name}", args=args)),
    }


def person_data(request: HttpRequest, person: Person | None) -> dict | None:
    if person is None:
        return None
    return {"name": person.name, "slug": person.slug, "url": absolute(request, person.get_absolute_url())}


def areas_data(areas: Iterable[Area]) -> list[dict]:
    return [{"slug": area.slug, "name": area.name} for area in areas]


def rfc_ref(request: HttpRequest, rfc: RFC) -> dict:
    return {
        "number": rfc.number,
        "series": rfc.series,
        "label": rfc.label,
        "title": rfc.title,
        "status": rfc.status,
        **addresses(request, rfc, "rfc-api-detail", *rfc.url_args()),
    }


def decision_ref(request: HttpRequest, decision: Decision) -> dict:
    return {
        "number": decision.number,
        "code": decision.code,
        "title": decision.title,
        "status": decision.status,
        **addresses(request, decision, "decision-api-detail", decision.number),
    }


def meeting_ref(request: HttpRequest, meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "date": meeting.date,
        "series": meeting.series.name,
        **addresses(request, meeting, "meeting-api-detail", meeting.pk),
    }


def precedent_ref(request: HttpRequest, precedent: Precedent) -> dict:
    return {
        "id": precedent.pk,
        "title": precedent.title,
        "external_url": precedent.url,
        **addresses(request, precedent, "precedent-api-detail", precedent.pk),
    }
