"""The decision graph's routes."""

from __future__ import annotations

from django.urls import path, register_converter

from decisions.graph import views


class NodeKindConverter:
    """Only the four kinds of record: /graph/links/1/ is then no record's panel (and a 405 page's
    "page above" skips it for /graph/)."""

    regex = "rfc|decision|meeting|precedent"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NodeKindConverter, "nodekind")

urlpatterns = [
    path("graph/", views.graph_page, name="graph"),
    path("graph/<nodekind:kind>/<int:pk>/", views.graph_panel, name="graph-panel"),
    path("graph/<nodekind:kind>/<int:pk>/links/", views.link_add, name="graph-link-add"),
    path("graph/links/<int:link>/remove/", views.link_remove, name="graph-link-remove"),
]
