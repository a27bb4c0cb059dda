"""manage.py import_meetings DIR: every dated notes file below DIR (DESIGN.md 5)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.management.progress import progress_line
from decisions.meetings.importing import FolderReport, ImportProblem, import_folder


class Command(BaseCommand):
    help = (
        "Import every dated meeting-notes file below DIR, each in its own transaction. READMEs, "
        "templates and undated files are skipped; a file that fails is reported and the rest import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="folder of notes, e.g. a clone of bytecodealliance/meetings")
        parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = progress_line(options["json"])

        try:
            report = import_folder(options["dir"], dry_run=options["dry_run"], progress=progress)
        except ImportProblem as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            self._summary(report)

    def _summary(self, report: FolderReport) -> None:
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {report.imported} meeting(s) ({report.created} new, {report.updated} updated) in "
            f"{report.seconds:.1f} s: {report.topics} topics, {report.remarks} remarks, "
            f"{report.action_items} action items, {report.speakers} distinct speakers."
        )
        self.stdout.write(f"Skipped {len(report.skipped)} file(s) that are not dated meeting notes.")
        for path, reason in report.refused:
            self.stderr.write(f"refused: {path}: {reason}")
        for path, error in report.failed:
            self.stderr.write(f"failed: {error if error.startswith(path) else f'{path}: {error}'}")
        if report.failed:
            self.stderr.write(f"{len(report.failed)} file(s) failed; the others were imported.")
