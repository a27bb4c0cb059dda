"""Meetings for machines: the JSON list and detail under /api/meetings/."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from decisions.api.plumbing import (
    absolute,
    addresses,
    api_view,
    checked,
    decision_ref,
    get_or_404,
    paginated,
    person_data,
    rfc_ref,
    shared,
)
from decisions.meetings.forms import MeetingFilterForm
from decisions.models import Meeting, Remark


def meeting_summary(request: HttpRequest, meeting: Meeting) -> dict:
    """A meeting as the list shows it; needs `topic_count` and `attendee_count`."""
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "date": meeting.date,
        "series": {"name": meeting.series.name, "slug": meeting.series.slug},
        "topic_count": meeting.topic_count,
        "attendee_count": meeting.attendee_count,
        **addresses(request, meeting, "meeting-api-detail", meeting.pk),
    }


@api_view
@shared
def meeting_list(request: HttpRequest) -> JsonResponse:
    form = checked(MeetingFilterForm(request.GET))
    meetings = Meeting.objects.for_list().annotate(
        topic_count=Count("topics", distinct=True, filter=Q(topics__loose=False)),
        attendee_count=Count("attendees", distinct=True),
    )
    rows = form.filter(meetings).order_by("-date", "series__name", "title", "pk")
    return paginated(request, rows, meeting_summary)


def _speaker(request: HttpRequest, name: str, slug: str | None) -> dict:
    url = absolute(request, reverse("decisions:person-detail", args=[slug])) if slug else None
    return {"name": name, "slug": slug, "url": url}


def _topics_with_speakers(request: HttpRequest, meeting: Meeting) -> tuple[list[dict], list[dict]]:
    """Topics with their remark counts and speakers, and the meeting's speakers: two queries."""
    remarks = (
        Remark.objects.filter(topic__meeting=meeting)
        .order_by("topic__order", "order")
        .values_list("topic_id", "speaker__name", "speaker__slug", "speaker_name")
    )
    counts: dict[int, int] = {}
    by_topic: dict[int, dict[str, dict]] = {}
    everyone: dict[str, dict] = {}
    for topic_id, person_name, slug, written in remarks:
        counts[topic_id] = counts.get(topic_id, 0) + 1
        name = person_name or written
        if name:
            speaker = everyone.setdefault(slug or name, _speaker(request, name, slug))
            by_topic.setdefault(topic_id, {}).setdefault(slug or name, speaker)
    topics = [
        {
            "order": topic.order,
            "title": topic.title,
            "anchor": topic.html_id,
            "url": absolute(request, f"{meeting.get_absolute_url()}#{topic.html_id}"),
            "remark_count": counts.get(topic.pk, 0),
            "speakers": list(by_topic.get(topic.pk, {}).values()),
            "loose": topic.loose,
        }
        for topic in meeting.topics.only("meeting", "order", "title", "anchor", "loose")
    ]
    return topics, list(everyone.values())


@api_view
def meeting_detail(request: HttpRequest, pk: int) -> JsonResponse:
    meetings = Meeting.objects.select_related("series").prefetch_related("attendees")
    meeting = get_or_404(meetings, f"There is no meeting {pk}.", pk=pk)
    topics, speakers = _topics_with_speakers(request, meeting)
    attendees = [person_data(request, person) for person in meeting.attendees.all()]
    items = meeting.action_items.select_related("owner", "decision").defer(
        "decision__context", "decision__context_html", "decision__rationale_html"
    )
    data = {
        **meeting_summary(request, _counted(meeting, sum(not t["loose"] for t in topics), len(attendees))),
        "agenda_html": meeting.agenda_html,
        "notes": meeting.source_text,
        "attendees": attendees,
        "speakers": speakers,
        "topics": topics,
        "action_items": [
            {
                "id": item.pk,
                "owner": person_data(request, item.owner),
                "owner_name": item.owner_name,
                "text": item.text,
                "due_on": item.due_on,
                "status": item.status,
                "decision": decision_ref(request, item.decision) if item.decision else None,
            }
            for item in items
        ],
        "links": [{"url": link.url, "text": link.text} for link in meeting.links.all()],
        "rfcs": [rfc_ref(request, r) for r in meeting.rfcs.only("number", "title", "status")],
        "decisions": [
            decision_ref(request, d) for d in meeting.decisions.only("number", "title", "status").distinct()
        ],
    }
    return JsonResponse(data)


def _counted(meeting: Meeting, topic_count: int, attendee_count: int) -> Meeting:
    meeting.topic_count, meeting.attendee_count = topic_count, attendee_count
    return meeting
