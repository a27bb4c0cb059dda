"""References that resolve late: a record imported before the RFC, meeting or decision it cites.

The import keeps a PendingReference; saving the target later turns it into a real link.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from decisions.meetings.models import Meeting, Topic
from decisions.records.models import Decision, DecisionMeeting, PendingReference, ReferenceKind
from decisions.rfcs.models import RFC


def resolve_references_to_rfc(sender: type, instance: RFC, **kwargs: Any) -> None:
    for pending in PendingReference.objects.filter(kind=ReferenceKind.RFC, key=instance.reference):
        pending.decision.related_rfcs.add(instance)
        pending.delete()


def _resolve_meeting_references(meeting: Meeting, topic: Topic | None = None) -> None:
    """Link pending references to this meeting; one naming a topic waits until that topic exists."""
    key = f"{meeting.date:%Y-%m-%d}/{meeting.series.slug}"
    pending_refs = PendingReference.objects.filter(kind=ReferenceKind.MEETING, key=key)
    for pending in pending_refs.filter(topic=topic.title if topic else ""):
        DecisionMeeting.objects.get_or_create(decision=pending.decision, meeting=meeting, topic=topic)
        pending.delete()


def resolve_references_to_meeting(sender: type, instance: Meeting, **kwargs: Any) -> None:
    _resolve_meeting_references(instance)


def resolve_references_to_topic(sender: type, instance: Topic, **kwargs: Any) -> None:
    _resolve_meeting_references(instance.meeting, instance)


def resolve_references_to_decision(sender: type, instance: Decision, **kwargs: Any) -> None:
    for pending in PendingReference.objects.filter(kind=ReferenceKind.DECISION, key=str(instance.number)):
        Decision.objects.filter(pk=pending.decision_id).update(supersedes=instance)
        pending.delete()


def connect() -> None:
    post_save.connect(resolve_references_to_rfc, sender=RFC, dispatch_uid="references-rfc")
    post_save.connect(resolve_references_to_meeting, sender=Meeting, dispatch_uid="references-meeting")
    post_save.connect(resolve_references_to_topic, sender=Topic, dispatch_uid="references-topic")
    post_save.connect(resolve_references_to_decision, sender=Decision, dispatch_uid="references-decision")
