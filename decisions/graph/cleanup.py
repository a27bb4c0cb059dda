"""A record's stated links go when the record goes (they name it by kind and id, not by a key)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_delete

from decisions.graph.models import Link, NodeKind


def _forget(kind: str) -> Any:
    def receiver(sender: type, instance: Any, **kwargs: Any) -> None:
        Link.objects.filter(
            Q(from_kind=kind, from_id=instance.pk) | Q(to_kind=kind, to_id=instance.pk)
        ).delete()

    return receiver


_RECEIVERS: list[Any] = []


def connect() -> None:
    """Called from apps.ready()."""
    from decisions.meetings.models import Meeting
    from decisions.precedents.models import Precedent
    from decisions.records.models import Decision
    from decisions.rfcs.models import RFC

    for model, kind in (
        (RFC, NodeKind.RFC),
        (Decision, NodeKind.DECISION),
        (Meeting, NodeKind.MEETING),
        (Precedent, NodeKind.PRECEDENT),
    ):
        receiver = _forget(kind)
        _RECEIVERS.append(receiver)  # signals hold weak references
        post_delete.connect(receiver, sender=model, dispatch_uid=f"decisions.graph.forget.{kind}")
