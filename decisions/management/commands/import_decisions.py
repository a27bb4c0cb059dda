"""manage.py import_decisions DIR: decision records (the export, MADR, log4brains, adr-tools), all or none."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from decisions.management.base import SiteCommand
from decisions.records import importing

# The fields of a record as a person reading the file calls them.
FIELD_NAMES = {
    "context": "context and problem statement",
    "criteria": "decision drivers (or their weights)",
    "options": "considered options (or their descriptions)",
    "assessments": "pros and cons (ratings or arguments)",
    "chosen": "chosen option",
    "rationale": "decision outcome (its justification)",
    "owners": "decision-makers, consulted or informed",
}


class Command(SiteCommand):
    help = (
        "Create or update decision records from the NNNN-slug.md files in DIR: this site's export "
        "(MADR 4), or a plain ADR folder (MADR 2/3/4, log4brains, adr-tools; a repository's "
        "docs/decisions, doc/adr or docs/adr is found). Every file is checked first; any problem "
        "means nothing is written."
    )
    dry_run = True
    dry_run_help = "check and report, write nothing"
    json_options = {"default": str}
    problems = (importing.ImportFailed,)

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="folder of records (export_decisions, MADR, log4brains, adr-tools)")

    def run(self, options: dict[str, Any]) -> importing.ImportReport:
        return importing.import_folder(options["dir"], dry_run=options["dry_run"], progress=self.progress())

    def problem(self, error: Exception) -> CommandError:
        """Every problem of every file (path, line, message), then nothing was imported."""
        assert isinstance(error, importing.ImportFailed)
        if self.json_output:
            failed = [{"path": p.path, "line": p.line, "message": p.message} for p in error.problems]
            refused = [{"path": path, "reason": reason} for path, reason in error.refused]
            self.stdout.write(json.dumps({"failed": failed, "refused": refused}))
        else:
            self._refused(error.refused)
            self.stderr.write(str(error))
        return CommandError(f"{len(error.problems)} problem(s); nothing was imported.")

    def _refused(self, refused: list[tuple[str, str]]) -> None:
        for path, reason in refused:
            self.stderr.write(f"refused: {path}: {reason}")

    def summary(self, report: importing.ImportReport, options: dict[str, Any]) -> None:
        self._refused(report.refused)
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {len(report.created)} new and {len(report.updated)} updated record(s); "
            f"{len(report.unchanged)} unchanged."
        )
        for change in report.changes:
            fields = ", ".join(FIELD_NAMES.get(name, name.replace("_", " ")) for name in change.fields)
            self.stdout.write(f"DR-{change.decision:04d} changed: {fields}")
        for path, reason in report.skipped:
            self.stdout.write(f"skipped: {path}: {reason}")
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        for label, values in (
            ("People created", report.people_created),
            ("Precedents created", report.precedents_created),
            ("Areas created", report.areas_created),
        ):
            if values:
                self.stdout.write(f"{label}: {', '.join(values)}")
        for ref in report.unresolved:
            self.stdout.write(
                f"Kept as written (not on this site yet): DR-{ref.decision:04d} -> {ref.label or ref.key}"
            )
