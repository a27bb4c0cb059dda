"""The meeting feeds: notes as they are added, and new action items."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils.html import escape

from decisions.feeds import FEED_LENGTH, AtomFeed
from decisions.models import ActionItem, Meeting, Topic


class MeetingFeed(AtomFeed):
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


class ActionItemFeed(AtomFeed):
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
