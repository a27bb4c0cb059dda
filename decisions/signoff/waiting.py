""" "Waiting on me": what a person has to do, at /me/ and on each person page.

Positions to give (open motions asking a team of theirs, with no position of theirs yet),
concerns raised against their records (open concerns on motions of RFCs they wrote or shepherd
and of decisions they own or drive), action items due within a week or overdue, and decisions
they own or drive that have no outcome yet. Five queries, whatever the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from decisions.models import (
    ActionItem,
    Concern,
    Decision,
    DecisionOwner,
    DecisionStatus,
    Motion,
    MotionState,
    OwnerRole,
    Person,
)
from decisions.people.linking import person_for

DUE_WITHIN = datetime.timedelta(days=7)


@dataclass
class Waiting:
    positions: list[Motion]
    concerns: list[Concern]
    action_items: list[ActionItem]
    decisions: list[Decision]

    @property
    def count(self) -> int:
        return len(self.positions) + len(self.concerns) + len(self.action_items) + len(self.decisions)


def waiting_on(
    person: Person,
    today: datetime.date,
    *,
    open_items: list[ActionItem] | None = None,
    ownerships: list[DecisionOwner] | None = None,
) -> Waiting:
    """What `person` has to do. A page that has already read the person's open action items or
    their ownerships (with each decision) passes them in, and those two queries are not run again."""
    positions = list(
        Motion.objects.filter(state__in=MotionState.open(), teams__members=person)
        .exclude(positions__person=person)
        .select_related("rfc", "decision")
        .distinct()
        .order_by("fcp_ends_at", "proposed_at")
    )
    mine = (
        Q(motion__rfc__authors=person)
        | Q(motion__rfc__shepherd=person)
        | Q(motion__decision__ownerships__person=person, motion__decision__ownerships__role__in=[
            OwnerRole.OWNER, OwnerRole.DRIVER])
    )  # fmt: skip
    concerns = list(
        Concern.objects.filter(mine, resolved_at=None, motion__state__in=MotionState.open())
        .select_related("motion__rfc", "motion__decision", "raised_by")
        .distinct()
        .order_by("raised_at")
    )
    due = today + DUE_WITHIN
    if open_items is None:
        items = list(
            person.action_items.open()
            .filter(due_on__lte=due)
            .select_related("meeting__series", "decision")
            .order_by("due_on", "pk")
        )
    else:
        items = sorted(
            (item for item in open_items if item.due_on is not None and item.due_on <= due),
            key=lambda item: (item.due_on, item.pk),
        )
    leading = [OwnerRole.OWNER, OwnerRole.DRIVER]
    if ownerships is None:
        decisions = list(
            Decision.objects.open()
            .filter(ownerships__person=person, ownerships__role__in=leading)
            .distinct()
            .order_by("-number")
        )
    else:
        undecided = {DecisionStatus.OPEN, DecisionStatus.PROPOSED}  # DecisionQuerySet.open()
        chosen = {
            o.decision.pk: o.decision
            for o in ownerships
            if o.role in leading and o.decision.status in undecided
        }
        decisions = sorted(chosen.values(), key=lambda decision: -decision.number)
    return Waiting(positions, concerns, items, decisions)


@login_required
@require_safe
def me(request: HttpRequest) -> HttpResponse:
    """The signed-in person's "Waiting on me"; an account linked to nobody is told how to be."""
    person = person_for(request.user)
    today = timezone.localdate()
    context = {"person": person, "waiting": waiting_on(person, today) if person else None, "today": today}
    return render(request, "decisions/me.html", context)
