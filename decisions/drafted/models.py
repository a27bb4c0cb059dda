"""Which RFC was drafted from which decision, and what the site last wrote into its block."""

from __future__ import annotations

from django.db import models

from decisions.records.models import Decision
from decisions.rfcs.models import RFC


class DraftedRFC(models.Model):
    """An RFC drafted from a decision record (decisions.drafted).

    `generated` is the block's inside as the site last wrote it: while the RFC still says
    exactly that, a change to the matrix rewrites it. When the author changed the text between
    the markers (or removed them), or the RFC lives in a repository, the site writes nothing and
    keeps the new block in `pending`, which the RFC page shows beside the author's text.
    """

    rfc = models.OneToOneField(RFC, on_delete=models.CASCADE, related_name="drafted_from")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="drafted_rfcs")
    generated = models.TextField(help_text="The block's inside as the site last wrote it.")
    pending = models.TextField(
        blank=True,
        help_text="A newer block the site did not write (the author's text differs); blank when none.",
    )
    synced_at = models.DateTimeField(null=True, blank=True, help_text="When the site last rewrote the block.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "rfc"]
        verbose_name = "RFC drafted from a decision"
        verbose_name_plural = "RFCs drafted from decisions"

    def __str__(self) -> str:
        return f"{self.rfc.label} drafted from DR-{self.decision.number:04d}"
