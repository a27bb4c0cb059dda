"""MADR's, log4brains' and adr-tools' status words in this site's statuses."""

from __future__ import annotations

import re

from decisions.models import DecisionStatus

_WORDS = {
    "draft": DecisionStatus.OPEN,
    "open": DecisionStatus.OPEN,
    "proposed": DecisionStatus.PROPOSED,
    "accepted": DecisionStatus.ACCEPTED,
    "approved": DecisionStatus.ACCEPTED,
    "rejected": DecisionStatus.REJECTED,
    "declined": DecisionStatus.REJECTED,
    "deferred": DecisionStatus.DEFERRED,
    "on hold": DecisionStatus.DEFERRED,
    "postponed": DecisionStatus.DEFERRED,
    "deprecated": DecisionStatus.DEPRECATED,
    "superseded": DecisionStatus.SUPERSEDED,
}
_SUPERSEDED_BY = re.compile(r"^superseded\s+by\b[:\s]*(.*)$", re.IGNORECASE | re.DOTALL)


def status_from_madr(text: str) -> tuple[str | None, str, str]:
    """(status or None when unknown, what "superseded by" names, a note when a word was mapped)."""
    value = " ".join(text.split()).strip(" .")
    match = _SUPERSEDED_BY.match(value)
    if match:
        return DecisionStatus.SUPERSEDED, match[1], ""
    key = value.casefold()
    if key in _WORDS:
        status = _WORDS[key]
        note = "" if key == status else f"status {value!r} kept as {status}"
        return status, "", note
    return None, "", ""
