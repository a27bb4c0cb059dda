"""manage.py import_meeting FILE: one file of meeting notes into the site, as one meeting."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser

from decisions.management.base import SiteCommand
from decisions.meetings.importing import FileResult, ImportProblem, import_file

VERBS = {
    "created": ("Created", "Would create"),
    "updated": ("Updated in place", "Would update in place"),
    "unchanged": ("Unchanged (the notes on the site are this file's)", "Would leave unchanged"),
}


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date {value!r}: give the date as YYYY-MM-DD") from error


class Command(SiteCommand):
    help = (
        "Parse one meeting-notes file and save it as a meeting with its topics, remarks, action items "
        "and links. Importing the same file again updates that meeting."
    )
    dry_run = True
    json_options = {"ensure_ascii": False}
    problems = (ImportProblem, OSError)

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a Markdown notes file")
        parser.add_argument("--series", help="meeting series name (default: from the file's folders)")
        parser.add_argument(
            "--date", type=_date, help="meeting date YYYY-MM-DD (default: file name, then notes)"
        )

    def run(self, options: dict[str, Any]) -> FileResult:
        return import_file(
            options["file"], series=options["series"], date=options["date"], dry_run=options["dry_run"]
        )

    def summary(self, result: FileResult, options: dict[str, Any]) -> None:
        parsed = result.parsed
        where = f"“{result.as_json()['title']}”, {result.series}, {result.date:%Y-%m-%d}"
        if result.outcome == "kept":
            self.stderr.write(result.kept_warning(options["dry_run"]))
            return
        self.stdout.write(f"{VERBS[result.outcome][options['dry_run']]} {where}")
        if result.previous_path:
            self.stdout.write(f"(it was imported from {result.previous_path})")
        if result.changes is not None:
            self.stdout.write(f"changes: {result.changes.summary()}")
        self.stdout.write(
            f"{len(parsed.attendees)} attendees, {len(parsed.speakers)} speakers, {len(parsed.topics)} topics, "
            f"{sum(len(t.remarks) for t in parsed.topics)} remarks, {len(parsed.action_items)} action items, "
            f"{len(parsed.links)} links"
        )
        for item in parsed.action_items:
            self.stdout.write(f"  [{'x' if item.done else ' '}] {item.owner or '(no owner)'}: {item.text}")
        for warning in parsed.warnings:
            self.stderr.write(f"warning: {warning}")
        for note in result.stale_corrections:
            self.stderr.write(f"warning: a correction made in the browser no longer applies: {note}")
        if result.meeting is not None:
            self.stdout.write(f"Saved as {result.as_json()['meeting']}")
