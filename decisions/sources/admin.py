"""Staff register sources here (the secret is written, never shown) and see each sync and conflict."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from decisions.admin_base import ModelAdmin
from decisions.sources.forms import SourceForm
from decisions.sources.models import Source
from decisions.sources.runs import SyncConflict, SyncRun
from decisions.sources.sync import sync_source


@admin.register(Source)
class SourceAdmin(ModelAdmin):
    form = SourceForm
    list_display = ["name", "holds", "url", "branch", "path", "record_in", "commit", "last_synced_at", "page"]
    list_filter = ["holds", "record_in"]
    search_fields = ["name", "url"]
    readonly_fields = ["last_commit", "last_synced_at", "sync_started_at"]
    actions = ["sync_now"]

    @admin.display(description="commit")
    def commit(self, source: Source) -> str:
        return source.last_commit[:12]

    @admin.display(description="sync page")
    def page(self, source: Source) -> str:
        return format_html(
            '<a href="{}">last sync</a>', reverse("decisions:source-detail", args=[source.name])
        )

    @admin.action(description="Sync the selected sources now")
    def sync_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            result = sync_source(source)
            if result.skipped or result.error:
                self.message_user(
                    request, f"{source.name}: {result.skipped or result.error}", messages.WARNING
                )
            else:
                self.message_user(
                    request,
                    f"{source.name}: {result.imported} imported, {result.updated} updated, {result.withdrawn} "
                    f"withdrawn, {result.conflicts} conflict(s), {len(result.failed)} failed.",
                )


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = [
        "source",
        "started_at",
        "commit",
        "imported",
        "updated",
        "withdrawn",
        "conflicts",
        "error",
    ]
    list_filter = ["source"]


@admin.register(SyncConflict)
class SyncConflictAdmin(ReadOnlyAdmin):
    list_display = ["file", "commit", "found_at", "resolved_at", "resolved_by", "choice"]
    list_filter = ["choice"]
