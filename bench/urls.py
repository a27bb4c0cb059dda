"""The site's URLs plus the floor: a fixed 20 KB page through the same middleware, nothing else.

Only the benchmark's settings use this urlconf; the floor is not part of the real site.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

FLOOR_PATH = "/bench/floor/"
FLOOR_BODY = ("<p>" + "x" * 1016 + "</p>\n") * 20  # 20 KB of HTML


def floor(request: HttpRequest) -> HttpResponse:
    """What any page costs before it does anything: routing, middleware, the response."""
    return HttpResponse(FLOOR_BODY)


urlpatterns = [
    path(FLOOR_PATH.strip("/") + "/", floor, name="bench-floor"),
    path("", include("rfcs_site.urls")),
]
