"""The search index's rows: one per RFC, meeting, decision or precedent."""

from __future__ import annotations

from django.db import models


class SearchKind(models.TextChoices):
    RFC = "rfc", "RFC"
    MEETING = "meeting", "Meeting"
    DECISION = "decision", "Decision"
    PRECEDENT = "precedent", "Precedent"


class SearchEntry(models.Model):
    """The searchable text of one RFC, meeting, decision or precedent; decisions.search.index writes it.

    Derived data: `manage.py rebuild_search_index` recreates every row. The full-text index over
    title, summary and body is not a model field because it differs per database: migration 0004
    adds a generated, GIN-indexed tsvector column on PostgreSQL and an FTS5 table kept in step by
    triggers on SQLite. A later migration that makes SQLite rebuild this table must create those
    triggers again.
    """

    KIND_CODES = {SearchKind.RFC: 1, SearchKind.MEETING: 2, SearchKind.DECISION: 3, SearchKind.PRECEDENT: 4}

    # key(kind, object_id): one row per record, the same after every rebuild, the rowid of FTS5,
    # and the kind readable from the key alone (id % 8), so SQLite filters without a join.
    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=10, choices=SearchKind.choices)
    object_id = models.BigIntegerField()
    date = models.DateField(null=True, blank=True)
    url = models.CharField(max_length=500)
    # The long text comes last: SQLite then reads the short columns without walking overflow pages.
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @classmethod
    def key(cls, kind: str, object_id: int) -> int:
        return object_id * 8 + cls.KIND_CODES[kind]
