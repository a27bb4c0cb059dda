"""import_rfcs: one run of `manage.py import_rfcs`, from files found to RFC rows saved.

Parsing is decisions.rfcs.parsing (pure); the parts of a run are beside this module: workers
(parse and render), records (matching files to stored records), writer (the writes) and report.
The whole run is one transaction, so an unexpected
error leaves the database as it was, and a bad file is reported and skipped while the rest
imports. Re-importing matches the record by (series, number), or for files without a number
(Bytecode Alliance RFCs) by an alias (its slug), so it updates instead of duplicating; an edited
file becomes a new revision. Replaces / Superseded-By become links in a second pass, once every
file of the run is in.

How it stays fast (`python -m bench.imports`: 650 Rust RFCs of 15-30 KB, where rendering the
Markdown and highlighting its code is most of the work):

- Every file is parsed first, in worker processes from PARALLEL_FROM files on. Then the records
  the files may match are loaded in a few queries (_Records.preload), and only the files whose
  text differs from the stored one are rendered (with the search index's text of the HTML), by
  the workers, all before the transaction opens: with SQLite's IMMEDIATE transactions it holds
  the write lock from its start, and a render inside it made every other writer fail with
  "database is locked". Inside, the records are loaded again and the files only written. A
  re-import of unchanged files renders nothing. (A record whose text someone changes between
  the two loads is rendered when saved, inside the transaction, as before.)
- A file that updates a record is saved on its own, in its own savepoint, by RFC.record_change
  as any edit is. New records are staged and written in batches of BATCH: one INSERT per table
  for the batch, and one statement per 200 search entries (deferred_indexing), with the
  model signals sent as save() sends them. If a batch fails, it is rolled back to its savepoint
  and its files are saved one by one instead, each in its own savepoint, so the bad file is the
  only one reported.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import DatabaseError, connection, transaction

from decisions.markdown import MarkdownTooLarge
from decisions.rfcs.importing.records import _Records
from decisions.rfcs.importing.report import RFCImportReport
from decisions.rfcs.importing.workers import _Prepared, _Workers
from decisions.rfcs.importing.writer import _Importer
from decisions.rfcs.parsing import RFCParseError, iter_rfc_files
from decisions.search import text as search_text

Progress = Callable[[int, int, str], None]


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


def _source(path: Path, roots: list[Path]) -> str:
    """The path below the folder given on the command line, with that folder's name: stable
    whichever directory the command runs from."""
    resolved = path.resolve()
    for root in roots:
        root = root.resolve()
        base = root if root.is_dir() else root.parent
        if resolved == base or base in resolved.parents:
            return str(Path(base.name) / resolved.relative_to(base))[:500]
    return path.name


def _root_of(path: Path, roots: list[Path]) -> Path | None:
    """The folder given that a file was found in: what it is read inside (None for a file named
    on its own, which is read inside its own folder)."""
    for root in roots:
        if root.is_dir() and (root == path or root in path.parents):
            return root
    return None


def import_rfcs(
    paths: Iterable[str | os.PathLike],
    fmt: str = "auto",
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RFCImportReport:
    """Import every RFC file below the given paths; see the module docstring."""
    started = time.perf_counter()
    roots = [Path(p) for p in paths]
    report = RFCImportReport(dry_run=dry_run)
    for root in roots:
        if not root.exists():
            raise RFCParseError(root, None, "no such file or folder")
    refused: list[tuple[Path, str]] = []
    files = [(path, found, _root_of(path, roots)) for path, found in iter_rfc_files(roots, fmt, refused)]
    report.refused = [(str(path), reason) for path, reason in refused]
    try:
        with _Workers(files) as workers:
            items = workers.parse()
            # Rendered before the transaction: with SQLite's IMMEDIATE transactions it holds the
            # write lock from its start, and every other writer would wait out the renders.
            stored = _Records()
            stored.preload(items)
            rendered = []
            for index, item in enumerate(workers.render(items, stored.unchanged(items)), 1):
                rendered.append(item)
                if progress:  # the longest part of a run: Markdown, Pygments and docutils
                    progress(index, len(items), f"read {item.path}")
            items = rendered
            del stored
            with transaction.atomic():
                _compress_fast()
                importer = _Importer(report)
                importer.preload(items)
                for index, item in enumerate(items, 1):
                    if progress:
                        progress(index, len(items), f"saved {item.path}")
                    _import_one(importer, item, roots, report)
                importer.flush()
                importer.link_all()
                if dry_run:
                    raise _DryRun
    except _DryRun:
        pass
    report.seconds = time.perf_counter() - started
    return report


def _compress_fast() -> None:
    """PostgreSQL: store this transaction's long texts compressed with lz4 where the server can.

    An RFC's HTML (highlighted code makes it 50-100 KB) took 1 ms to compress with the default
    pglz, 0.3 ms with lz4, which is also faster to read back. Reading is the same either way.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings"
            " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )


def _import_one(
    importer: _Importer, item: _Prepared, roots: list[Path], report: RFCImportReport, label: str = ""
) -> None:
    """Save one parsed file; `label` (what the revision says it came from) defaults to its path
    below the folder given (a sync passes the commit and the path in the repository)."""
    path, parsed = item.path, item.parsed
    if parsed is not None:
        report.warnings += [(str(path), message) for message in parsed.warnings]
    if item.error or parsed is None:
        report.failed.append((str(path), item.error))
        return
    if item.rendered is not None and item.blocks is not None:
        search_text.prepare_blocks(item.rendered.html, item.blocks)
    importer.make_room(parsed)
    source = label or _source(path, roots)
    staging = importer.stages(parsed)  # a new record: save() only stages it, writing nothing
    try:
        if staging:
            rfc, outcome = importer.save(parsed, source, item.rendered, str(path))
        else:
            with transaction.atomic():
                rfc, outcome = importer.save(parsed, source, item.rendered, str(path))
    except (MarkdownTooLarge, ValueError, DatabaseError) as error:
        report.failed.append((str(path), f"not saved: {error}"))
        if not staging:  # forget people, areas and records changed in the rolled-back savepoint
            importer.forget(reload=importer.by_number is not None)
        return
    if outcome != "staged":
        report.record(parsed, rfc, outcome)
