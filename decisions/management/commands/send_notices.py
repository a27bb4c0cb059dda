"""manage.py send_notices: one delivery pass of the sign-off outbox, for cron.

The worker's task (decisions.signoff.tasks) does the same after every change; this is the safety
net for a queue that lost a task, and `--digest` sends the daily digests. Safe on several servers
at once: each row is claimed by one pass (decisions.signoff.notices).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from decisions.management.base import SiteCommand
from decisions.signoff.notices import Report, deliver


class Command(SiteCommand):
    help = "Send the sign-off notices that are due (with --digest: the daily digests)."

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--digest", action="store_true", help="send the digests of people who chose one")

    def run(self, options: dict[str, Any]) -> Report:
        return deliver(timezone.now(), digest=options["digest"])

    def as_json(self, result: Report, options: dict[str, Any]) -> Any:
        return result.as_json()

    def summary(self, result: Report, options: dict[str, Any]) -> None:
        for error in result.errors:
            self.stderr.write(f"not sent: {error}")
        what = (
            f"{result.digests} digest(s) with {result.events} event(s)"
            if options["digest"]
            else (f"{result.sent} message(s)")
        )
        self.stdout.write(f"Sent {what}; {result.skipped} not for e-mail; {result.failed} to try again.")
