"""Atom feeds of sign-off: every motion's events, and one person's (what the outbox holds for them).

The outbox has a row per event and person; the motions feed shows each event once (its first
row), the person feed that person's rows, so a reader who turned e-mail off still follows.
"""

from __future__ import annotations

import datetime

from django.db.models import Min, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from decisions.feeds import FEED_LENGTH, AtomFeed
from decisions.models import MotionEvent, Person


class MotionEventFeed(AtomFeed):
    """Every sign-off event: motions proposed, concerns raised and resolved, periods started and ended."""

    title = "Sign-off: motions and their events"
    subtitle = "Motions proposed and withdrawn, concerns raised and resolved, final comment periods."

    def link(self) -> str:
        return reverse("decisions:motion-list")

    def items(self, query: object) -> QuerySet[MotionEvent]:
        firsts = MotionEvent.objects.values("key").annotate(first=Min("pk")).values("first")
        return (
            MotionEvent.objects.filter(pk__in=firsts)
            .select_related("motion")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, event: MotionEvent) -> str:
        return event.text

    def item_description(self, event: MotionEvent) -> str:
        return event.get_kind_display()

    def item_link(self, event: MotionEvent) -> str:
        return event.motion.get_absolute_url()

    def item_guid(self, event: MotionEvent) -> str:
        # The event's key is stable and unique; the motion's page is shared by all its events.
        return f"{event.motion.get_absolute_url()}#event-{event.key.replace(':', '-')}"

    item_guid_is_permalink = False

    def item_categories(self, event: MotionEvent) -> list[str]:
        return [event.get_kind_display()]

    def item_pubdate(self, event: MotionEvent) -> datetime.datetime:
        return event.created_at


class PersonMotionEventFeed(MotionEventFeed):
    """The sign-off events one person is told of."""

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Person:  # type: ignore[override]
        return get_object_or_404(Person, slug=kwargs["slug"])

    def title(self, person: Person) -> str:  # type: ignore[override]
        return f"Sign-off events for {person.name}"

    def subtitle(self, person: Person) -> str:  # type: ignore[override]
        return f"Motions, positions asked, concerns and final comment periods {person.name} is told of."

    def link(self, person: Person) -> str:  # type: ignore[override]
        return person.get_absolute_url()

    def items(self, person: Person) -> QuerySet[MotionEvent]:  # type: ignore[override]
        return person.motion_events.select_related("motion").order_by("-created_at", "-pk")[:FEED_LENGTH]
