"""`manage.py check --database default`: meetings the one-meeting-per-day migration left to merge."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning
from django.db import DatabaseError

# The session migration 0012 gave the later meetings of a day that had several.
DUPLICATE_PREFIX = "duplicate "


def duplicate_days(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Warning]:
    """One warning per meeting marked "duplicate N", naming the meeting to merge it into."""
    if not databases:
        return []
    from decisions.models import Meeting

    try:
        # Only the columns this check reads: it also runs on a database migrated halfway, before
        # later migrations add theirs.
        marked = list(
            Meeting.objects.filter(session__startswith=DUPLICATE_PREFIX)
            .select_related("series")
            .only("title", "date", "session", "series__name")
            .order_by("series__name", "date", "pk")[:100]
        )
        firsts = {
            (series, date): pk
            for series, date, pk in Meeting.objects.filter(
                session="", series__in={m.series_id for m in marked}, date__in={m.date for m in marked}
            ).values_list("series_id", "date", "pk")
        }
    except DatabaseError:  # before the migration that adds sessions (migrate runs checks first)
        return []
    return [
        Warning(
            f"Meeting {meeting.pk} “{meeting.title}” is a second meeting of {meeting.series.name} on "
            f"{meeting.date:%Y-%m-%d}.",
            hint=(
                f"Merge what it adds into /meetings/{firsts.get((meeting.series_id, meeting.date), '?')}/ "
                f"and delete it in the admin, or give it a real session name (e.g. “evening”) there."
            ),
            obj=meeting,
            id="decisions.W001",
        )
        for meeting in marked
    ]
