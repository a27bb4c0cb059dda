"""Staff manage teams and sign-off rules here; motions, positions, concerns and the outbox are
shown read-only (they change through the site's forms, and nothing of them is ever deleted)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from decisions import models
from decisions.admin_base import ModelAdmin, TabularInline


@admin.register(models.Team)
class TeamAdmin(ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["members"]


@admin.register(models.SignOffRule)
class SignOffRuleAdmin(ModelAdmin):
    list_display = ["scope", "kind", "max_outstanding", "min_teams", "fcp_days", "auto_apply"]
    filter_horizontal = ["teams"]


class ReadOnly:
    """Shown, never edited or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PositionInline(ReadOnly, TabularInline):
    model = models.Position
    extra = 0
    fields = ["person", "number", "kind", "note", "created_at"]
    readonly_fields = fields


class ConcernInline(ReadOnly, TabularInline):
    model = models.Concern
    extra = 0
    fields = ["name", "raised_by", "raised_at", "resolved_at", "resolved_by", "resolution"]
    readonly_fields = fields


@admin.register(models.Motion)
class MotionAdmin(ReadOnly, ModelAdmin):
    list_display = ["pk", "rfc", "decision", "disposition", "state", "fcp_ends_at"]
    list_filter = ["state", "disposition"]
    list_select_related = ["rfc", "decision"]
    inlines = [PositionInline, ConcernInline]


@admin.register(models.MotionEvent)
class MotionEventAdmin(ReadOnly, ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "person",
        "motion",
        "delivered_at",
        "sent_as",
        "attempts",
        "next_attempt_at",
    ]
    list_filter = ["kind", "sent_as", "delivered_at"]
    list_select_related = ["person", "motion"]
