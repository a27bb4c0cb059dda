"""manage.py import_rfcs PATH... [--format ...]: RFC files and repositories into the site."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from decisions.management.base import SiteCommand
from decisions.rfcs.importing import RFCImportReport, import_rfcs
from decisions.rfcs.parsing import FORMATS, RFCParseError


class Command(SiteCommand):
    help = (
        "Import RFC files or folders (Bytecode Alliance, rust-lang/rfcs, PEPs, KEPs, or this site's "
        "own Markdown export). Re-importing updates and never duplicates; an edited file becomes a new "
        "revision. A bad file is reported with its path and reason and skipped; the rest imports."
    )
    dry_run = True
    json_options = {"ensure_ascii": False}
    problems = (RFCParseError,)

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="files or folders, e.g. a clone of rust-lang/rfcs"
        )
        parser.add_argument(
            "--format",
            default="auto",
            choices=["auto", *FORMATS],
            help="how to read the files (default: detect)",
        )

    def run(self, options: dict[str, Any]) -> RFCImportReport:
        return import_rfcs(
            options["paths"],
            options["format"],
            dry_run=options["dry_run"],
            progress=self.progress(),
        )

    def summary(self, report: RFCImportReport, options: dict[str, Any]) -> None:
        verb = "Would import" if report.dry_run else "Imported"
        formats = ", ".join(f"{count} {name}" for name, count in sorted(report.formats.items())) or "none"
        self.stdout.write(
            f"{verb} {len(report.imported)} new RFC(s), updated {len(report.updated)}, "
            f"{len(report.unchanged)} unchanged, in {report.seconds:.1f} s (formats: {formats})."
        )
        for path, message in report.warnings:
            self.stderr.write(f"warning: {path}: {message}")
        for path, reason in report.refused:
            self.stderr.write(f"refused: {path}: {reason}")
        for path, error in report.failed:
            self.stderr.write(f"failed: {path}: {error}")
        if report.failed:
            self.stderr.write(f"{len(report.failed)} file(s) failed; the others were imported.")
