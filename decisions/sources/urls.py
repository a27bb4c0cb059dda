"""The sources' pages, under /sources/."""

from __future__ import annotations

from django.urls import path

from decisions.sources import pages

urlpatterns = [
    path("sources/", pages.source_list, name="source-list"),
    path("sources/<slug:name>/", pages.source_detail, name="source-detail"),
    path("sources/<slug:name>/conflicts/<int:pk>/", pages.conflict_detail, name="sync-conflict"),
]
