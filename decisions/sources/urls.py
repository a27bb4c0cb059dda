"""Routes of the sources room: the git webhook, writing the site's changes to a branch."""

from __future__ import annotations

from django.urls import path

from decisions.sources.hooks import git_hook
from decisions.sources.publish import source_write

urlpatterns = [
    path("hooks/git/<slug:source>/", git_hook, name="git-hook"),
    path("sources/<slug:name>/write/", source_write, name="source-write"),
]
