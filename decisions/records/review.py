"""Accepted decisions due for another look: `revisit_by`, the "due for review" list and its feed.

An accepted record may say when it should be looked at again (ADR practice: a decision made
under assumptions that expire). The list shows the ones whose date has come and the ones
coming within REVIEW_WINDOW_DAYS; the feed has an entry for each record on the day it falls due,
so a reader learns of it without visiting. Both are dated by the site's local day, which the
whole-page cache also keys on, so a page cached yesterday is never served today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from decisions.caching.fragments import reads_state
from decisions.feeds import AtomFeed
from decisions.records.models import Decision, DecisionOwner, DecisionStatus

REVIEW_WINDOW_DAYS = 30
LIST_LENGTH = 200


def is_due(decision: Decision, today: datetime.date) -> bool:
    """True when an accepted decision's revisit date has come."""
    return (
        decision.status == DecisionStatus.ACCEPTED
        and decision.revisit_by is not None
        and decision.revisit_by <= today
    )


def _reviewable() -> QuerySet[Decision]:
    return (
        Decision.objects.filter(status=DecisionStatus.ACCEPTED, revisit_by__isnull=False)
        .select_related("chosen_option")
        .prefetch_related(Prefetch("ownerships", queryset=DecisionOwner.objects.select_related("person")))
        .only("number", "title", "status", "revisit_by", "decided_on", "chosen_option__name", "updated_at")
    )


@dataclass
class Review:
    today: datetime.date
    due: list[Decision]
    coming: list[Decision]


def review(today: datetime.date) -> Review:
    """Due (oldest date first) and coming within the window, at most LIST_LENGTH of each."""
    due = list(_reviewable().filter(revisit_by__lte=today).order_by("revisit_by", "number")[:LIST_LENGTH])
    horizon = today + datetime.timedelta(days=REVIEW_WINDOW_DAYS)
    coming = list(
        _reviewable()
        .filter(revisit_by__gt=today, revisit_by__lte=horizon)
        .order_by("revisit_by", "number")[:LIST_LENGTH]
    )
    return Review(today, due, coming)


@require_safe
@reads_state
def review_list(request: HttpRequest) -> HttpResponse:
    """/decisions/review/: accepted decisions due for review, and those due within the window.

    The same for everyone: the lists are a fragment cached under the data state and the day
    (decisions.caching.fragments), read only when that fragment is rendered."""
    today = timezone.localdate()
    context = {
        "review": SimpleLazyObject(lambda: review(today)),
        "window": REVIEW_WINDOW_DAYS,
        "limit": LIST_LENGTH,
        "coming_empty": f"Nothing falls due in the next {REVIEW_WINDOW_DAYS} days.",
    }
    return render(request, "decisions/decision_review.html", context)


class ReviewFeed(AtomFeed):
    """An entry per accepted decision whose revisit date has come, newest date first."""

    title = "Decision records due for review"
    subtitle = "Accepted decisions whose revisit-by date has come."

    def link(self) -> str:
        return reverse("decisions:decision-review")

    def items(self, query: QueryDict) -> QuerySet[Decision]:
        today = timezone.localdate()
        return _reviewable().filter(revisit_by__lte=today).order_by("-revisit_by", "-number")[:50]

    def item_title(self, decision: Decision) -> str:
        return f"Due for review: {decision.code}: {decision.title}"

    def item_description(self, decision: Decision) -> str:
        owners = ", ".join(ownership.person.name for ownership in decision.ownerships.all())
        chosen = decision.chosen_option.name if decision.chosen_option else "no option recorded"
        return format_html(
            "<p>Accepted{}: {}. Revisit by {}.{}</p>",
            f" on {decision.decided_on.isoformat()}" if decision.decided_on else "",
            chosen,
            decision.revisit_by.isoformat(),
            f" Owners: {owners}." if owners else "",
        )

    def item_link(self, decision: Decision) -> str:
        return decision.get_absolute_url()

    def item_guid(self, decision: Decision) -> str:
        # A new date is a new review: a reader shows it again rather than updating the old entry.
        return f"{decision.get_absolute_url()}#review-{decision.revisit_by.isoformat()}"

    def item_pubdate(self, decision: Decision) -> datetime.datetime:
        return datetime.datetime.combine(
            decision.revisit_by, datetime.time(), tzinfo=timezone.get_current_timezone()
        )

    def item_updateddate(self, decision: Decision) -> datetime.datetime:
        return self.item_pubdate(decision)
