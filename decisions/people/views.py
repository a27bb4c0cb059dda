"""The person page: what someone wrote, owns, attended, said and still has to do."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from decisions.models import ActionItemStatus, Person, Topic
from decisions.signoff.waiting import waiting_on


@require_safe
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    spoke_in = (
        Topic.objects.filter(remarks__speaker=person)
        .select_related("meeting__series")
        .annotate(remark_count=Count("remarks", filter=Q(remarks__speaker=person)))
        .order_by("-meeting__date", "order")[:30]
    )
    context = {
        "person": person,
        "authored": list(person.rfcs_authored.only("number", "title", "status")),
        "shepherded": list(person.rfcs_shepherded.only("number", "title", "status")),
        "ownerships": list(person.ownerships.select_related("decision")),
        "open_items": list(person.action_items.open().select_related("meeting__series", "decision", "owner")),
        "closed_item_count": person.action_items.exclude(status=ActionItemStatus.OPEN).count(),
        "meetings": list(person.meetings_attended.select_related("series").order_by("-date")[:12]),
        "attendance": person.meetings_attended.count(),
        "remark_count": person.remarks.count(),
        "spoke_in": list(spoke_in),
        "teams": list(person.teams.all()),
        "waiting": waiting_on(person, timezone.localdate()),
    }
    return render(request, "decisions/person_detail.html", context)
