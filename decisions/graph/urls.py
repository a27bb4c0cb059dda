"""The decision graph's routes."""

from __future__ import annotations

from django.urls import path

from decisions.graph import views

urlpatterns = [
    path("graph/", views.graph_page, name="graph"),
    path("graph/<str:kind>/<int:pk>/", views.graph_panel, name="graph-panel"),
    path("graph/<str:kind>/<int:pk>/links/", views.link_add, name="graph-link-add"),
    path("graph/links/<int:link>/remove/", views.link_remove, name="graph-link-remove"),
]
