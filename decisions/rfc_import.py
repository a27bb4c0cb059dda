"""The database side of `manage.py import_rfcs`: ParsedRFC -> RFC rows.

Parsing is decisions.rfcs.parsing (pure). The whole run is one transaction, so an unexpected
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

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, connections, router, transaction
from django.db.models import Max
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.text import slugify

from decisions.markdown import MarkdownTooLarge, Rendered
from decisions.models import (
    RFC,
    Area,
    Person,
    RFCAlias,
    RFCRevision,
    RFCStatus,
    RFCStatusChange,
    parse_reference,
    unique_slug,
)
from decisions.people.names import PeopleIndex
from decisions.rfcs.parsing import ParsedRFC, RFCParseError, iter_rfc_files, parse_file
from decisions.search import index as search_index
from decisions.search import text as search_text

Progress = Callable[[int, int, str], None]
# From this many files on, parsing and rendering run in worker processes (one per core, at
# most 4); rendering Markdown is most of an import's time.
PARALLEL_FROM = 16
# New records written together: one INSERT per table for this many files.
BATCH = 50
# Values per `IN (...)` when loading the records of a run.
_CHUNK = 500

Blocks = tuple[tuple[int, str], ...]


@dataclass
class _Prepared:
    path: Path
    file_format: str
    root: Path | None = None  # the folder given that the file was found in
    parsed: ParsedRFC | None = None
    rendered: Rendered | None = None
    error: str = ""
    blocks: Blocks | None = None  # the search index's text of rendered.html, worked out with it


def _parse(item: tuple[Path, str, Path | None]) -> _Prepared:
    """Parse one file: pure work, safe in a worker process."""
    path, file_format, root = item
    try:
        parsed = parse_file(path, file_format, root)
    except RFCParseError as error:
        reason = error.reason if error.line is None else f"line {error.line}: {error.reason}"
        return _Prepared(path, file_format, root, error=reason)
    return _Prepared(path, file_format, root, parsed)


def _render(text: tuple[str, str]) -> tuple[Rendered | None, Blocks | None, str]:
    """Render one body, and read its text for the search index: pure, safe in a worker process."""
    body, body_format = text
    try:
        rendered = RFC(body=body, body_format=body_format).render_field("body")
    except MarkdownTooLarge as error:
        return None, None, f"not saved: {error}"
    return rendered, search_text.html_blocks(rendered.html), ""


class _Workers:
    """Worker processes that parse and render, or this process alone for a few files.

    The workers are forked (and this process's database connections closed, so that no worker
    shares them) before the caller opens its transaction; results are taken as they arrive.
    """

    def __init__(self, files: list[tuple[Path, str, Path | None]]) -> None:
        self.files = files
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        workers = min(os.cpu_count() or 1, 4)
        if len(self.files) >= PARALLEL_FROM and workers >= 2 and not connection.in_atomic_block:
            connections.close_all()  # reopens on the next query; workers touch no database
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def parse(self) -> list[_Prepared]:
        if self.pool is None:
            return [_parse(item) for item in self.files]
        return list(self.pool.map(_parse, self.files, chunksize=8))

    def render(self, items: list[_Prepared], skip: set[int]) -> Iterator[_Prepared]:
        """The items in order, rendered except those in `skip` (their stored text is the same):
        by the workers, or without them in this process."""
        wanted = [i for i, item in enumerate(items) if item.parsed and not item.error and i not in skip]
        texts = [(items[i].parsed.body, items[i].parsed.body_format) for i in wanted]
        if self.pool is None:
            results: Iterator[tuple[Rendered | None, Blocks | None, str]] = map(_render, texts)
        else:
            results = self.pool.map(_render, texts, chunksize=4)  # submits every chunk now
        wanted_set = set(wanted)
        for index, item in enumerate(items):
            if index in wanted_set:
                item.rendered, item.blocks, item.error = next(results)
            yield item


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


@dataclass
class RFCImportReport:
    imported: list[str] = field(default_factory=list)  # labels of new RFCs
    updated: list[str] = field(default_factory=list)  # labels of RFCs whose text or metadata changed
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) not read at all
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
            "refused": [{"path": path, "reason": reason} for path, reason in self.refused],
            "warnings": [{"path": path, "message": message} for path, message in self.warnings],
            "formats": self.formats,
            "seconds": round(self.seconds, 2),
            "dry_run": self.dry_run,
        }

    def record(self, parsed: ParsedRFC, rfc: RFC, outcome: str) -> None:
        self.formats[parsed.format] = self.formats.get(parsed.format, 0) + 1
        getattr(self, outcome).append(rfc.label)


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


def _message(verb: str, source: str) -> str:
    """A revision's message naming its file; a deep path keeps its end (the column holds 300)."""
    limit = RFCRevision._meta.get_field("message").max_length
    text = f"{verb} from {source}"
    return text if len(text) <= limit else f"{verb} from …{source[-(limit - len(verb) - 7) :]}"


