"""Bringing a source up to date: fetch with git, import only the files changed since the last sync.

The files are compared by blob id with what each SourceFile stored at the last sync (not by a
diff from the last commit): that needs no history, so fetches stay shallow, and it survives a
force-push. Renames are paired (for the report) by `git diff-tree -M` when the last commit is
still in the cache, else by equal blobs. Only the changed files are written to a temporary folder
and read there by the room's own importer, which checks them as it checks any folder; symbolic
links and other non-regular entries are never written, only reported.

A file removed upstream marks its record withdrawn (an RFC's status becomes "withdrawn"; the
SourceFile keeps `withdrawn` for every kind) and deletes nothing. A record edited on the site
since the sync last wrote it, whose file also changed, is not touched: the file's text is kept in
a SyncConflict until a staff member chooses a side (decisions/sources/conflicts.py).

Two servers may run the sync from cron at once: a sync first claims its source in a short
transaction (select_for_update on the row, and sync_started_at as the marker), and a second run
finds it claimed and skips it. A claim older than STALE_AFTER is taken over (a killed run).
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from decisions.sources.files import too_large
from decisions.sources.git import REGULAR_MODES, SUBMODULE_MODE, SYMLINK_MODE, GitError, Tree, snapshot
from decisions.sources.importers import Outcome, Unit, adapter_for
from decisions.sources.importers.base import Adapter, Context
from decisions.sources.models import Source, SourceFile
from decisions.sources.runs import SyncConflict, SyncRun

STALE_AFTER = datetime.timedelta(hours=1)
Progress = Callable[[int, int, str], None]


@dataclass
class SyncResult:
    """What one sync of one source did; as_json() is its entry in `sync_sources --json`."""

    name: str
    commit: str = ""
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    conflicts: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: str = ""  # why the source was not synced at all (another sync holds it)
    error: str = ""  # why the sync stopped (git could not fetch)
    run: SyncRun | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "commit": self.commit,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "failed": [{"path": path, "error": error} for path, error in self.failed],
            "conflicts": self.conflicts,
        }
        if self.skipped:
            data["skipped"] = self.skipped
        if self.error:
            data["error"] = self.error
        return data


def claim(source: Source) -> datetime.datetime | None:
    """Mark the source as being synced (returns the marker), or None when another sync holds it."""
    now = timezone.now()
    with transaction.atomic():
        row = Source.objects.select_for_update().only("sync_started_at").get(pk=source.pk)
        if row.sync_started_at is not None and row.sync_started_at > now - STALE_AFTER:
            source.sync_started_at = row.sync_started_at
            return None
        Source.objects.filter(pk=source.pk).update(sync_started_at=now)
    source.sync_started_at = now
    return now


def release(source: Source, marker: datetime.datetime) -> None:
    Source.objects.filter(pk=source.pk, sync_started_at=marker).update(sync_started_at=None)
    source.sync_started_at = None


def sync_source(
    source: Source, *, progress: Progress | None = None, dry_run: bool = False, **options: Any
) -> SyncResult:
    """Sync one source; the webhook's background task and `sync_sources` both call this.

    Never raises for what a person has to fix (git cannot fetch, a file is broken): it is in the
    result and in the SyncRun the source page shows. A dry run fetches and compares, and counts
    what a sync would read (new files as imported, changed ones as updated), writing nothing.
    """
    result = SyncResult(source.name, commit=source.last_commit)
    marker = claim(source)
    if marker is None:
        since = timezone.localtime(source.sync_started_at).strftime("%Y-%m-%d %H:%M:%S %Z")
        result.skipped = f"another sync of {source.name} has been running since {since}"
        return result
    run = SyncRun(source=source, started_at=marker, previous_commit=source.last_commit)
    try:
        _Sync(source, run, result, progress, dry_run=dry_run).run()
    except GitError as error:
        run.error = result.error = str(error)
    finally:
        run.finished_at = timezone.now()
        if not dry_run:
            run.save()
        release(source, marker)
    result.run = run
    return result


def materialize(tree: Tree, paths: list[str], folder: Path) -> None:
    """Write these files of the tree below folder, at their paths in the repository."""
    for path, data in tree.read(sorted(set(paths))).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


class _Sync:
    def __init__(
        self,
        source: Source,
        run: SyncRun,
        result: SyncResult,
        progress: Progress | None,
        *,
        dry_run: bool = False,
    ) -> None:
        self.source, self.run_row, self.result, self.progress = source, run, result, progress
        self.dry_run = dry_run
        self.adapter: Adapter = adapter_for(source.holds)
        self.now = timezone.now()

    def run(self) -> None:
        source = self.source
        tree = snapshot(source.name, source.url, source.branch, source.path)
        self.tree = tree
        self.run_row.commit = self.result.commit = tree.commit
        units, skipped = self.adapter.units(sorted(tree.entries), source.path)
        units = self._readable(units)
        known = {row.path: row for row in SourceFile.objects.filter(source=source)}
        changed = []
        for unit in units:
            row = known.get(unit.path)
            if (
                row is not None
                and row.object_id is None
                and row.note
                and row.blob == tree.entries[unit.path].blob
            ):
                skipped.append((unit.path, row.note))  # read before: not a record of this source
            elif any(_differs(known.get(p), tree.entries[p].blob) for p in unit.needs):
                changed.append(unit)
            else:
                self.result.unchanged += 1
        changed = self._without_conflicts(changed, known)
        if self.dry_run:
            self._plan(changed, set(self.tree.entries), known)
            return
        self.run_row.skipped = [{"path": path, "reason": reason} for path, reason in skipped]
        outcomes = self._import(changed)
        self._record(changed, outcomes, known)
        self._remove(set(tree.entries), known)
        self.run_row.failed = [{"path": path, "error": error} for path, error in self.result.failed]
        for name in ("imported", "updated", "unchanged", "withdrawn", "conflicts"):
            setattr(self.run_row, name, getattr(self.result, name))
        Source.objects.filter(pk=source.pk).update(last_commit=tree.commit, last_synced_at=self.now)
        source.last_commit, source.last_synced_at = tree.commit, self.now

    def _readable(self, units: list[Unit]) -> list[Unit]:
        """The units whose files may be read. A symbolic link, a submodule or a file past the size
        limit is refused (a failure naming it): the unit it names is left out, a file it only
        needs (a KEP's diagram) is not written. Files that make no record are not looked at."""
        limit = settings.MARKDOWN_MAX_BYTES * 16
        refused: dict[str, str] = {}
        for path, entry in self.tree.entries.items():
            if entry.mode == SYMLINK_MODE:
                refused[path] = "refused: a symbolic link; a sync reads only regular files"
            elif entry.mode == SUBMODULE_MODE:
                refused[path] = "refused: a submodule; a sync reads only regular files"
            elif entry.mode not in REGULAR_MODES:
                refused[path] = "refused: not a regular file"
            elif entry.size > limit:
                refused[path] = f"refused: {too_large(entry.size, limit, '16 × MARKDOWN_MAX_BYTES')}"
        readable = []
        for unit in units:
            for path in unit.needs:
                if path in refused:
                    self.result.failed.append((path, refused[path]))
            if unit.path not in refused:
                unit.needs = [p for p in unit.needs if p not in refused]
                unit.context = [p for p in unit.context if p not in refused]
                readable.append(unit)
        return readable

    def _without_conflicts(self, changed: list[Unit], known: dict[str, SourceFile]) -> list[Unit]:
        """The changed units whose record was not edited on the site since the last sync; the
        others are kept aside as conflicts, with the file's new text."""
        rows = {unit.path: known[unit.path] for unit in changed if unit.path in known}
        ids = [row.object_id for row in rows.values() if row.object_id and row.record_version is not None]
        versions = self.adapter.versions(ids) if ids else {}
        open_ = set(
            SyncConflict.objects.filter(file__in=rows.values(), resolved_at__isnull=True).values_list(
                "file__path", flat=True
            )
        )
        keep, conflicts = [], []
        for unit in changed:
            row = rows.get(unit.path)
            edited = (
                row is not None
                and row.object_id in versions
                and row.record_version is not None
                and versions[row.object_id] > row.record_version
            )
            (conflicts if edited or unit.path in open_ else keep).append(unit)
        for unit in conflicts:
            if self.dry_run:
                self.result.conflicts += 1
            else:
                self._conflict(rows[unit.path], unit.path)
        return keep

    def _plan(self, changed: list[Unit], present: set[str], known: dict[str, SourceFile]) -> None:
        """A dry run's counts: what would be read, and the records no file would make any more."""
        for unit in changed:
            row = known.get(unit.path)
            if row is None or row.object_id is None or row.withdrawn:
                self.result.imported += 1
            else:
                self.result.updated += 1
        kept = {row.object_id for path, row in known.items() if path in present and row.object_id}
        gone = {
            row.object_id
            for path, row in known.items()
            if path not in present and row.object_id and not row.withdrawn
        }
        self.result.withdrawn = len(gone - kept)

    def _conflict(self, row: SourceFile, path: str) -> None:
        """Keep the upstream text beside the record until a person chooses (one open conflict per file)."""
        entry = self.tree.entries[path]
        text = self.tree.read([path])[path].decode("utf-8", "replace")
        conflict = SyncConflict.objects.filter(file=row, resolved_at__isnull=True).first()
        if conflict is None:
            SyncConflict.objects.create(file=row, blob=entry.blob, commit=self.tree.commit, text=text)
        elif conflict.blob != entry.blob:
            conflict.blob, conflict.commit, conflict.text = entry.blob, self.tree.commit, text
            conflict.save(update_fields=["blob", "commit", "text"])
        self.result.conflicts += 1
        self.run_row.changes.append({"path": path, "action": "conflict", "record": row.object_id})

    def _import(self, changed: list[Unit]) -> dict[str, Outcome]:
        if not changed:
            return {}
        with tempfile.TemporaryDirectory(prefix="rfcs-sync-") as temporary:
            root = Path(temporary)
            paths = [p for unit in changed for p in [*unit.needs, *unit.context] if p in self.tree.entries]
            materialize(self.tree, paths, root)
            folder = root / self.source.path.strip("/") if self.source.path.strip("/") else root
            context = Context(root, folder, self.source, self.tree.commit, progress=self.progress)
            return self.adapter.import_units(context, changed)

    def _record(
        self, changed: list[Unit], outcomes: dict[str, Outcome], known: dict[str, SourceFile]
    ) -> None:
        """Count the outcomes and store each file's blob (a failed file keeps the old one: retried)."""
        rows = []
        for unit in changed:
            outcome = outcomes.get(unit.path) or Outcome(
                unit.path, "failed", error=f"{unit.path}: not imported"
            )
            if outcome.outcome == "failed":
                self.result.failed.append((unit.path, outcome.error))
                continue
            if outcome.outcome == "conflict":
                self._conflict(self._row(unit.path, known, outcome.record_id), unit.path)
                continue
            note = outcome.error if outcome.outcome == "skipped" else ""
            if note:
                self.run_row.skipped.append({"path": unit.path, "reason": note})
            else:
                setattr(self.result, outcome.outcome, getattr(self.result, outcome.outcome) + 1)
                if outcome.outcome != "unchanged":
                    self.run_row.changes.append(
                        {"path": unit.path, "action": outcome.outcome, "record": outcome.record_id}
                    )
            for path in unit.needs:
                rows.append(
                    SourceFile(
                        source=self.source,
                        path=path,
                        blob=self.tree.entries[path].blob,
                        commit=self.tree.commit,
                        kind=self.adapter.kind,
                        object_id=outcome.record_id if not note else None,
                        withdrawn=False,
                        synced_at=self.now,
                        record_version=outcome.version,
                        note=note,
                    )
                )
        SourceFile.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["source", "path"],
            update_fields=[
                "blob",
                "commit",
                "kind",
                "object_id",
                "withdrawn",
                "synced_at",
                "record_version",
                "note",
            ],
        )

    def _row(self, path: str, known: dict[str, SourceFile], record_id: int | None) -> SourceFile:
        """The file's row, made (with no blob, so the file stays changed) for a conflict on its first sync."""
        row = known.get(path)
        if row is None:
            row, _ = SourceFile.objects.get_or_create(
                source=self.source, path=path, defaults={"kind": self.adapter.kind, "object_id": record_id}
            )
        return row

    def _remove(self, present: set[str], known: dict[str, SourceFile]) -> None:
        """Files gone upstream: a renamed file's old row goes (its record lives on under the new
        path); a record no file makes any more is withdrawn, never deleted."""
        gone = [row for path, row in known.items() if path not in present]
        if not gone:
            return
        live = set(
            SourceFile.objects.filter(source=self.source, withdrawn=False, object_id__isnull=False)
            .exclude(path__in=[row.path for row in gone])
            .values_list("object_id", flat=True)
        )
        renames = self.tree.renames(self.source.last_commit, self.source.path)
        added = {self.tree.entries[p].blob: p for p in present if p not in known}
        withdraw: dict[int, SourceFile] = {}
        for row in gone:
            if row.object_id is None or row.object_id in live:
                moved = renames.get(row.path) or added.get(row.blob)
                if row.object_id is not None and moved:
                    change = {"path": moved, "action": f"renamed from {row.path}", "record": row.object_id}
                    self.run_row.changes.append(change)
                row.delete()
            elif not row.withdrawn:
                withdraw.setdefault(row.object_id, row)
                row.withdrawn, row.commit, row.synced_at = True, self.tree.commit, self.now
                row.save(update_fields=["withdrawn", "commit", "synced_at"])
        if not withdraw:
            return
        self.adapter.withdraw(list(withdraw), self.tree.commit)
        versions = self.adapter.versions(list(withdraw))
        for record_id, row in withdraw.items():
            rows = SourceFile.objects.filter(source=self.source, object_id=record_id, withdrawn=True)
            rows.update(record_version=versions.get(record_id))
            self.run_row.changes.append({"path": row.path, "action": "withdrawn", "record": record_id})
        self.result.withdrawn += len(withdraw)


def _differs(row: SourceFile | None, blob: str) -> bool:
    return row is None or row.withdrawn or row.blob != blob or (row.object_id is None and not row.note)
