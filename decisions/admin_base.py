"""Admin base classes whose forms strip C0 control characters from text, like the site's own forms."""

from __future__ import annotations

from django.contrib import admin

from decisions.forms import ControlFreeModelForm


class ModelAdmin(admin.ModelAdmin):
    form = ControlFreeModelForm


class TabularInline(admin.TabularInline):
    form = ControlFreeModelForm


class StackedInline(admin.StackedInline):
    form = ControlFreeModelForm
