"""The person page: what someone wrote, owns, attended, said and still has to do."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from decisions.caching import fragments
from decisions.caching.fragments import reads_state
from decisions.caching.pageframe import render_page
from decisions.models import RFC, ActionItem, ActionItemStatus, Meeting, Person, Remark, Topic
from decisions.permissions import held_role
from decisions.signoff.waiting import waiting_on


def _count(rows: QuerySet, link: str) -> Coalesce:
    """COUNT(*) of `rows` whose `link` is the person, as a column of the person's own query."""
    counted = rows.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def _person(slug: str) -> Person | None:
    """The person with their three counts, which ride on their own query (the page's query count
    stays under ten)."""
    return (
        Person.objects.annotate(
            closed_item_count=_count(ActionItem.objects.exclude(status=ActionItemStatus.OPEN), "owner"),
            attendance=_count(Meeting.attendees.through.objects, "person"),
            remark_count=_count(Remark.objects, "speaker"),
        )
        .filter(slug=slug)
        .first()
    )


@require_safe
@reads_state
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Kept under the data state: built again before any write, the page runs no query at all.
    # Read only when the page is not kept whole (decisions.caching.pageframe): a kept page needs
    # no person (rendered, it was found under this very state).
    person = SimpleLazyObject(
        lambda: _found(fragments.cached(request, "person", (slug,), lambda: _person(slug)), slug)
    )
    # Built only when a fragment is not in the cache: even an unrun query costs its Python.
    spoke_in = SimpleLazyObject(
        lambda: list(
            Topic.objects.filter(remarks__speaker=person)
            .select_related("meeting__series")
            .annotate(remark_count=Count("remarks", filter=Q(remarks__speaker=person)))
            .order_by("-meeting__date", "order")[:30]
        )
    )
    # Read only when a fragment is not in the cache (decisions.caching.fragments): a cached page
    # runs the person's query alone.
    ownerships = SimpleLazyObject(lambda: list(person.ownerships.select_related("decision")))
    # The RFCs they wrote and the ones they shepherd, in one query.
    rfcs = SimpleLazyObject(
        lambda: list(
            RFC.objects.filter(Q(authors=person) | Q(shepherd=person))
            .annotate(
                is_author=Exists(RFC.authors.through.objects.filter(rfc_id=OuterRef("pk"), person=person))
            )
            .only("series", "number", "title", "status", "shepherd")
            .distinct()
        )
    )
    open_items = SimpleLazyObject(
        lambda: list(person.action_items.open().select_related("meeting__series", "decision", "owner"))
    )
    today = timezone.localdate()
    context = {
        "person": person,
        "ownerships": ownerships,
        "open_items": open_items,
        "authored": SimpleLazyObject(lambda: [rfc for rfc in rfcs if rfc.is_author]),
        "shepherded": SimpleLazyObject(lambda: [rfc for rfc in rfcs if rfc.shepherd_id == person.pk]),
        "meetings": SimpleLazyObject(
            lambda: list(person.meetings_attended.select_related("series").order_by("-date")[:12])
        ),
        "spoke_in": spoke_in,
        "teams": SimpleLazyObject(lambda: list(person.teams.all())),
        # Whose action items get status buttons: every one for an editor, else the reader's own.
        "items_key": "all" if held_role(request.user, "action-item.status") else request.user.pk,
        "waiting": SimpleLazyObject(
            lambda: waiting_on(person, today, open_items=list(open_items), ownerships=list(ownerships))
        ),
    }
    # What differs between readers: the action items' status buttons (and the address their
    # forms return to, which the frame's key holds).
    context["body_vary"] = (context["items_key"],)
    return render_page(request, "decisions/person_detail.html", context, first=lambda: person.pk)


def _found(person: Person | None, slug: str) -> Person:
    if person is None:
        raise Http404(f"No person {slug}.")
    return person
