"""Staff manage people and areas here."""

from __future__ import annotations

from django.contrib import admin

from decisions import models
from decisions.accounts.admin import HandleInline
from decisions.admin_base import ModelAdmin


@admin.register(models.Person)
class PersonAdmin(ModelAdmin):
    list_display = ["name", "slug", "affiliation", "user", "notices"]
    list_filter = ["notices"]
    search_fields = ["name", "slug", "aliases", "affiliation"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]
    inlines = [HandleInline]


@admin.register(models.Area)
class AreaAdmin(ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
