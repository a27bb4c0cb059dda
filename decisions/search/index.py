"""Keeping the search index in step with the records: write, rewrite, remove, rebuild.

Each record has one SearchEntry holding its plain text in three parts weighted in that order:
title, summary and body. The database indexes them: on PostgreSQL a generated tsvector column
with a GIN index, on SQLite an FTS5 table kept in step by triggers. Migration 0004 creates both,
which is why neither is a model field. The receivers here rewrite a record's entry whenever the
record or one of its parts (topic, remark, option) is saved or deleted, inside the same
transaction as the row, so a rolled-back save leaves no entry behind. apps.ready() connects them
with connect(), after the receiver that renders raw rows, so those are indexed from their
rendered text.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save

from decisions.search import common, documents
from decisions.search.documents import KINDS, Document, Searchable
from decisions.search.models import SearchEntry
from decisions.search.sqlite import FTS_TABLE

_ENTRY_FIELDS = ["kind", "object_id", "title", "summary", "body", "url", "date"]


def _write(written: Iterable[Document], using: str | None = None) -> None:
    """Insert or replace entries in one statement per batch (an upsert on the natural key)."""
    entries = [document.entry() for document in written]
    SearchEntry.objects.using(using).bulk_create(
        entries, update_conflicts=True, unique_fields=["id"], update_fields=_ENTRY_FIELDS, batch_size=200
    )


# PostgreSQL's full-text index (migration 0004) and the memory it is built with at once.
PG_VECTOR_INDEX = "decisions_searchentry_vector"
PG_BUILD_MEMORY = "256MB"


@contextmanager
def _bulk_load(using: str) -> Iterator[None]:
    """Write every entry into an empty table, then index the words once.

    PostgreSQL: the GIN index is dropped for the writes and built again from all the rows in one
    sorted pass instead of taking each row's words (through its pending list, which VACUUM then
    merges). Most of what remains is to_tsvector parsing the text for the generated columns
    (3,000 RFC bodies: 12.7 s of inserting against 0.9 s of building the index, on a busy
    machine). Until the transaction commits, searches wait for it (DROP INDEX locks the table),
    so the old entries are never read half rewritten. SQLite: the triggers keep FTS5 in step row
    by row; 'optimize' merges its segments at the end.
    """
    vendor = connections[using].vendor
    if vendor == "postgresql":
        _drop_vector_index(using)
    yield
    if vendor == "postgresql":
        _build_vector_index(using)
    elif vendor == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def _drop_vector_index(using: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {PG_VECTOR_INDEX}")


def _build_vector_index(using: str) -> None:
    """Build the GIN index over every row (call inside a transaction: the memory is set for it)."""
    with connections[using].cursor() as cursor:
        # An index cannot be built over rows with deferred trigger events pending (the data
        # state's, decisions.caching.datastate): they run now, and what is deferred stays so.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [PG_BUILD_MEMORY])
        cursor.execute(f"CREATE INDEX {PG_VECTOR_INDEX} ON decisions_searchentry USING gin (vector)")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def index(obj: Model, *, using: str | None = None, created: bool = False) -> None:
    """Write the entry of obj's record: obj itself, or the meeting or decision a part belongs to.

    An entry that would not change is not written: rewriting it costs the full-text index a
    delete and an insert of the whole text. `created` says obj was just inserted, so there is
    no entry to compare with.
    """
    record = documents.record_of(obj, using)
    if record is None:
        return
    document = documents.document(record, using)
    if created and record is obj:
        _write([document], using)
        return
    entry = document.entry()
    stored = SearchEntry.objects.using(using).filter(pk=entry.pk).values_list(*_ENTRY_FIELDS).first()
    if stored != tuple(getattr(entry, name) for name in _ENTRY_FIELDS):
        _write([document], using)


def unindex(obj: Model, *, using: str | None = None) -> None:
    """Remove a deleted record's entry; for a deleted part, rewrite its record's entry without it.

    Call it while obj still has its primary key (post_delete does).
    """
    if documents.part(type(obj)) is not None:
        index(obj, using=using)
        return
    kind = documents.searchable(type(obj)).kind
    SearchEntry.objects.using(using).filter(pk=SearchEntry.key(kind, obj.pk)).delete()


def rebuild_index(
    *, progress: Callable[[str, int, int], None] | None = None, using: str | None = None, writers: int = 1
) -> dict[str, int]:
    """Write every entry again from the records, in one transaction; return the count per kind.

    For data that predates the index, and after changes that bypass save() (bulk_create,
    QuerySet.update(), `manage.py render_markdown`). A few queries per 200 records.

    `writers` above 1, on PostgreSQL: the entries are written over that many connections at once
    (see _rebuild_over_connections), for a database nothing else uses while it fills (the bench's).
    """
    using = using or router.db_for_write(SearchEntry)
    if writers > 1 and connections[using].vendor == "postgresql":
        return _rebuild_over_connections(writers, progress, using)
    with transaction.atomic(using=using), common.rebuilding(using):
        SearchEntry.objects.using(using).all().delete()
        with _bulk_load(using):
            return _fill(lambda batch: _insert(batch, using), progress, using)


def _fill(
    write: Callable[[list[SearchEntry]], None], progress: Callable[[str, int, int], None] | None, using: str
) -> dict[str, int]:
    """Build every record's entry and hand them to `write` REBUILD_BATCH at a time."""
    counts: dict[str, int] = {}
    for searchable in documents.searchables():
        kind, records, build = searchable.kind, searchable.everything(using), searchable.build
        total, batch = records.count(), []
        for done, record in enumerate(records.iterator(chunk_size=REBUILD_BATCH), 1):
            batch.append(build(record).entry())
            if len(batch) == REBUILD_BATCH:
                write(batch)
                batch = []
            if progress:
                progress(KINDS[kind], done, total)
        if batch:
            write(batch)
        counts[str(kind)] = total
    return counts


def _rebuild_over_connections(
    writers: int, progress: Callable[[str, int, int], None] | None, using: str
) -> dict[str, int]:
    """rebuild_index() with the writes spread over `writers` threads, each on its own connection.

    Parsing the text into the generated tsvector columns is most of a rebuild's time (about
    100 s for the 115,000 entries of `make bench SCALE=large`), and one connection's backend
    uses one core; this thread builds the entries meanwhile. Not one transaction: the table is
    emptied and its GIN index dropped first, each writer commits its share, and the index is
    built last, so a search in between sees a part of the entries.
    """
    if connections[using].in_atomic_block:
        raise RuntimeError("rebuild_index(writers=...) commits as it goes: call it outside a transaction")
    with transaction.atomic(using=using), common.rebuilding(using):
        SearchEntry.objects.using(using).all().delete()
        _drop_vector_index(using)
    batches: queue.Queue[list[SearchEntry] | None] = queue.Queue(maxsize=2 * writers)
    failed: list[BaseException] = []

    def write() -> None:
        # One transaction per writer: a commit per batch would wait for the disk each time.
        try:
            # The kept queries were forgotten above: their change log stays off for these writes.
            with transaction.atomic(using=using), common.rebuilding(using, forget=False):
                while (batch := batches.get()) is not None:
                    if not failed:
                        _copy(batch, using)
        except BaseException as error:  # handed to the caller; the rest of the queue is drained
            failed.append(error)
            while batches.get() is not None:
                pass
        finally:
            connections[using].close()  # this thread's own connection

    threads = [threading.Thread(target=write, name=f"search-writer-{n}") for n in range(writers)]
    for thread in threads:
        thread.start()
    try:
        # In a transaction: outside one, PostgreSQL would copy each iterator's whole result first.
        with transaction.atomic(using=using):
            counts = _fill(batches.put, progress, using)
    finally:
        for _ in threads:
            batches.put(None)
        for thread in threads:
            thread.join()
    if failed:
        raise failed[0]
    # A search during the fill may have kept a query from part of the entries, and the writers
    # log nothing: forgotten again, with the index built.
    with transaction.atomic(using=using), common.rebuilding(using):
        _build_vector_index(using)
    return counts


# Entries per INSERT when rebuilding (the table is empty then: no upsert needed).
REBUILD_BATCH = 500


def _insert(entries: list[SearchEntry], using: str) -> None:
    SearchEntry.objects.using(using).bulk_create(entries, batch_size=REBUILD_BATCH)


def _copy(entries: list[SearchEntry], using: str) -> None:
    """The entries in one COPY (PostgreSQL): no INSERT statement built for each batch."""
    columns = ["id", *_ENTRY_FIELDS]
    sql = f"COPY {SearchEntry._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connections[using].cursor() as cursor, cursor.copy(sql) as copy:
        for entry in entries:
            copy.write_row([getattr(entry, name) for name in columns])


# Keeping the index current ---------------------------------------------------------------------


def _index_saved(
    sender: type[Model],
    instance: Model,
    using: str | None = None,
    update_fields: Any = None,
    created: bool = False,
    **kwargs: Any,
) -> None:
    if update_fields is not None and not documents.reads(sender) & set(update_fields):
        return
    pending = _deferred(using)
    if pending is not None and documents.searchable(sender) is not None:
        if created:
            pending[(sender, instance.pk)] = instance
            return
        pending.pop((sender, instance.pk), None)  # saved again: indexed now, as usual
    part = documents.part(sender)
    if created and part is not None and part.adds_nothing(instance):
        return
    index(instance, using=using, created=created)


def _unindex_deleted(
    sender: type[Model], instance: Model, using: str | None = None, origin: Any = None, **kwargs: Any
) -> None:
    """Remove the entry; for a part, rewrite its record's entry once per deletion.

    Django deletes every row of a model before it sends their post_delete, so the first signal
    for a record's parts already sees them all gone, and the rest can be skipped. Parts deleted
    along with their record (or, for remarks, with their topic) are left to the record's own
    signal.
    """
    pending = _deferred(using)
    if pending is not None:
        pending.pop((sender, instance.pk), None)
    part = documents.part(sender)
    if part is not None and origin is not None:
        origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
        if origin_model is not sender:
            return
        key = (sender, part.group(instance))
        done = origin.__dict__.setdefault("_search_reindexed", set())
        if key in done:
            return
        done.add(key)
    unindex(instance, using=using)


# Writing many entries at once -------------------------------------------------------------------

_deferral = threading.local()


def _deferred(using: str | None) -> dict[tuple[type[Model], Any], Model] | None:
    """The records created but not yet indexed inside deferred_indexing() on this thread, if any."""
    pending = getattr(_deferral, "pending", None)
    if pending is None or (using or router.db_for_write(SearchEntry)) != _deferral.using:
        return None
    return pending


@contextmanager
def deferred_indexing(using: str | None = None) -> Iterator[None]:
    """An atomic block whose new records are indexed together when it ends, not one by one.

    For imports that create many records (with bulk_create and the post_save signal, or save()):
    their entries are written in one statement per 200 as the block's last step, so inside the
    same savepoint as the rows. A record saved again or deleted inside the block is indexed as
    usual instead, and one whose row a nested savepoint rolled back gets no entry; a record
    saved again inside a nested savepoint that rolls back would lose its entry, so keep these
    blocks to creating records, as the RFC import does. Nested blocks leave the work to the
    outermost.
    """
    using = using or router.db_for_write(SearchEntry)
    if getattr(_deferral, "pending", None) is not None:
        with transaction.atomic(using=using):
            yield
        return
    _deferral.pending, _deferral.using = {}, using
    try:
        with transaction.atomic(using=using):
            yield
            pending, _deferral.pending = _deferral.pending, None
            _index_created(list(pending.values()), using)
    finally:
        _deferral.pending = None


def _index_created(records: list[Model], using: str) -> None:
    """Write the entries of records that were just inserted (and still exist)."""
    by_model: dict[type[Model], list[Model]] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    written = []
    for model, group in by_model.items():
        pks = [record.pk for record in group]
        there = set()
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            there.update(
                model._default_manager.using(using).filter(pk__in=chunk).values_list("pk", flat=True)
            )
        written += [documents.document(record, using) for record in group if record.pk in there]
    _write(written, using)


def connect(*kinds: Searchable) -> None:
    """Index these kinds of record from now on and keep the index in step with their saves and
    deletes (called from apps.ready(), after the receiver that renders raw rows, so those are
    indexed from their rendered text)."""
    for searchable in kinds:
        documents.register(searchable)
    for searchable in documents.searchables():
        for model in (searchable.model, *(part.model for part in searchable.parts)):
            post_save.connect(_index_saved, sender=model, dispatch_uid=f"search-index-{model.__name__}")
            post_delete.connect(
                _unindex_deleted, sender=model, dispatch_uid=f"search-unindex-{model.__name__}"
            )
