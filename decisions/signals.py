"""Model signals: Markdown for rows written raw by `loaddata`, and references that resolve late.

`loaddata` saves raw and skips Model.save(), so its rows are rendered here. A decision imported
before the RFC, meeting or decision it cites keeps a PendingReference; saving the target turns it
into a real link.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from decisions.models import (
    RFC,
    Decision,
    DecisionMeeting,
    MarkdownFieldsMixin,
    Meeting,
    PendingReference,
    ReferenceKind,
    Topic,
)


@receiver(post_save)
def render_markdown_of_raw_rows(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw or not isinstance(instance, MarkdownFieldsMixin) or not instance.markdown_is_stale():
        return
    changed = instance.render_markdown()
    if changed:
        sender._default_manager.using(kwargs.get("using")).filter(pk=instance.pk).update(
            **{name: getattr(instance, name) for name in changed}
        )


@receiver(post_save, sender=RFC)
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


@receiver(post_save, sender=Meeting)
def resolve_references_to_meeting(sender: type, instance: Meeting, **kwargs: Any) -> None:
    _resolve_meeting_references(instance)


@receiver(post_save, sender=Topic)
def resolve_references_to_topic(sender: type, instance: Topic, **kwargs: Any) -> None:
    _resolve_meeting_references(instance.meeting, instance)


@receiver(post_save, sender=Decision)
def resolve_references_to_decision(sender: type, instance: Decision, **kwargs: Any) -> None:
    for pending in PendingReference.objects.filter(kind=ReferenceKind.DECISION, key=str(instance.number)):
        Decision.objects.filter(pk=pending.decision_id).update(supersedes=instance)
        pending.delete()
