"""The database side of `manage.py import_rfcs` (DESIGN.md section 5): ParsedRFC -> RFC rows.

Parsing is decisions.parsing.rfcs (pure). Here each file becomes one RFC in its own savepoint,
so a bad file is reported and skipped while the rest imports; the whole run is one
transaction, so an unexpected error leaves the database as it was. Re-importing matches the
record by (series, number), or for files without a number (Bytecode Alliance RFCs) by an alias
(its slug), so it updates instead of duplicating; an edited file becomes a new revision.
Replaces / Superseded-By become links in a second pass, once every file of the run is in.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from decisions.markdown import MarkdownTooLarge, Rendered
from decisions.meetings import PeopleIndex
from decisions.models import RFC, Area, Person, RFCAlias, RFCStatus, parse_reference, unique_slug
from decisions.parsing.rfcs import ParsedRFC, RFCParseError, iter_rfc_files, parse_file

Progress = Callable[[int, int, str], None]
# From this many files on, parsing and rendering run in worker processes (one per core) before
# the transaction starts; rendering Markdown is most of an import's time.
PARALLEL_FROM = 16


@dataclass
class _Prepared:
    path: Path
    file_format: str
    parsed: ParsedRFC | None = None
    rendered: Rendered | None = None
    error: str = ""


def _prepare(item: tuple[Path, str]) -> _Prepared:
    """Parse one file and render its body: pure work, safe in a worker process."""
    path, file_format = item
    try:
        parsed = parse_file(path, file_format)
    except RFCParseError as error:
        reason = error.reason if error.line is None else f"line {error.line}: {error.reason}"
        return _Prepared(path, file_format, error=reason)
    try:
        rendered = RFC(body=parsed.body, body_format=parsed.body_format).render_field("body")
    except MarkdownTooLarge as error:
        return _Prepared(path, file_format, parsed, error=f"not saved: {error}")
    return _Prepared(path, file_format, parsed, rendered)


@contextlib.contextmanager
def _prepare_all(files: list[tuple[Path, str]]) -> Iterator[Iterator[_Prepared]]:
    """The prepared files, in order, as they become ready.

    With many files, worker processes parse and render while this process saves the files
    already done: all work is handed out (and the workers forked) before the caller opens its
    transaction, then results are taken as they arrive.
    """
    workers = min(os.cpu_count() or 1, 4)
    if len(files) < PARALLEL_FROM or workers < 2 or connection.in_atomic_block:
        yield map(_prepare, files)
        return
    # Forked workers must not share the parent's database connection: close it first (it
    # reopens on the next query). Workers touch no database.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool.map(_prepare, files, chunksize=4)  # submits every chunk now


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


@dataclass
class RFCImportReport:
    imported: list[str] = field(default_factory=list)  # labels of new RFCs
    updated: list[str] = field(default_factory=list)  # labels of RFCs whose text or metadata changed
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    formats: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "failed": [{"path": path, "error": error} for path, error in self.failed],
            "warnings": [{"path": path, "message": message} for path, message in self.warnings],
            "formats": self.formats,
            "seconds": round(self.seconds, 2),
            "dry_run": self.dry_run,
        }


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


class _Importer:
    """Holds what a run needs in memory: people, areas, next free number, aliases."""

    def __init__(self, report: RFCImportReport) -> None:
        self.report = report
        self.people = PeopleIndex()
        self.areas = {area.slug: area for area in Area.objects.all()}
        self.next_site_number = (RFC.objects.filter(series="").aggregate(n=Max("number"))["n"] or 0) + 1
        self.links: list[tuple[RFC, ParsedRFC]] = []

    # Records ----------------------------------------------------------------------------

    def find(self, parsed: ParsedRFC) -> RFC | None:
        if parsed.number is not None:
            return RFC.objects.filter(series=parsed.series, number=parsed.number).first()
        keys = [RFCAlias.normalise(a) for a in [parsed.slug, *parsed.aliases] if a]
        alias = RFCAlias.objects.filter(alias__in=keys, rfc__series="").select_related("rfc").first()
        return alias.rfc if alias else None

    def save(self, parsed: ParsedRFC, source: str, rendered: Rendered | None = None) -> tuple[RFC, str]:
        """Create or update one RFC; returns it and "imported", "updated" or "unchanged"."""
        rfc = self.find(parsed)
        created = rfc is None
        if created:
            number = parsed.number
            if number is None:
                number, self.next_site_number = self.next_site_number, self.next_site_number + 1
            rfc = RFC(series=parsed.series, number=number)
        elif parsed.number is None and rfc.number >= self.next_site_number:
            self.next_site_number = rfc.number + 1
        before = None if created else self._snapshot(rfc)
        metadata = dict(parsed.metadata)
        if parsed.raw_status and parsed.raw_status.strip().lower() != parsed.status:
            metadata.setdefault("Status as written", parsed.raw_status)
        created_on = parsed.created_on
        if created_on is None:
            created_on = rfc.created_on if not created else timezone.localdate()
            if parsed.raw_created:
                metadata.setdefault("Created as written", parsed.raw_created)
        for key, values in (("Replaces", parsed.replaces), ("Superseded by", parsed.superseded_by)):
            if values:
                metadata[key] = list(values)
        if parsed.see_also:
            metadata["See also"] = list(parsed.see_also)
        rfc.title = parsed.title[:300]
        rfc.slug = slugify(parsed.slug or parsed.title)[:100] or "rfc"
        rfc.status = parsed.status if parsed.status in RFCStatus.values else RFCStatus.DRAFT
        rfc.body = parsed.body
        rfc.body_format = parsed.body_format
        rfc.discussion_url = (parsed.discussion_url or "")[:500]
        rfc.created_on = created_on
        rfc.metadata = metadata
        rfc.source = source
        rfc.shepherd = self.person(parsed.shepherd, parsed) if parsed.shepherd else None
        authors = [self.person(name, parsed) for name in parsed.authors]
        areas = [self.area(name) for name in parsed.areas]
        if rendered is not None and (created or before["text"][1:] != (rfc.body, rfc.body_format)):
            rfc.body_html, rfc.toc = rendered.html, [vars(heading) for heading in rendered.toc]
            rfc._rendered_sources = {"body": rfc.body}  # rendered in a worker; save() keeps it
        after_fields = self._snapshot(rfc)
        text_changed = created or before is None or before["text"] != after_fields["text"]
        if created or before != after_fields:
            if not created:
                rfc.version += 1  # an edit opened in the browser before this import is now stale
            rfc.record_change(
                message=f"Imported from {source}" if created else f"Updated from {source}",
                note="Imported" if created else "Re-imported",
            )
        if created or text_changed or {p.pk for p in rfc.authors.all()} != {p.pk for p in authors}:
            rfc.authors.set(authors)
        rfc.areas.add(*areas)
        self.aliases(rfc, parsed)
        self.links.append((rfc, parsed))
        if created:
            return rfc, "imported"
        return rfc, "updated" if before != after_fields else "unchanged"

    @staticmethod
    def _snapshot(rfc: RFC) -> dict[str, Any]:
        return {
            "text": (rfc.title, rfc.body, rfc.body_format),
            "fields": (rfc.status, rfc.discussion_url, rfc.created_on, rfc.metadata, rfc.shepherd_id),
        }

    def person(self, name: str, parsed: ParsedRFC) -> Person:
        """The person a name means (by name or alias, any case), created when nobody matches."""
        found = self.people.lookup(name)
        if isinstance(found, Person):
            return found
        handles = [h for h in parsed.author_handles.get(name, []) if h and h != name]
        person = Person.objects.create(name=name[:200], slug=unique_slug(Person, name), aliases=handles)
        self.people.add(person)
        return person

    def area(self, name: str) -> Area:
        slug = slugify(name)[:100] or "general"
        if slug not in self.areas:
            self.areas[slug] = Area.objects.create(slug=slug, name=name[:100])
        return self.areas[slug]

    def aliases(self, rfc: RFC, parsed: ParsedRFC) -> None:
        """Legacy ids (pep-0008, a file stem, the slug of an unnumbered RFC) redirect to the record."""
        wanted = {RFCAlias.normalise(a) for a in parsed.aliases if a}
        if parsed.number is None and parsed.slug:
            wanted.add(RFCAlias.normalise(parsed.slug))
        wanted.discard(RFCAlias.normalise(rfc.reference))
        wanted = {a for a in wanted if a and not a.isdigit()}
        if not wanted:
            return
        taken = dict(RFCAlias.objects.filter(alias__in=wanted).values_list("alias", "rfc_id"))
        for alias in sorted(wanted):
            if alias not in taken:
                RFCAlias.objects.create(alias=alias, rfc=rfc)
            elif taken[alias] != rfc.pk:
                self.report.warnings.append(
                    (parsed.path, f"alias {alias!r} already names another RFC; kept there")
                )

    # Links --------------------------------------------------------------------------------

    def link_all(self) -> None:
        """Replaces / Superseded-By -> RFC.supersedes, once every RFC of the run exists."""
        for rfc, parsed in self.links:
            for reference in parsed.replaces[:1]:
                older = self._resolve(reference, parsed)
                if older and older.pk != rfc.pk and rfc.supersedes_id != older.pk:
                    RFC.objects.filter(pk=rfc.pk).update(supersedes=older)
            for reference in parsed.superseded_by:
                newer = self._resolve(reference, parsed)
                if newer and newer.pk != rfc.pk and newer.supersedes_id is None:
                    RFC.objects.filter(pk=newer.pk).update(supersedes=rfc)

    def _resolve(self, reference: str, parsed: ParsedRFC) -> RFC | None:
        target = parse_reference(reference)
        if target is None:
            return None
        series, number = target
        if not series and parsed.series and reference.strip().lstrip("#").isdigit():
            series = parsed.series  # "Replaces: 205" in a PEP means PEP 205
        return RFC.objects.filter(series=series, number=number).first()


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
    files = list(iter_rfc_files(roots, fmt))
    try:
        with _prepare_all(files) as prepared, transaction.atomic():
            importer = _Importer(report)
            for index, item in enumerate(prepared, 1):
                if progress:
                    progress(index, len(files), str(item.path))
                _import_one(importer, item, roots, report)
            importer.link_all()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    report.seconds = time.perf_counter() - started
    return report


def _import_one(importer: _Importer, item: _Prepared, roots: list[Path], report: RFCImportReport) -> None:
    path, parsed = item.path, item.parsed
    if parsed is not None:
        report.warnings += [(str(path), message) for message in parsed.warnings]
    if item.error or parsed is None:
        report.failed.append((str(path), item.error))
        return
    try:
        with transaction.atomic():
            rfc, outcome = importer.save(parsed, _source(path, roots), item.rendered)
    except (MarkdownTooLarge, ValueError, DatabaseError) as error:
        report.failed.append((str(path), f"not saved: {error}"))
        # Forget people and areas created inside the rolled-back savepoint.
        importer.people = PeopleIndex()
        importer.areas = {area.slug: area for area in Area.objects.all()}
        return
    report.formats[parsed.format] = report.formats.get(parsed.format, 0) + 1
    getattr(report, outcome).append(rfc.label)
