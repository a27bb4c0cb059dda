"""Writing an RFC import to the database: one file saved, or new records in batches, then links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections, router, transaction
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
from decisions.rfcs.importing.records import _Records
from decisions.rfcs.importing.report import RFCImportReport
from decisions.rfcs.parsing import ParsedRFC
from decisions.search import index as search_index
from decisions.signoff.transfer import restore as restore_signoff

# New records written together: one INSERT per table for this many files.
BATCH = 50


def _message(verb: str, source: str) -> str:
    """A revision's message naming its file; a deep path keeps its end (the column holds 300)."""
    limit = RFCRevision._meta.get_field("message").max_length
    text = f"{verb} from {source}"
    return text if len(text) <= limit else f"{verb} from …{source[-(limit - len(verb) - 7) :]}"


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
            if parsed.signoff:  # the motions of this site's export, when the RFC has none yet
                restore_signoff(rfc, parsed.signoff, lambda name, parsed=parsed: self.person(name, parsed))

    def _resolve(self, reference: str, parsed: ParsedRFC) -> RFC | None:
        target = parse_reference(reference)
        if target is None:
            return None
        series, number = target
        if not series and parsed.series and reference.strip().lstrip("#").isdigit():
            series = parsed.series  # "Replaces: 205" in a PEP means PEP 205
        return RFC.objects.filter(series=series, number=number).first()
