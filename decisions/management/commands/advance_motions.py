"""manage.py advance_motions: the time-driven changes of sign-off (a final comment period's end).

Idempotent and safe to run every minute from cron or a systemd timer, on several servers at once
(decisions.signoff.flow.advance claims each change). Pages and writes advance a motion too, so
no page is out of date when the timer is late.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from decisions.management.base import SiteCommand
from decisions.signoff.flow import Change, advance


def moment(text: str) -> datetime.datetime:
    """An ISO 8601 time; one without an offset is read as UTC."""
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--now: {text!r} is not an ISO 8601 time, e.g. 2026-05-01T12:00:00Z") from error
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


class Command(SiteCommand):
    help = "Advance every open motion: start and end final comment periods, apply dispositions."

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=moment, help="act as if it were this ISO 8601 time (default: now)")

    def run(self, options: dict[str, Any]) -> tuple[datetime.datetime, list[Change]]:
        now = options["now"] or timezone.now()
        return now, advance(now)

    def as_json(self, result: tuple[datetime.datetime, list[Change]], options: dict[str, Any]) -> Any:
        now, changes = result
        return {"changed": [change.as_json() for change in changes], "now": now.isoformat()}

    def summary(self, result: tuple[datetime.datetime, list[Change]], options: dict[str, Any]) -> None:
        now, changes = result
        for change in changes:
            self.stdout.write(f"{change.record}: motion {change.motion} {change.before} -> {change.after}")
        self.stdout.write(f"{len(changes)} motion(s) changed at {now.isoformat()}.")
