"""The drafting link in the APIs: `drafted_from` in an RFC, `drafted_rfcs` in a decision record."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from decisions.api.plumbing import decision_ref, rfc_ref
from decisions.drafted.models import DraftedRFC
from decisions.drafted.pages import state
from decisions.models import RFC, Decision
from decisions.sources.links import record_home
from decisions.sources.models import RecordKind


def rfc_drafted_from(request: HttpRequest, rfc: RFC) -> dict[str, Any] | None:
    """The decision the RFC was drafted from, and the state of its generated block (two queries
    when there is one, one when not)."""
    link = DraftedRFC.objects.select_related("decision").filter(rfc=rfc).first()
    if link is None:
        return None
    home = record_home(RecordKind.RFC, rfc.pk)
    return {
        **decision_ref(request, link.decision),
        # "in sync", "edited" (by the author, nothing newer yet), "conflict", "missing" (markers
        # gone), "held in repository" or "too large"; `pending`: the block the site did not write.
        "block": state(rfc.body, link.generated, link.pending, bool(home and home.read_only)),
        "pending": link.pending or None,
        "synced_at": link.synced_at,
    }


def decision_drafted_rfcs(request: HttpRequest, decision: Decision) -> list[dict[str, Any]]:
    """The RFCs drafted from the decision, by number (one query)."""
    links = (
        DraftedRFC.objects.filter(decision=decision)
        .select_related("rfc")
        .order_by("rfc__series", "rfc__number")
    )
    return [
        {**rfc_ref(request, link.rfc), "block_waiting": bool(link.pending)}
        for link in links.defer("rfc__body", "rfc__body_html", "rfc__toc")
    ]
