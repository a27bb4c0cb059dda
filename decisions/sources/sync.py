"""Bringing a source up to date: fetch with git, import only the files changed since the last sync."""

from __future__ import annotations

from typing import Any

from decisions.sources.models import Source


def sync_source(source: Source, **options: Any) -> Any:
    """Sync one source; the webhook's background task and `sync_sources` both call this."""
    raise NotImplementedError("sync is being built")