def _chunks(values: Iterable[Any], size: int = _CHUNK) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _alias_keys(parsed: ParsedRFC) -> list[str]:
    """The aliases an unnumbered file is looked up by, in the order the lookup prefers them."""
    return sorted({RFCAlias.normalise(a) for a in [parsed.slug, *parsed.aliases] if a} - {""})


@dataclass
class _Staged:
    """A new record waiting for its batch to be written."""

    path: str
    parsed: ParsedRFC
    source: str
    rendered: Rendered | None
    rfc: RFC
    aliases: list[str]
    warnings: list[tuple[str, str]]
    link: list[Any]  # its slot in _Importer.links: [rfc, parsed], or [None, parsed] if not saved


# An owner of an alias: an RFC loaded or staged in this run, or the id of one that is not loaded.
_Owner = RFC | int


class _Records:
    """The records the files of a run may match, loaded in a few queries.

    Alone, before the transaction, it tells which files need rendering (unchanged()); the
    _Importer loads them again inside the transaction to save them.
    """

    def __init__(self) -> None:
        self.items: list[_Prepared] = []
        # Loaded by preload(); None means "ask the database" (as after a failed batch).
        self.by_number: dict[tuple[str, int], RFC | None] | None = None
        self.by_alias: dict[str, _Owner] = {}

    def preload(self, items: list[_Prepared]) -> None:
        """Load every record the files may match, and every alias they may take, in a few queries.

        The texts are compared with the files' in unchanged(); body_html and toc are read only
        for a record that is saved again.
        """
        self.items = items
        numbers: dict[str, set[int]] = {}
        keys: set[str] = set()
        for item in items:
            parsed = item.parsed
            if parsed is None or item.error:
                continue
            if parsed.number is not None:
                numbers.setdefault(parsed.series, set()).add(parsed.number)
            keys.update(_alias_keys(parsed))
        loaded: dict[int, RFC] = {}
        records = RFC.objects.defer("body_html", "toc").prefetch_related("authors")
        by_number: dict[tuple[str, int], RFC | None] = {}
        for series, wanted in numbers.items():
            for chunk in _chunks(sorted(wanted)):
                for rfc in records.filter(series=series, number__in=chunk):
                    loaded[rfc.pk] = rfc
                    by_number[(series, rfc.number)] = rfc
                for number in chunk:
                    by_number.setdefault((series, number), None)
        owners: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(sorted(keys)):
            rows = RFCAlias.objects.filter(alias__in=chunk).values_list("alias", "rfc_id", "rfc__series")
            owners.update((alias, (rfc_id, series)) for alias, rfc_id, series in rows)
        # Unnumbered files match through their aliases: those records are loaded too.
        missing = {pk for pk, series in owners.values() if series == "" and pk not in loaded}
        for chunk in _chunks(sorted(missing)):
            for rfc in records.filter(pk__in=chunk):
                loaded[rfc.pk] = rfc
                by_number.setdefault((rfc.series, rfc.number), rfc)
        self.by_alias = {alias: loaded.get(pk, pk) for alias, (pk, _) in owners.items()}
        self.by_number = by_number

    def unchanged(self, items: list[_Prepared]) -> set[int]:
        """Indexes of the files whose record already has their text: nothing to render for them."""
        same = set()
        for index, item in enumerate(items):
            if item.parsed is None or item.error:
                continue
            rfc = self.find(item.parsed)
            if rfc is not None and (rfc.body, rfc.body_format) == (item.parsed.body, item.parsed.body_format):
                same.add(index)
        return same

    def find(self, parsed: ParsedRFC) -> RFC | None:
        if self.by_number is not None:
            if parsed.number is not None:
                key = (parsed.series, parsed.number)
                if key in self.by_number:
                    return self.by_number[key]
            else:
                # The first alias (in alias order) of a record of the site's own series; the
                # owners that preload() left as ids belong to other series.
                for alias in _alias_keys(parsed):
                    owner = self.by_alias.get(alias)
                    if isinstance(owner, RFC) and owner.series == "":
                        return owner
                return None
        if parsed.number is not None:
            return RFC.objects.filter(series=parsed.series, number=parsed.number).first()
        keys = [RFCAlias.normalise(a) for a in [parsed.slug, *parsed.aliases] if a]
        alias = RFCAlias.objects.filter(alias__in=keys, rfc__series="").select_related("rfc").first()
        return alias.rfc if alias else None


