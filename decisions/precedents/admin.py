"""Staff manage precedents here."""

from __future__ import annotations

from django.contrib import admin

from decisions import models
from decisions.admin_base import ModelAdmin


@admin.register(models.Precedent)
class PrecedentAdmin(ModelAdmin):
    list_display = ["title", "organization", "kind", "date"]
    list_filter = ["kind", "organization"]
    search_fields = ["title", "url", "summary", "lessons"]
    prepopulated_fields = {"slug": ["title"]}
