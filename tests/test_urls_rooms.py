"""The RFC, meeting and decision rooms are tried only for paths under their prefixes
(decisions/urls.py `room`): no route of theirs may fall outside them, and every URL stays as it was."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, resolve, reverse

from decisions.urls import ROOMS


def routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)
        else:
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))


def test_every_route_of_a_room_starts_with_one_of_its_prefixes():
    for module, prefixes in ROOMS.items():
        found = list(routes(importlib.import_module(module).urlpatterns))
        assert found
        outside = [route for route in found if not route.startswith(prefixes)]
        assert outside == [], f"{module}: add their prefix to ROOMS"


def test_the_rooms_routes_keep_their_urls_both_ways():
    for name, args, url in (
        ("decisions:home", (), "/"),
        ("decisions:rfc-list", (), "/rfcs/"),
        ("decisions:meeting-detail", (7,), "/meetings/7/"),
        ("decisions:action-item-list", (), "/action-items/"),
        ("decisions:decision-detail", (12,), "/decisions/12/"),
        ("decisions:decision-markdown", (12,), "/decisions/12.md"),
        ("decisions:decision-api-detail", (12,), "/api/decisions/12/"),
        ("decisions:search", (), "/search/"),
    ):
        assert reverse(name, args=args) == url
        match = resolve(url)
        assert f"{match.namespace}:{match.url_name}" == name, url
    assert resolve("/rfcs/5001/").url_name == "rfc-detail"
