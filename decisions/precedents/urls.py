"""The precedent routes: pages, the editor and the API."""

from __future__ import annotations

from django.urls import path

from decisions.precedents import api, views

urlpatterns = [
    path("precedents/", views.precedent_list, name="precedent-list"),
    path("precedents/new/", views.precedent_edit, name="precedent-new"),
    path("precedents/<int:pk>/", views.precedent_detail, name="precedent-detail"),
    path("precedents/<int:pk>/edit/", views.precedent_edit, name="precedent-edit"),
    path("api/precedents/", api.precedent_list, name="precedent-api-list"),
    path("api/precedents/<int:pk>/", api.precedent_detail, name="precedent-api-detail"),
]
