"""The existing importers, called file by file for a sync: one adapter per kind of record a source holds.

Each adapter says which files of a source's folder make records (units) and which it skips and
why, imports the units written to a temporary folder with the room's own per-file functions
(never a parser of its own), and tells the version of a stored record, so the sync can see that
a record was edited on the site since it last wrote it.
"""

from __future__ import annotations

from decisions.sources.importers.base import Adapter, Outcome, Unit
from decisions.sources.models import Holds


def adapter_for(holds: str) -> Adapter:
    if holds == Holds.RFCS:
        from decisions.sources.importers.rfcs import RFCAdapter

        return RFCAdapter()
    if holds == Holds.MEETINGS:
        from decisions.sources.importers.meetings import MeetingAdapter

        return MeetingAdapter()
    from decisions.sources.importers.records import DecisionAdapter

    return DecisionAdapter()


__all__ = ["Adapter", "Outcome", "Unit", "adapter_for"]
