"""The search routes: the page and the API."""

from __future__ import annotations

from django.urls import path

from decisions.search import api, views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("api/search/", api.search, name="search-api"),
]
