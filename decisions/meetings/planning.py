"""Planned meetings: a meeting of a series made ahead of its date, holding only an agenda.

A series meets once a day (meeting_one_per_series_day), so a planned meeting is that day's
meeting: items are appended to its agenda, and the notes, when they come (an import or the new
notes page), are saved over it like over any meeting of that day (decisions.meetings.saving),
keeping the planned agenda when the notes bring none.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions.markdown.fields import prerender
from decisions.models import Meeting, MeetingSeries

ATTEMPTS = 3


class NotPlannable(Exception):
    """The day cannot take a planned agenda item (past, or its notes are already taken)."""


def planned_title(series: MeetingSeries, date: datetime.date) -> str:
    return f"{series.name}, {date:%B} {date.day}, {date.year}"


def add_to_agenda(
    series: MeetingSeries, date: datetime.date, item: str, *, user: Any = None, marker: str = ""
) -> tuple[Meeting, bool]:
    """Append `item` (one Markdown list line) to the agenda of the series' planned meeting that
    day, making the meeting when there is none. Returns (meeting, added): False when an item
    containing `marker` is on the agenda already.

    The agenda is rendered before each write (render first, then write) and the write claims
    the meeting's version, so two people adding items at once both land: the later one reads
    the agenda again and retries.
    """
    if date < timezone.localdate():
        raise NotPlannable(f"{date:%Y-%m-%d} is past: a planned meeting is ahead of its date.")
    for _ in range(ATTEMPTS):
        meeting = (
            Meeting.objects.select_related("series").filter(series=series, date=date, session="").first()
        )
        if meeting is not None and not meeting.planned:
            raise NotPlannable(
                f"{meeting} already has its notes; link the record to it from the record's editor instead."
            )
        if meeting is not None and marker and marker in meeting.agenda:
            return meeting, False
        if meeting is None:
            meeting = Meeting(
                series=series,
                date=date,
                title=planned_title(series, date),
                planned=True,
                agenda=item,
                submitted_by=user if getattr(user, "is_authenticated", False) else None,
            )
            prerender(meeting)
            try:
                with transaction.atomic():
                    meeting.save()
            except IntegrityError:  # someone planned that day in between: append to theirs
                continue
            return meeting, True
        version = meeting.version
        meeting.agenda = f"{meeting.agenda.rstrip()}\n{item}".lstrip()
        prerender(meeting)
        with transaction.atomic():
            if not meeting.claim_version(version):
                continue
            meeting.save(update_fields=["agenda", "agenda_html"])
        return meeting, True
    raise NotPlannable("The agenda kept changing while adding the item; try again.")
