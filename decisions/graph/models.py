"""Typed links between records that no other relation says: "amends", "implements" and the rest.

Most edges of the graph are already stored where they belong (an RFC's `supersedes`, a record's
meetings and precedents...) and are read from there (`edges.py`). A `Link` is for the typed
relations people state themselves, between any two kinds of record. A record is named by its
kind and primary key rather than a generic foreign key: reading the whole graph is then one
query with no content-type lookups, and links of a deleted record are removed by a receiver.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NodeKind(models.TextChoices):
    RFC = "rfc", "RFC"
    DECISION = "decision", "Decision record"
    MEETING = "meeting", "Meeting"
    PRECEDENT = "precedent", "Precedent"


class LinkKind(models.TextChoices):
    SUPERSEDES = "supersedes", "supersedes"
    AMENDS = "amends", "amends"
    DISCUSSED_IN = "discussed_in", "discussed in"
    CITES = "cites", "cites"
    IMPLEMENTS = "implements", "implements"


class Link(models.Model):
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    from_kind = models.CharField(max_length=20, choices=NodeKind.choices)
    from_id = models.PositiveBigIntegerField()
    to_kind = models.CharField(max_length=20, choices=NodeKind.choices)
    to_id = models.PositiveBigIntegerField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["from_kind", "from_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "from_kind", "from_id", "to_kind", "to_id"], name="graph_link_unique"
            ),
            models.CheckConstraint(
                condition=~(models.Q(from_kind=models.F("to_kind")) & models.Q(from_id=models.F("to_id"))),
                name="graph_link_not_to_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["from_kind", "from_id"], name="graph_link_from"),
            models.Index(fields=["to_kind", "to_id"], name="graph_link_to"),
        ]

    def __str__(self) -> str:
        return f"{self.from_kind} {self.from_id} {self.get_kind_display()} {self.to_kind} {self.to_id}"
