"""Atom feeds of RFCs, RFC status changes, decision records, meetings and action items.

Each entry's id is its absolute permalink (Django's default when `item_guid` is not set): it is
stable across edits, so a reader updates a changed entry instead of showing it twice. Status
changes link to the RFC history with a fragment per change, which keeps their ids unique.
Descriptions are escaped plain text or HTML already sanitized and stored on the row; nothing is
rendered from Markdown here. Every feed runs a fixed number of queries for its 50 entries.
Every string is written without C0 control characters: XML 1.0 cannot carry them, and one
stored in a title would otherwise turn the whole feed into a server error.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from decisions.models import (
    RFC,
    ActionItem,
    Decision,
    DecisionOwner,
    DecisionStatus,
    Meeting,
    RFCStatus,
    RFCStatusChange,
    Topic,
)
from decisions.records.forms import DecisionFilterForm
from decisions.rfcs.forms import RFCFilterForm
from decisions.text import strip_controls

FEED_LENGTH = 50


def _start_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """Feeds want datetimes; a date-only field is taken as midnight UTC of that day."""
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _names(people: object) -> str:
    return ", ".join(person.name for person in people) or "none"


def _without_controls(value: Any) -> Any:
    """Strings (and lists of them, like categories) as XML 1.0 can carry them."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return type(value)(_without_controls(item) for item in value)
    return value


class ControlFreeAtom1Feed(Atom1Feed):
    """Atom that drops C0 control characters from whatever the records hold (stored before they
    were refused on input, or written to the database directly)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *(_without_controls(arg) for arg in args),
            **{key: _without_controls(value) for key, value in kwargs.items()},
        )

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(
            *(_without_controls(arg) for arg in args),
            **{key: _without_controls(value) for key, value in kwargs.items()},
        )


class _AtomFeed(Feed):
    feed_type = ControlFreeAtom1Feed

    @method_decorator(require_safe)
    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        """A feed only reads, so other methods get 405 like every other read-only URL."""
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> QueryDict:
        """The query string: list feeds take the same filters as their list page."""
        return request.GET


class RFCFeed(_AtomFeed):
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


class RFCStatusFeed(_AtomFeed):
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


class DecisionFeed(_AtomFeed):
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


class MeetingFeed(_AtomFeed):
    """Meeting notes as they are added, with their topics."""

    title = "Meeting notes"
    subtitle = "Notes of the project calls, split into topics, remarks and action items."

    def link(self) -> str:
        return reverse("decisions:meeting-list")

    def items(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.for_list()
            .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("meeting", "order", "title")))
            .annotate(attendee_count=Count("attendees", distinct=True))
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, meeting: Meeting) -> str:
        day = meeting.date.isoformat()
        # Imported notes usually carry the date in the title already.
        return meeting.title if day in meeting.title else f"{meeting.title} ({day})"

    def item_description(self, meeting: Meeting) -> str:
        topics = [topic.title for topic in meeting.topics.all()]
        text = f"{meeting.series.name}, {meeting.date.isoformat()}, {meeting.attendee_count} attendees."
        if topics:
            text += f" Topics: {'; '.join(topics)}."
        return escape(text)

    def item_link(self, meeting: Meeting) -> str:
        return meeting.get_absolute_url()

    def item_categories(self, meeting: Meeting) -> list[str]:
        return [meeting.series.name]

    def item_pubdate(self, meeting: Meeting) -> datetime.datetime:
        return meeting.created_at


class ActionItemFeed(_AtomFeed):
    """New action items, newest first, for people who follow the project in a feed reader."""

    title = "New action items"
    subtitle = "Commitments made in the project's meetings."

    def link(self) -> str:
        return reverse("decisions:action-item-list")

    def items(self) -> QuerySet[ActionItem]:
        return ActionItem.objects.select_related("owner", "meeting__series").order_by("-created_at", "-pk")[
            :FEED_LENGTH
        ]

    def item_title(self, item: ActionItem) -> str:
        owner = item.owner.name if item.owner else item.owner_name or "Unassigned"
        return f"{owner}: {item.text[:80]}"

    def item_description(self, item: ActionItem) -> str:
        where = f" (from {item.meeting})" if item.meeting else ""
        return escape(f"{item.text}{where}")

    def item_link(self, item: ActionItem) -> str:
        """The item's own row (its id is the entry's id), on its meeting page when it has one."""
        page = item.meeting.get_absolute_url() if item.meeting else reverse("decisions:action-item-list")
        return f"{page}#action-item-{item.pk}"

    def item_pubdate(self, item: ActionItem) -> datetime.datetime:
        return item.created_at
