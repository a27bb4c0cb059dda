"""Each record's Markdown file kept (StoredMarkdown) with a fingerprint of what it was written from.

Writing a file from a record's values (the YAML front matter, the body, the options matrix and
its sensitivity) is most of what the record's .md page and the zip of every record cost.
Loading those values is not: a few queries whatever the number of records. So the export still
loads the values each time and makes each record's RecordSpec (the plain values the file says),
then compares a digest of that spec, and of the renderer's version, with the stored one:

- equal: the stored text is the file, byte for byte what rendering would give;
- different or missing (the record or anything it shows changed, by whatever path: a form, an
  import, a `queryset.update()`, raw SQL, a person renamed; or the renderer's code changed):
  the file is rendered, served, and stored again, so the next export finds it ready.

So a stored copy is never served stale, and saves render nothing: no writer has to say it
wrote, and the first read that needs a changed file renders it, once (a rating or a position
saved costs its own row, not its record's whole file). Copies for records that have none (rows
from before this table) are made on their first read too, not in a migration: rendering needs
the current models and code, which a migration must not use. renew_all() fills them at once
(the bench calls it after bulk seeding, as it rebuilds search).

Checking costs loading every record's values (most of an export after an edit). Once every copy
was checked at the current data state (decisions.caching.datastate: it moves with any committed
write to a table a page shows, also for writes that send no signal), the zip and a record's page
take the stored copies as they are until the state moves (verified_keys()). The copies' own
table is not watched (datastate.UNWATCHED): storing what a read rendered changes no page, so
it neither moves the state nor makes the next download check everything again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpRequest

from decisions.caching import fragments
from decisions.models import Decision, StoredMarkdown
from decisions.records.export import archive
from decisions.records.specs import RecordSpec

logger = logging.getLogger(__name__)

# The renderer: the modules whose code turns a RecordSpec into a file's text.
RENDERER_MODULES = (
    "decisions.records.export", "decisions.records.export.body", "decisions.records.export.data",
    "decisions.records.export.text", "decisions.formats.emitter", "decisions.formats.yaml",
    "decisions.formats.dates", "decisions.records.matrix", "decisions.records.sensitivity",
    "decisions.signoff.written", "decisions.rfcs.models",
)  # fmt: skip
# Part of every copy's fingerprint, so a deploy that changes the renderer renders every file
# again. It is the digest of RENDERER_MODULES' source files, recorded here rather than read at
# run time (a deployment may ship no .py files). To bump it after changing one of those modules,
# run `python -m pytest tests/test_stored_markdown.py -k renderer_version` and paste the digest its
# failure prints; a change that cannot alter any file (a comment) costs one render of each.
RENDERER_VERSION = "5bcfc768def75e44a4ce6ffebd27d67d"


def source_of(spec: RecordSpec) -> str:
    """The fingerprint of a file: its spec (every value the file says) and the renderer's version.

    repr() of the spec's dataclasses, lists, dicts, dates and numbers spells out every value, so
    two specs with the same repr give the same file.
    """
    return hashlib.blake2b(f"{RENDERER_VERSION}\n{spec!r}".encode(), digest_size=16).hexdigest()


# Verified copies -----------------------------------------------------------------------------------

VERIFIED = "stored-markdown-verified"


def verified_keys(request: HttpRequest | None, *what: object) -> list[str]:
    """Cache keys saying "these copies were checked against the data at this request's state".

    Under the data state (decisions.caching.fragments), which moves with every committed write
    to any row a file shows (and to the copies themselves): while it has not moved, a copy
    checked at it is still current, with no need to load and compare the record's values.
    Empty without a state (inside a transaction, a test case): then every read checks.
    """
    keys = [fragments.key(request, VERIFIED, item) for item in what] if request is not None else []
    return [key for key in keys if key is not None]


def any_verified(keys: list[str]) -> bool:
    return bool(keys) and bool(caches[settings.PAGE_CACHE_ALIAS].get_many(keys))


def mark_verified(keys: list[str]) -> None:
    caches[settings.PAGE_CACHE_ALIAS].set_many(dict.fromkeys(keys, True), fragments.FRAGMENT_SECONDS)


def copy_of(decision: Decision) -> StoredMarkdown | None:
    """The copy read with the record by select_related("stored_markdown"), or None."""
    try:
        return decision.stored_markdown
    except StoredMarkdown.DoesNotExist:
        return None


class Store:
    """The stored copies of some records, read in one query; renewed ones written back in one more.

    With `deflated`, the copies' compressed bytes too (for the zip, export.archive).
    """

    def __init__(
        self,
        pks: Iterable[int] | None = None,
        *,
        deflated: bool = False,
        loaded: dict[int, StoredMarkdown | None] | None = None,
    ) -> None:
        self.copies: dict[int, tuple[str, str, bytes | None]] = {}
        if loaded is not None:  # read with the records (select_related): no query
            for pk, row in loaded.items():
                if row is not None:
                    self.copies[pk] = (row.source, row.text, bytes(row.deflated) if deflated else None)
        else:
            rows = (
                StoredMarkdown.objects.all()
                if pks is None
                else StoredMarkdown.objects.filter(pk__in=list(pks))
            )
            columns = ("pk", "source", "text", "deflated") if deflated else ("pk", "source", "text")
            for row in rows.values_list(*columns):
                self.copies[row[0]] = (row[1], row[2], bytes(row[3]) if deflated else None)
        self.renewed: dict[int, tuple[str, str, bytes]] = {}

    def text(self, pk: int, spec: RecordSpec, render: Callable[[RecordSpec], str]) -> str:
        """The file of the record `pk` whose values are `spec`; render(spec) when no copy is current."""
        source = source_of(spec)
        copy = self.copies.get(pk)
        if copy is not None and copy[0] == source:
            return copy[1]
        text = render(spec)
        self.renewed[pk] = self.copies[pk] = (source, text, archive.deflate(text.encode()))
        return text

    def deflated(self, pk: int) -> bytes | None:
        """The compressed file of a record whose text() was asked for (None when not read)."""
        copy = self.copies.get(pk)
        return copy[2] if copy else None

    def save(self) -> None:
        """Store the copies rendered here. A failed write costs a render next time, never a wrong file."""
        if not self.renewed:
            return
        try:
            write(self.renewed)
        except DatabaseError as error:  # a read-only replica, a locked SQLite file
            logger.warning("Could not store %d rendered record(s): %s", len(self.renewed), error)
        self.renewed = {}


# Rows per INSERT: 4 parameters each, under SQLite's 32,766 and PostgreSQL's 65,535.
WRITE_ROWS = 5000


def write(copies: dict[int, tuple[str, str, bytes]]) -> None:
    """Insert or replace the copies, in one statement for up to WRITE_ROWS records (a page's
    query count stays constant, with no transaction around it). A record deleted meanwhile fails
    the foreign key: nothing of that statement is stored, and the next read renders again."""
    # Quoted: PostgreSQL's write watcher (datastate) knows this table unwatched by its quoted name.
    table = connection.ops.quote_name(StoredMarkdown._meta.db_table)
    rows = sorted(copies.items())
    for start in range(0, len(rows), WRITE_ROWS):
        chunk = rows[start : start + WRITE_ROWS]
        sql = (
            f"INSERT INTO {table} (decision_id, source, text, deflated) VALUES "
            + ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            + " ON CONFLICT (decision_id) DO UPDATE SET "
            "source = excluded.source, text = excluded.text, deflated = excluded.deflated"
        )
        params = [value for pk, (source, text, deflated) in chunk for value in (pk, source, text, deflated)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# Filling every copy ----------------------------------------------------------------------------


def renew_all() -> int:
    """Check every record's file and store those missing or stale, ahead of the first export
    (after a bulk load or a restore); returns how many were rendered."""
    from decisions.records.export import _files

    decisions = list(Decision.objects.order_by("pk"))
    before = dict(StoredMarkdown.objects.values_list("pk", "source"))
    _files(decisions, Decision.objects.all())
    after = dict(StoredMarkdown.objects.values_list("pk", "source"))
    return sum(1 for pk, source in after.items() if before.get(pk) != source)
