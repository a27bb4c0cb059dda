"""manage.py export_decisions DIR: every decision record as Markdown with YAML front matter, plus README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from decisions.management.base import SiteCommand
from decisions.records import export as exporting


class Command(SiteCommand):
    help = "Write every decision record to DIR as NNNN-slug.md with YAML front matter, plus README.md."

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="folder to write into (made if missing)")

    def run(self, options: dict[str, Any]) -> tuple[Path, int]:
        folder = Path(options["dir"])
        written = exporting.write_folder(folder, progress=self.progress())
        return folder, sum(1 for path in written if path.name != exporting.INDEX_NAME)

    def as_json(self, result: tuple[Path, int], options: dict[str, Any]) -> dict[str, Any]:
        folder, records = result
        return {"written": records, "dir": str(folder)}

    def summary(self, result: tuple[Path, int], options: dict[str, Any]) -> None:
        folder, records = result
        self.stdout.write(f"Wrote {records} decision record(s) and {exporting.INDEX_NAME} to {folder}.")
