"""Staff see which RFC was drafted from which decision, and the block waiting on a conflict."""

from __future__ import annotations

from django.contrib import admin

from decisions.admin_base import ModelAdmin
from decisions.drafted.models import DraftedRFC


@admin.register(DraftedRFC)
class DraftedRFCAdmin(ModelAdmin):
    list_display = ["rfc", "decision", "synced_at", "waiting"]
    list_select_related = ["rfc", "decision"]
    search_fields = ["rfc__title", "decision__title"]
    raw_id_fields = ["rfc", "decision"]
    readonly_fields = ["generated", "pending", "synced_at", "created_at"]

    @admin.display(boolean=True, description="Block waiting")
    def waiting(self, link: DraftedRFC) -> bool:
        return bool(link.pending)
