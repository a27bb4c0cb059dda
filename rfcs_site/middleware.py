"""Security headers Django 5.2 does not set itself, and the request body limit."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY: scripts and styles only from this site.

    No page has inline script or style (htmx runs with includeIndicatorStyles off), so the
    policy needs no 'unsafe-inline': injected markup that slipped past the sanitizer still
    cannot run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose declared body is over settings.REQUEST_MAX_BYTES, unread.

    Placed before the session, CSRF and auth middleware: the CSRF check reads request.POST,
    which took a 200 MB upload to an anonymous visitor whole before sending them to sign in.
    Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE) count only the form fields, not files.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0  # Django reads no body then either
        limit = settings.REQUEST_MAX_BYTES
        if size > limit:
            return too_large_response(size, limit)
        return self.get_response(request)


def too_large_response(size: int, limit: int) -> HttpResponse:
    """The 413 page in the site's design, rendered without the request (no session, no database)."""
    message = (
        f"This request is {size / 1024 / 1024:,.1f} MB; the site accepts at most "
        f"{limit / 1024 / 1024:,.1f} MB at once (a document may be {settings.MARKDOWN_MAX_BYTES // 1024} KB)."
    )
    response = HttpResponse(loader.render_to_string("413.html", {"message": message}), status=413)
    response["Cache-Control"] = "no-store"
    # The clickjacking middleware sits inside this one and never sees this answer.
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


class MethodNotAllowedPageMiddleware:
    """Give a bare 405 (Django's require_POST answers with no body) the site's page.

    Following a form's address by hand, or reloading it after a failed save, is a GET to a
    POST-only URL: the person should learn what the address is for and where the page is.
    JSON endpoints keep their own answers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        allowed = response.headers.get("Allow", "POST")
        page = loader.render_to_string(
            "405.html",
            {
                "method": request.method,
                "allowed": " or ".join(m for m in allowed.split(", ") if m not in {"OPTIONS", "HEAD"}),
                "path": request.path,
                "parent": _page_above(request.path),
            },
            request=request,
        )
        refusal = HttpResponse(page, status=405)
        refusal["Allow"] = allowed
        return refusal


def _page_above(path: str) -> str:
    """The nearest address above `path` that is a page (a record for /decisions/5/undo/), or /."""
    while path not in {"", "/"}:
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"
        try:
            resolve(path)
        except Resolver404:
            continue
        return path
    return "/"
