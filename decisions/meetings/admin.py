"""Staff manage meeting series, meetings, topics and action items here, with their parts inline."""

from __future__ import annotations

from django.contrib import admin

from decisions import models
from decisions.admin_base import ModelAdmin, StackedInline, TabularInline


@admin.register(models.MeetingSeries)
class MeetingSeriesAdmin(ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class TopicInline(StackedInline):
    model = models.Topic
    extra = 0
    fields = ["order", "title", "body"]
    show_change_link = True


class ActionItemInline(TabularInline):
    model = models.ActionItem
    extra = 0
    fields = ["owner", "owner_name", "text", "due_on", "status", "topic", "decision"]
    autocomplete_fields = ["owner", "decision"]


class MeetingLinkInline(TabularInline):
    model = models.MeetingLink
    extra = 0
    fields = ["order", "text", "url", "topic"]


@admin.register(models.Meeting)
class MeetingAdmin(ModelAdmin):
    list_display = ["date", "series", "session", "title"]
    list_filter = ["series", "date"]
    search_fields = ["title", "source_text"]
    list_select_related = ["series"]
    autocomplete_fields = ["attendees", "rfcs"]
    date_hierarchy = "date"
    inlines = [TopicInline, ActionItemInline, MeetingLinkInline]
    readonly_fields = ["version"]


class RemarkInline(TabularInline):
    model = models.Remark
    extra = 0
    fields = ["order", "speaker", "speaker_name", "text", "depth"]
    autocomplete_fields = ["speaker"]


@admin.register(models.Topic)
class TopicAdmin(ModelAdmin):
    list_display = ["title", "meeting", "order"]
    search_fields = ["title", "body"]
    list_select_related = ["meeting__series"]
    raw_id_fields = ["meeting"]
    inlines = [RemarkInline]


@admin.register(models.ActionItem)
class ActionItemAdmin(ModelAdmin):
    list_display = ["text", "owner", "status", "due_on", "meeting"]
    list_filter = ["status", "due_on"]
    search_fields = ["text", "owner_name", "owner__name"]
    list_select_related = ["owner", "meeting__series"]
    autocomplete_fields = ["owner", "decision"]
    raw_id_fields = ["meeting", "topic"]
