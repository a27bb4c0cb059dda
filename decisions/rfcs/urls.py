"""The RFC routes (pages, feeds, CSV, API), each written once for the site's own RFCs and every
imported series."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path, register_converter

from decisions.rfcs import api, drafting, feeds, views


class SeriesConverter:
    """The prefix of an imported series in URLs: /rfcs/pep/8/ (the site's own RFCs have none)."""

    regex = "rust|pep|kep"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SeriesConverter, "series")


def in_every_series(route: str, view: Callable[..., Any], name: str) -> list[URLPattern]:
    """`route` for the site's own RFCs ("rfcs/<int:number>/") and the same route with an imported
    series before the number ("rfcs/<series:series>/<int:number>/"), under one name: reverse()
    picks the second when given (series, number)."""
    before, number, after = route.partition("<int:number>")
    return [
        path(route, view, name=name),
        path(f"{before}<series:series>/{number}{after}", view, name=name),
    ]


urlpatterns = [
    path("rfcs/", views.rfc_list, name="rfc-list"),
    path("rfcs/feed/", feeds.RFCFeed(), name="rfc-feed"),
    path("rfcs/status/feed/", feeds.RFCStatusFeed(), name="rfc-status-feed"),
    path("rfcs/export.csv", api.rfc_export_csv, name="rfc-export-csv"),
    path("rfcs/new/", drafting.rfc_new, name="rfc-new"),
    *in_every_series("rfcs/<int:number>/", views.rfc_detail, "rfc-detail"),
    *in_every_series("rfcs/<int:number>/history/", views.rfc_history, "rfc-history"),
    *in_every_series("rfcs/<int:number>/edit/", views.rfc_edit, "rfc-edit"),
    *in_every_series("rfcs/<int:number>.md", views.rfc_markdown, "rfc-markdown"),
    # Legacy ids and aliases (/rfcs/pep-8/, /rfcs/KEP-625/, /rfcs/0001-private-fields/) redirect.
    path("rfcs/<str:alias>/", views.rfc_alias, name="rfc-alias"),
    path("api/rfcs/", api.rfc_list, name="rfc-api-list"),
    *in_every_series("api/rfcs/<int:number>/", api.rfc_detail, "rfc-api-detail"),
]
