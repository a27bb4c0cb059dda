"""Optimistic concurrency: a record's version, claimed by every edit so a stale save is refused."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone


class VersionedMixin(models.Model):
    """Optimistic concurrency: forms carry the version they were opened at: a save from an older version is refused."""

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped on every save; stale edits are refused."
    )

    class Meta:
        abstract = True

    def claim_version(self, version: int) -> bool:
        """Move from `version` to the next one atomically; False when someone saved in between.

        Every edit calls this first (inside its transaction), so of two people editing from the
        same version only the first save lands and the second is refused instead of overwriting it.
        """
        changes: dict[str, Any] = {"version": F("version") + 1}
        if any(f.name == "updated_at" for f in self._meta.concrete_fields):
            changes["updated_at"] = timezone.now()
        updated = type(self)._default_manager.filter(pk=self.pk, version=version).update(**changes)
        if updated:
            self.version = version + 1
        return bool(updated)
