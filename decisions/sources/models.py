"""Registered sources: a team's git repository (or a local folder) that the site keeps in step with.

A source says where the files are (URL, branch, path inside), what they hold (RFCs of a series and
format, meeting notes of a series, decision records) and which side is the place of record. Sync
state (the last commit reached, each file's digest at that commit) lives beside it so that a sync
reads only what changed.
"""

from __future__ import annotations

from django.db import models


class Holds(models.TextChoices):
    RFCS = "rfcs", "RFCs"
    MEETINGS = "meetings", "meeting notes"
    DECISIONS = "decisions", "decision records"


class RecordIn(models.TextChoices):
    """Which side wins: the repository (records read-only on the site) or the site."""

    REPOSITORY = "repository", "the repository"
    SITE = "site", "the site"


class Source(models.Model):
    name = models.SlugField(max_length=100, unique=True, help_text="Used in URLs and commands.")
    url = models.CharField(
        max_length=500, help_text="Any URL git can fetch (https://, ssh, file://) or a local folder."
    )
    branch = models.CharField(max_length=200, blank=True, help_text="Blank: the remote's default.")
    path = models.CharField(max_length=500, blank=True, help_text="Folder inside the repository.")
    holds = models.CharField(max_length=20, choices=Holds.choices)
    format = models.CharField(max_length=30, blank=True, help_text="RFC format; blank: detect.")
    series = models.CharField(
        max_length=100, blank=True, help_text="RFC series or meeting series the files belong to."
    )
    record_in = models.CharField(max_length=20, choices=RecordIn.choices, default=RecordIn.REPOSITORY)
    secret = models.CharField(
        max_length=200, blank=True, help_text="Webhook secret (GitHub HMAC key or GitLab token)."
    )
    last_commit = models.CharField(max_length=64, blank=True, editable=False)
    last_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set while a sync runs (claimed by a conditional UPDATE, so two servers never sync at once).
    sync_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HookDelivery(models.Model):
    """A webhook delivery already accepted: the same delivery id again is a replay."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "delivery_id"], name="hook_delivery_once")]

    def __str__(self) -> str:
        return f"{self.source}: {self.delivery_id}"


class RecordKind(models.TextChoices):
    RFC = "rfc", "RFC"
    MEETING = "meeting", "meeting"
    DECISION = "decision", "decision record"


class SourceFile(models.Model):
    """One file of a source as of the last sync, and the record it became.

    The sync compares blobs to skip unchanged files; pages ask it whether a record comes from a
    repository (read-only there when the repository is the place of record) and where its file is.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=500, help_text="Path inside the repository.")
    blob = models.CharField(max_length=64, blank=True, help_text="git blob id at the last sync.")
    commit = models.CharField(max_length=64, blank=True, help_text="Commit the file was read at.")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False, help_text="Removed upstream; the record is kept.")
    synced_at = models.DateTimeField(null=True, blank=True)
    # The record's version right after the sync wrote it: a higher one means edited on the site.
    record_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Why a file of the path holds no record (read, and not a record this source holds).
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "path"], name="source_file_once"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="source_file_record")]

    def __str__(self) -> str:
        return f"{self.source}:{self.path}"
