"""The RFC feeds: new and changed RFCs (with the list's filters), and every status change."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape

from decisions.feeds import FEED_LENGTH, AtomFeed
from decisions.models import RFC, RFCStatus, RFCStatusChange
from decisions.rfcs.forms import RFCFilterForm


def _start_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """Feeds want datetimes; a date-only field is taken as midnight UTC of that day."""
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _names(people: object) -> str:
    return ", ".join(person.name for person in people) or "none"


class RFCFeed(AtomFeed):
    """New and changed RFCs, most recently changed first; `?status=` etc. as on /rfcs/."""

    title = "RFCs: new and changed"
    subtitle = "Proposals for substantial changes, from draft to implemented."

    def link(self) -> str:
        return reverse("decisions:rfc-list")

    def items(self, query: QueryDict) -> QuerySet[RFC]:
        rfcs = RFCFilterForm(query).filter(RFC.objects.for_list())
        return rfcs.order_by("-updated_at", "-number")[:FEED_LENGTH]

    def item_title(self, rfc: RFC) -> str:
        return f"{rfc.label}: {rfc.title} ({rfc.get_status_display()})"

    def item_description(self, rfc: RFC) -> str:
        return escape(
            f"Status: {rfc.get_status_display()}. Authors: {_names(rfc.authors.all())}. "
            f"Areas: {_names(rfc.areas.all())}."
        )

    def item_link(self, rfc: RFC) -> str:
        return rfc.get_absolute_url()

    def item_author_name(self, rfc: RFC) -> str | None:
        return _names(rfc.authors.all()) if rfc.authors.all() else None

    def item_categories(self, rfc: RFC) -> list[str]:
        return [area.name for area in rfc.areas.all()]

    def item_pubdate(self, rfc: RFC) -> datetime.datetime | None:
        return _start_of_day(rfc.created_on)

    def item_updateddate(self, rfc: RFC) -> datetime.datetime:
        return rfc.updated_at


class RFCStatusFeed(AtomFeed):
    """Every RFC status change, newest first: the feed to follow for FCPs and acceptances."""

    title = "RFC status changes"
    subtitle = "RFCs entering draft, final comment period, acceptance and beyond."

    def link(self) -> str:
        return reverse("decisions:rfc-list")

    def items(self) -> QuerySet[RFCStatusChange]:
        return (
            RFCStatusChange.objects.select_related("rfc")
            .defer("rfc__body", "rfc__body_html", "rfc__toc")
            .order_by("-changed_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, change: RFCStatusChange) -> str:
        to = RFCStatus(change.to_status).label
        if not change.from_status:
            return f"{change.rfc.label}: {change.rfc.title} is new ({to})"
        return f"{change.rfc.label}: {change.rfc.title}: {RFCStatus(change.from_status).label} → {to}"

    def item_description(self, change: RFCStatusChange) -> str:
        moved = (
            f"Moved from {RFCStatus(change.from_status).label} to {RFCStatus(change.to_status).label}."
            if change.from_status
            else f"Created as {RFCStatus(change.to_status).label}."
        )
        return escape(f"{moved} {change.note}".strip())

    def item_link(self, change: RFCStatusChange) -> str:
        return f"{change.rfc.history_url}#status-change-{change.pk}"

    def item_pubdate(self, change: RFCStatusChange) -> datetime.datetime:
        return change.changed_at
