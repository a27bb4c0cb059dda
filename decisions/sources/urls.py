"""Routes of the sources room: the git webhook."""

from __future__ import annotations

from django.urls import path

from decisions.sources.hooks import git_hook

urlpatterns = [
    path("hooks/git/<slug:source>/", git_hook, name="git-hook"),
]
