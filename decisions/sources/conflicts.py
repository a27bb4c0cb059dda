"""A staff member settles a SyncConflict: the repository's version is imported over the record, or
the site's is kept and the upstream file marked as seen, so the next sync leaves it alone.

Either way the conflict stays, resolved, with who chose what and when; the record's history keeps
the text that lost (a revision per save), so nothing a person wrote is dropped silently.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from decisions.diffs import tagged_diff
from decisions.sources.importers import Unit, adapter_for
from decisions.sources.importers.base import Context
from decisions.sources.models import SourceFile
from decisions.sources.runs import Choice, SyncConflict


class AlreadyResolved(Exception):
    """Someone chose first; the conflict says who and what."""

    def __init__(self, conflict: SyncConflict) -> None:
        self.conflict = conflict
        super().__init__(f"{conflict} was already resolved")


class NotApplied(Exception):
    """The repository's version could not be imported (a broken file): the conflict stays open."""


def site_text(conflict: SyncConflict) -> str:
    file = conflict.file
    return adapter_for(file.source.holds).site_text(file.object_id) if file.object_id else ""


def side_by_side(conflict: SyncConflict) -> dict[str, Any]:
    """Both versions, and the diff from the site's to the repository's (of what the site keeps of
    the file: an RFC's body, its header being fields)."""
    site = site_text(conflict)
    upstream = adapter_for(conflict.file.source.holds).comparable(conflict.text, conflict.file.path)
    return {
        "site": site,
        "repository": conflict.text,
        "diff": tagged_diff(site.splitlines(), upstream.splitlines(), "on the site", conflict.file.path),
    }


def choose(conflict_id: int, choice: str, user: Any) -> SyncConflict:
    """Apply the choice once: a second choice of the same conflict raises AlreadyResolved."""
    with transaction.atomic():
        conflict = SyncConflict.objects.select_for_update().select_related("file__source").get(pk=conflict_id)
        if conflict.resolved_at is not None:
            raise AlreadyResolved(conflict)
        if choice == Choice.REPOSITORY:
            _apply_repository(conflict)
        else:
            _keep_site(conflict)
        conflict.choice, conflict.resolved_at = choice, timezone.now()
        conflict.resolved_by = user if getattr(user, "is_authenticated", False) else None
        conflict.save(update_fields=["choice", "resolved_at", "resolved_by"])
    return conflict


def _keep_site(conflict: SyncConflict) -> None:
    """The upstream blob counts as seen; the record's version now is the one the sync knows."""
    file = conflict.file
    adapter = adapter_for(file.source.holds)
    versions = adapter.versions([file.object_id]) if file.object_id else {}
    SourceFile.objects.filter(pk=file.pk).update(
        blob=conflict.blob,
        commit=conflict.commit,
        record_version=versions.get(file.object_id, file.record_version),
        synced_at=timezone.now(),
    )


def _apply_repository(conflict: SyncConflict) -> None:
    """Import the file's text as the sync read it, over the site's edits."""
    file = conflict.file
    source = file.source
    adapter = adapter_for(source.holds)
    listing = list(source.files.filter(withdrawn=False).values_list("path", flat=True))
    adapter.units(sorted({*listing, file.path}), source.path)  # numbers of plain ADR folders
    if file.object_id:
        adapter.release(file.object_id, conflict.commit)
    with tempfile.TemporaryDirectory(prefix="rfcs-sync-") as temporary:
        root = Path(temporary)
        target = root / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(conflict.text, encoding="utf-8")
        folder = root / source.path if source.path else root
        context = Context(root, folder, source, conflict.commit, force={file.path})
        outcome = adapter.import_units(context, [Unit(file.path)]).get(file.path)
    if outcome is None or outcome.outcome in ("failed", "conflict", "skipped"):
        reason = outcome.error if outcome else "the file was not read"
        raise NotApplied(reason or "the notes were edited on the site again")
    SourceFile.objects.filter(pk=file.pk).update(
        blob=conflict.blob,
        commit=conflict.commit,
        object_id=outcome.record_id,
        record_version=outcome.version,
        withdrawn=False,
        synced_at=timezone.now(),
    )
