"""The decision record feed: new and changed records, with the list's filters."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from decisions.feeds import FEED_LENGTH, AtomFeed
from decisions.models import Decision, DecisionOwner, DecisionStatus
from decisions.records.forms import DecisionFilterForm


class DecisionFeed(AtomFeed):
    """New and changed decision records with their status; `?status=` etc. as on /decisions/."""

    title = "Decision records: new and changed"
    subtitle = "Questions the project had to answer, the options weighed, and what was chosen."

    def link(self) -> str:
        return reverse("decisions:decision-list")

    def items(self, query: QueryDict) -> QuerySet[Decision]:
        decisions = (
            Decision.objects.select_related("chosen_option")
            .prefetch_related(
                Prefetch("ownerships", queryset=DecisionOwner.objects.select_related("person")), "areas"
            )
            .defer("context", "rationale", "rationale_html", "consequences", "consequences_html")
        )
        decisions = DecisionFilterForm(query).filter(decisions)
        return decisions.order_by("-updated_at", "-number")[:FEED_LENGTH]

    def item_title(self, decision: Decision) -> str:
        return f"{decision.code}: {decision.title} ({decision.get_status_display()})"

    def item_description(self, decision: Decision) -> str:
        owners = ", ".join(
            f"{ownership.person.name} ({ownership.get_role_display().lower()})"
            for ownership in decision.ownerships.all()
        )
        facts = f"Status: {decision.get_status_display()}."
        if decision.chosen_option:
            facts += f" Chosen option: {decision.chosen_option.name}."
        if decision.decided_on:
            facts += f" Decided on {decision.decided_on.isoformat()}."
        if owners:
            facts += f" Owners: {owners}."
        # context_html was sanitized when the record was saved.
        return format_html("<p>{}</p>{}", facts, mark_safe(decision.context_html))

    def item_link(self, decision: Decision) -> str:
        return decision.get_absolute_url()

    def item_categories(self, decision: Decision) -> list[str]:
        return [DecisionStatus(decision.status).label, *(area.name for area in decision.areas.all())]

    def item_pubdate(self, decision: Decision) -> datetime.datetime:
        return decision.created_at

    def item_updateddate(self, decision: Decision) -> datetime.datetime:
        return decision.updated_at
