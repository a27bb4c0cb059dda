"""Staff manage RFCs here, with their status changes, revisions and aliases inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from decisions import models
from decisions.admin_base import ModelAdmin, TabularInline


class RFCRevisionInline(TabularInline):
    model = models.RFCRevision
    extra = 0
    fields = ["number", "message", "author", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RFCStatusChangeInline(TabularInline):
    model = models.RFCStatusChange
    extra = 0
    fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RFCAliasInline(TabularInline):
    model = models.RFCAlias
    extra = 0


@admin.register(models.RFC)
class RFCAdmin(ModelAdmin):
    list_display = ["label", "title", "status", "shepherd", "created_on", "updated_at"]
    list_filter = ["series", "status", "areas", "created_on"]
    search_fields = ["=number", "title", "body"]
    list_select_related = ["shepherd"]
    autocomplete_fields = ["authors", "shepherd", "supersedes"]
    filter_horizontal = ["areas"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [RFCStatusChangeInline, RFCRevisionInline, RFCAliasInline]
    date_hierarchy = "created_on"

    def save_model(self, request: HttpRequest, obj: models.RFC, form: Any, change: bool) -> None:
        # Through record_change so edits made here appear on the history page too; the new
        # version makes an edit opened in the browser before this one stale.
        if change:
            obj.version += 1
        obj.record_change(user=request.user, message="Edited in admin" if change else "Created in admin")


@admin.register(models.RFCRevision)
class RFCRevisionAdmin(ModelAdmin):
    list_display = ["rfc", "number", "message", "author", "created_at"]
    search_fields = ["rfc__title", "message"]
    list_select_related = ["rfc", "author"]
    readonly_fields = ["rfc", "number", "title", "body", "author", "message", "created_at"]