class _Importer(_Records):
    """Holds what a run needs in memory: people, areas, next free number, the records it matches."""

    def __init__(self, report: RFCImportReport) -> None:
        super().__init__()
        self.report = report
        self.people = PeopleIndex()
        self.areas = {area.slug: area for area in Area.objects.all()}
        self.next_site_number = (RFC.objects.filter(series="").aggregate(n=Max("number"))["n"] or 0) + 1
        self.links: list[list[Any]] = []
        self.staged: list[_Staged] = []
        self.number_before_batch = self.next_site_number

    def forget(self, reload: bool = True) -> None:
        """After a rollback: what is in memory may not be in the database any more.

        People and areas are read again; with `reload`, the staged records are written and the
        run's records loaded again too.
        """
        self.people = PeopleIndex()
        self.areas = {area.slug: area for area in Area.objects.all()}
        if reload:
            self.flush()
            self.preload(self.items)

    # Records ----------------------------------------------------------------------------

    def stages(self, parsed: ParsedRFC) -> bool:
        """Whether save() will stage this file (a new record, matched in memory): it writes nothing."""
        return self.by_number is not None and self.find(parsed) is None

    def make_room(self, parsed: ParsedRFC) -> None:
        """Write the staged records when the batch is full, or when this file updates one of them."""
        if len(self.staged) >= BATCH:
            self.flush()
        elif self.staged and self.by_number is not None:
            rfc = self.find(parsed)
            if rfc is not None and rfc.pk is None:
                self.flush()

    def save(
        self, parsed: ParsedRFC, source: str, rendered: Rendered | None = None, path: str = ""
    ) -> tuple[RFC, str]:
        """Create or update one RFC; returns it and "imported", "updated", "unchanged", or
        "staged" for a new one that the next flush() writes (and reports)."""
        rfc = self.find(parsed)
        created = rfc is None
        if created and self.by_number is not None:
            return self._stage(parsed, source, rendered, path or parsed.path), "staged"
        if created:
            number = parsed.number
            if number is None:
                number, self.next_site_number = self.next_site_number, self.next_site_number + 1
            rfc = RFC(series=parsed.series, number=number)
        elif parsed.number is None and rfc.number >= self.next_site_number:
            self.next_site_number = rfc.number + 1
        before = None if created else self._snapshot(rfc)
        self._fill(rfc, parsed, source, created)
        rfc.shepherd = self.person(parsed.shepherd, parsed) if parsed.shepherd else None
        authors = [self.person(name, parsed) for name in parsed.authors]
        areas = [self.area(name) for name in parsed.areas]
        if rendered is not None and (created or before["text"][1:] != (rfc.body, rfc.body_format)):
            self._use_rendered(rfc, rendered)
        after_fields = self._snapshot(rfc)
        text_changed = created or before is None or before["text"] != after_fields["text"]
        if created or before != after_fields:
            if not created:
                rfc.version += 1  # an edit opened in the browser before this import is now stale
            rfc.record_change(
                message=_message("Imported" if created else "Updated", source),
                note="Imported" if created else "Re-imported",
            )
        if created or text_changed or {p.pk for p in rfc.authors.all()} != {p.pk for p in authors}:
            rfc.authors.set(authors)
        if areas:
            rfc.areas.add(*areas)
        self.aliases(rfc, parsed)
        self.links.append([rfc, parsed])
        if created:
            return rfc, "imported"
        return rfc, "updated" if before != after_fields else "unchanged"

    def _fill(self, rfc: RFC, parsed: ParsedRFC, source: str, created: bool) -> None:
        """Every field the file gives, except the people (which may need a new Person)."""
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

    @staticmethod
    def _use_rendered(rfc: RFC, rendered: Rendered) -> None:
        rfc.body_html, rfc.toc = rendered.html, [vars(heading) for heading in rendered.toc]
        rfc._rendered_sources = {"body": rfc.body}  # rendered in a worker; save() keeps it

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

    @staticmethod
    def _wanted_aliases(rfc: RFC, parsed: ParsedRFC) -> list[str]:
        """Legacy ids (pep-0008, a file stem, the slug of an unnumbered RFC) that redirect to the record."""
        wanted = {RFCAlias.normalise(a) for a in parsed.aliases if a}
        if parsed.number is None and parsed.slug:
            wanted.add(RFCAlias.normalise(parsed.slug))
        wanted.discard(RFCAlias.normalise(rfc.reference))
        return sorted(a for a in wanted if a and not a.isdigit())

    def _claim_aliases(self, rfc: RFC, parsed: ParsedRFC) -> tuple[list[str], list[tuple[str, str]]]:
        """The wanted aliases nobody has yet (now taken by rfc in memory), and warnings for the others."""
        free, warnings = [], []
        for alias in self._wanted_aliases(rfc, parsed):
            owner = self.by_alias.get(alias)
            if owner is None:
                self.by_alias[alias] = rfc
                free.append(alias)
            elif owner is not rfc and owner != rfc.pk:
                warnings.append((parsed.path, f"alias {alias!r} already names another RFC; kept there"))
        return free, warnings

    def aliases(self, rfc: RFC, parsed: ParsedRFC) -> None:
        """Give a saved record the aliases it asks for that no other record has."""
        if self.by_number is not None:
            free, warnings = self._claim_aliases(rfc, parsed)
            RFCAlias.objects.bulk_create([RFCAlias(alias=alias, rfc=rfc) for alias in free])
            self.report.warnings += warnings
            return
        wanted = self._wanted_aliases(rfc, parsed)
        if not wanted:
            return
        taken = dict(RFCAlias.objects.filter(alias__in=wanted).values_list("alias", "rfc_id"))
        for alias in wanted:
            if alias not in taken:
                RFCAlias.objects.create(alias=alias, rfc=rfc)
            elif taken[alias] != rfc.pk:
                self.report.warnings.append(
                    (parsed.path, f"alias {alias!r} already names another RFC; kept there")
                )

    # New records, in batches ---------------------------------------------------------------

    def _stage(self, parsed: ParsedRFC, source: str, rendered: Rendered | None, path: str) -> RFC:
        """A new record in memory, written by the next flush(). Runs no query."""
        if not self.staged:
            self.number_before_batch = self.next_site_number
        number = parsed.number
        if number is None:
            number, self.next_site_number = self.next_site_number, self.next_site_number + 1
        rfc = RFC(series=parsed.series, number=number)
        self._fill(rfc, parsed, source, created=True)
        if rendered is not None:
            self._use_rendered(rfc, rendered)
        else:
            rfc.render_markdown()  # MarkdownTooLarge: the file fails, nothing was staged
        aliases, warnings = self._claim_aliases(rfc, parsed)
        link = [rfc, parsed]
        self.links.append(link)
        self.by_number[(rfc.series, rfc.number)] = rfc
        self.staged.append(_Staged(path, parsed, source, rendered, rfc, aliases, warnings, link))
        return rfc

    def flush(self) -> None:
        """Write the staged records; if that fails, save them one by one to find the bad file."""
        staged, self.staged = self.staged, []
        if not staged:
            return
        try:
            with search_index.deferred_indexing():  # a savepoint for the batch, entries written last
                self._write(staged)
        except (MarkdownTooLarge, ValueError, DatabaseError):
            self.next_site_number = self.number_before_batch
            self.by_number = None  # what was staged is not there: ask the database
            self.people = PeopleIndex()
            self.areas = {area.slug: area for area in Area.objects.all()}
            for item in staged:
                self._save_alone(item)
            self.forget()
            return
        for item in staged:
            self.report.warnings += item.warnings
            self.report.record(item.parsed, item.rfc, "imported")

    def _write(self, staged: list[_Staged]) -> None:
        """What record_change(), authors.set(), areas.add() and aliases() write for a new record,
        as one INSERT per table; then the signals save() sends."""
        using = router.db_for_write(RFC)
        rfcs = [item.rfc for item in staged]
        authors, areas = [], []
        for item in staged:
            parsed, rfc = item.parsed, item.rfc
            rfc.shepherd = self.person(parsed.shepherd, parsed) if parsed.shepherd else None
            authors += [(rfc, self.person(name, parsed)) for name in parsed.authors]
            areas += [(rfc, self.area(name)) for name in parsed.areas]
        for rfc in rfcs:
            pre_save.send(sender=RFC, instance=rfc, raw=False, using=using, update_fields=None)
        # One row per INSERT on PostgreSQL: Django sends more as arrays to UNNEST, and psycopg
        # escapes the quotes inside array text in Python, which highlighted HTML is full of
        # (5 ms a row in this process, against 2 ms a row alone).
        RFC.objects.bulk_create(rfcs, batch_size=1 if connections[using].vendor == "postgresql" else None)
        RFCStatusChange.objects.bulk_create(
            RFCStatusChange(rfc=rfc, from_status="", to_status=rfc.status, note="Imported") for rfc in rfcs
        )
        RFCRevision.objects.bulk_create(
            RFCRevision(
                rfc=item.rfc,
                number=1,
                title=item.rfc.title,
                body=item.rfc.body,
                message=_message("Imported", item.source),
            )
            for item in staged
        )
        for relation, pairs in ((RFC.authors, authors), (RFC.areas, areas)):
            through, columns = (
                relation.through,
                (relation.field.m2m_column_name(), relation.field.m2m_reverse_name()),
            )
            unique = dict.fromkeys((rfc.pk, other.pk) for rfc, other in pairs)  # as add() makes them
            through.objects.bulk_create(through(**dict(zip(columns, pair, strict=True))) for pair in unique)
        RFCAlias.objects.bulk_create(
            RFCAlias(alias=alias, rfc=item.rfc) for item in staged for alias in item.aliases
        )
        for rfc in rfcs:
            post_save.send(sender=RFC, instance=rfc, created=True, update_fields=None, raw=False, using=using)

    def _save_alone(self, item: _Staged) -> None:
        """Save one file of a failed batch in its own savepoint, as a run without batches does."""
        item.link[0] = None  # its place among the links, taken again if it saves
        try:
            with transaction.atomic():
                rfc, outcome = self.save(item.parsed, item.source, item.rendered, item.path)
        except (MarkdownTooLarge, ValueError, DatabaseError) as error:
            self.report.failed.append((item.path, f"not saved: {error}"))
            self.people = PeopleIndex()
            self.areas = {area.slug: area for area in Area.objects.all()}
            return
        self.links.pop()  # save() appended it; it keeps the file's place instead
        item.link[0] = rfc
        self.report.record(item.parsed, rfc, outcome)

    # Links --------------------------------------------------------------------------------

    def link_all(self) -> None:
        """Replaces / Superseded-By -> RFC.supersedes, once every RFC of the run exists."""
        for rfc, parsed in self.links:
            if rfc is None:
                continue
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


def _import_one(importer: _Importer, item: _Prepared, roots: list[Path], report: RFCImportReport) -> None:
    path, parsed = item.path, item.parsed
    if parsed is not None:
        report.warnings += [(str(path), message) for message in parsed.warnings]
    if item.error or parsed is None:
        report.failed.append((str(path), item.error))
        return
    if item.rendered is not None and item.blocks is not None:
        search_text.prepare_blocks(item.rendered.html, item.blocks)
    importer.make_room(parsed)
    source = _source(path, roots)
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
