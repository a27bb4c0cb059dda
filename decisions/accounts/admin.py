"""Staff approve or refuse claims here, and record the handles that let a claim approve itself."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from decisions.accounts import claims
from decisions.accounts.models import Handle, PersonClaim
from decisions.admin_base import ModelAdmin, TabularInline


@admin.register(PersonClaim)
class PersonClaimAdmin(ModelAdmin):
    list_display = ["user", "person", "status", "evidence", "created", "decided_by"]
    list_filter = ["status"]
    search_fields = ["user__username", "person__name", "person__slug"]
    raw_id_fields = ["user", "person", "decided_by"]
    readonly_fields = ["created", "decided_at", "decided_by"]
    actions = ["approve_claims", "refuse_claims"]

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[PersonClaim], decide: object, verb: str
    ) -> None:
        done = 0
        for claim in queryset:
            try:
                decide(claim, request.user)  # type: ignore[operator]
                done += 1
            except claims.ClaimRefused as refused:
                self.message_user(request, f"{claim}: {refused}", messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} claim{'s' if done != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Approve: link each account to the person it claims", permissions=["change"])
    def approve_claims(self, request: HttpRequest, queryset: QuerySet[PersonClaim]) -> None:
        self._decide(request, queryset, claims.approve, "Approved")

    @admin.action(description="Refuse the selected claims", permissions=["change"])
    def refuse_claims(self, request: HttpRequest, queryset: QuerySet[PersonClaim]) -> None:
        self._decide(request, queryset, claims.refuse, "Refused")


class HandleInline(TabularInline):
    """On the person's admin page: the logins that prove a claim (decisions/people/admin.py)."""

    model = Handle
    extra = 1
