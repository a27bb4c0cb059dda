"""manage.py import_decisions DIR: read exported records back, all of them or none (DESIGN.md 6)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from decisions.management.progress import progress_line
from decisions.records import importing


class Command(BaseCommand):
    help = (
        "Create or update decision records from the NNNN-slug.md files in DIR. Every file is checked "
        "first; any problem means nothing is written."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dir", help="folder of records written by export_decisions")
        parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = progress_line(options["json"])

        try:
            report = importing.import_folder(options["dir"], dry_run=options["dry_run"], progress=progress)
        except importing.ImportFailed as error:
            if options["json"]:
                failed = [{"path": p.path, "line": p.line, "message": p.message} for p in error.problems]
                refused = [{"path": path, "reason": reason} for path, reason in error.refused]
                self.stdout.write(json.dumps({"failed": failed, "refused": refused}))
            else:
                self._refused(error.refused)
                self.stderr.write(str(error))
            raise CommandError(f"{len(error.problems)} problem(s); nothing was imported.") from error
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), default=str))
            return
        self._summary(report)

    def _refused(self, refused: list[tuple[str, str]]) -> None:
        for path, reason in refused:
            self.stderr.write(f"refused: {path}: {reason}")

    def _summary(self, report: importing.ImportReport) -> None:
        self._refused(report.refused)
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(f"{verb} {len(report.created)} new and {len(report.updated)} updated record(s).")
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
