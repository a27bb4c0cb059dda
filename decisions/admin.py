"""Staff manage every model here: search, filters and inlines for the nested parts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from decisions import models
from decisions.forms import ControlFreeModelForm


# Every admin form strips C0 control characters from text, like the site's own forms.
class ModelAdmin(admin.ModelAdmin):
    form = ControlFreeModelForm


class TabularInline(admin.TabularInline):
    form = ControlFreeModelForm


class StackedInline(admin.StackedInline):
    form = ControlFreeModelForm


@admin.register(models.Person)
class PersonAdmin(ModelAdmin):
    list_display = ["name", "slug", "affiliation", "user"]
    search_fields = ["name", "slug", "aliases", "affiliation"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]


@admin.register(models.Area)
class AreaAdmin(ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


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
    list_display = ["date", "series", "title"]
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


@admin.register(models.Precedent)
class PrecedentAdmin(ModelAdmin):
    list_display = ["title", "organization", "kind", "date"]
    list_filter = ["kind", "organization"]
    search_fields = ["title", "url", "summary", "lessons"]
    prepopulated_fields = {"slug": ["title"]}


class DecisionOwnerInline(TabularInline):
    model = models.DecisionOwner
    extra = 0
    autocomplete_fields = ["person"]


class OptionInline(TabularInline):
    model = models.Option
    extra = 0
    fields = ["order", "name", "summary"]
    show_change_link = True


class CriterionInline(TabularInline):
    model = models.Criterion
    extra = 0
    fields = ["order", "name", "weight", "description"]


class DecisionMeetingInline(TabularInline):
    model = models.DecisionMeeting
    extra = 0
    raw_id_fields = ["meeting", "topic"]


class DecisionPrecedentInline(TabularInline):
    model = models.DecisionPrecedent
    extra = 0
    autocomplete_fields = ["precedent"]


class DecisionStatusChangeInline(TabularInline):
    model = models.DecisionStatusChange
    extra = 0


@admin.register(models.Decision)
class DecisionAdmin(ModelAdmin):
    list_display = ["code", "title", "status", "decided_on", "chosen_option"]
    list_filter = ["status", "areas", "decided_on"]
    search_fields = ["=number", "title", "context", "rationale"]
    list_select_related = ["chosen_option"]
    autocomplete_fields = ["related_rfcs", "supersedes"]
    filter_horizontal = ["areas"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["version"]
    inlines = [
        DecisionOwnerInline,
        OptionInline,
        CriterionInline,
        DecisionMeetingInline,
        DecisionPrecedentInline,
        DecisionStatusChangeInline,
    ]

    @admin.display(description="Number", ordering="number")
    def code(self, obj: models.Decision) -> str:
        return obj.code

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("chosen_option")
        if field is not None:
            field.queryset = (
                models.Option.objects.filter(decision=obj) if obj else models.Option.objects.none()
            )
        return form


class AssessmentInline(TabularInline):
    model = models.Assessment
    extra = 0
    fields = ["criterion", "rating", "note"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Offer only the criteria of the option's own decision.
        if db_field.name == "criterion" and request.resolver_match:
            option_id = request.resolver_match.kwargs.get("object_id")
            option = models.Option.objects.filter(pk=option_id).first() if option_id else None
            kwargs["queryset"] = models.Criterion.objects.filter(
                decision_id=option.decision_id if option else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.Option)
class OptionAdmin(ModelAdmin):
    list_display = ["name", "decision", "order"]
    search_fields = ["name", "summary", "decision__title"]
    list_select_related = ["decision"]
    raw_id_fields = ["decision"]
    inlines = [AssessmentInline]


@admin.register(models.Criterion)
class CriterionAdmin(ModelAdmin):
    list_display = ["name", "decision", "weight"]
    search_fields = ["name", "decision__title"]
    list_select_related = ["decision"]
    raw_id_fields = ["decision"]


@admin.register(models.Assessment)
class AssessmentAdmin(ModelAdmin):
    list_display = ["option", "criterion", "rating", "note"]
    list_filter = ["rating"]
    search_fields = ["option__name", "criterion__name", "note"]
    list_select_related = ["option", "criterion"]
    raw_id_fields = ["option", "criterion"]
