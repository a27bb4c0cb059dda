"""Stated links in the admin, for staff who tidy the graph."""

from __future__ import annotations

from django.contrib import admin

from decisions.admin_base import ModelAdmin
from decisions.graph.models import Link


@admin.register(Link)
class LinkAdmin(ModelAdmin):
    list_display = ["from_kind", "from_id", "kind", "to_kind", "to_id", "note", "created_at"]
    list_filter = ["kind", "from_kind", "to_kind"]
    search_fields = ["note"]
