"""Routes of the sources room: the staff pages under /sources/, the git webhook, writing back."""

from __future__ import annotations

from django.urls import path

from decisions.sources import pages
from decisions.sources.hooks import git_hook
from decisions.sources.publish import source_write

urlpatterns = [
    path("sources/", pages.source_list, name="source-list"),
    path("sources/<slug:name>/", pages.source_detail, name="source-detail"),
    path("sources/<slug:name>/conflicts/<int:pk>/", pages.conflict_detail, name="sync-conflict"),
    path("hooks/git/<slug:source>/", git_hook, name="git-hook"),
    path("sources/<slug:name>/write/", source_write, name="source-write"),
]
