"""What each sync did (SyncRun) and the records it stopped at because both sides changed (SyncConflict)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from decisions.sources.models import Source, SourceFile


class SyncRun(models.Model):
    """One sync of a source: the commit it reached, what changed and every file it skipped."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    previous_commit = models.CharField(max_length=64, blank=True)
    commit = models.CharField(max_length=64, blank=True)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    # [{path, action, record, url}]: each file that changed and what became of it.
    changes = models.JSONField(default=list, blank=True)
    # [{path, error}]: files that could not be imported (with their line) or were refused.
    failed = models.JSONField(default=list, blank=True)
    # [{path, reason}]: files of the path that are not records (furniture, other formats).
    skipped = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the whole sync stopped (git could not fetch...).")

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["source", "-started_at"], name="sync_run_latest")]

    def __str__(self) -> str:
        return f"{self.source} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        """How long the sync took."""
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None


class Choice(models.TextChoices):
    REPOSITORY = "repository", "the repository's version"
    SITE = "site", "the site's version"


class SyncConflict(models.Model):
    """A record changed on the site since the last sync while its file changed upstream.

    The sync leaves the record alone until a staff member chooses a side; the file's text at the
    upstream commit is kept here so that choosing the repository's version needs no fetch.
    """

    file = models.ForeignKey(SourceFile, on_delete=models.CASCADE, related_name="conflicts")
    blob = models.CharField(max_length=64)
    commit = models.CharField(max_length=64)
    text = models.TextField(help_text="The file as the repository has it at that commit.")
    found_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    choice = models.CharField(max_length=20, choices=Choice.choices, blank=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["file"], condition=models.Q(resolved_at__isnull=True), name="sync_conflict_open_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file} at {self.commit[:7]}"
