"""manage.py import_meetings DIR: every dated notes file below DIR, each as one meeting."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from decisions.management.base import SiteCommand
from decisions.meetings.importing import FolderReport, ImportProblem, import_folder


class Command(SiteCommand):
    help = (
        "Import every dated meeting-notes file below DIR, each in its own transaction. READMEs, "
        "templates and undated files are skipped; a file that fails is reported and the rest import."
    )
    dry_run = True
    json_options = {"ensure_ascii": False}
    problems = (ImportProblem,)

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="folder of notes, e.g. a clone of bytecodealliance/meetings")

    def run(self, options: dict[str, Any]) -> FolderReport:
        return import_folder(options["dir"], dry_run=options["dry_run"], progress=self.progress())

    def summary(self, report: FolderReport, options: dict[str, Any]) -> None:
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {report.imported} meeting(s) ({report.created} new, {report.updated} updated in place, "
            f"{report.unchanged} unchanged) in "
            f"{report.seconds:.1f} s: {report.topics} topics, {report.remarks} remarks, "
            f"{report.action_items} action items, {report.speakers} distinct speakers."
        )
        self.stdout.write(f"Skipped {len(report.skipped)} file(s) that are not dated meeting notes.")
        for result in report.changed:
            self.stdout.write(f"updated: {result.path}: {result.changes.summary()}")
        for result in report.kept:
            self.stderr.write(result.kept_warning(report.dry_run))
        for path, reason in report.refused:
            self.stderr.write(f"refused: {path}: {reason}")
        for path, note in report.stale_corrections:
            self.stderr.write(f"warning: {path}: a correction made in the browser no longer applies: {note}")
        for path, error in report.failed:
            self.stderr.write(f"failed: {error if error.startswith(path) else f'{path}: {error}'}")
        if report.failed:
            self.stderr.write(f"{len(report.failed)} file(s) failed; the others were imported.")
