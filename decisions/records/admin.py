"""Staff manage decision records here, with their owners, options, criteria, links and ratings."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from decisions import models
from decisions.admin_base import ModelAdmin, TabularInline


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
