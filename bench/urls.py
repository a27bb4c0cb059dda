"""The site's URLs plus the floor: a fixed 20 KB page through the same middleware, nothing else.

Only the benchmark's settings use this urlconf; the floor is not part of the real site.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

FLOOR_PATH = "/bench/floor/"
SIGNED_FLOOR_PATH = "/bench/floor/signed/"
FLOOR_BODY = ("<p>" + "x" * 1016 + "</p>\n") * 20  # 20 KB of HTML


def floor(request: HttpRequest) -> HttpResponse:
    """What any page costs before it does anything: routing, middleware, the response."""
    return HttpResponse(FLOOR_BODY)


def signed_floor(request: HttpRequest) -> HttpResponse:
    """What any page costs a signed-in person before it does anything: reading who they are."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse(FLOOR_BODY)


urlpatterns = [
    path(FLOOR_PATH.strip("/") + "/", floor, name="bench-floor"),
    path(SIGNED_FLOOR_PATH.strip("/") + "/", signed_floor, name="bench-floor-signed"),
    path("", include("rfcs_site.urls")),
]
