"""manage.py export_decisions DIR: every decision record as Markdown, plus README.md (DESIGN.md 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from decisions.management.progress import progress_line
from decisions.records import export as exporting


class Command(BaseCommand):
    help = "Write every decision record to DIR as NNNN-slug.md with YAML front matter, plus README.md."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dir", help="folder to write into (made if missing)")
        parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["dir"])
        progress = progress_line(options["json"])

        written = exporting.write_folder(folder, progress=progress)
        records = sum(1 for path in written if path.name != exporting.INDEX_NAME)
        if options["json"]:
            self.stdout.write(json.dumps({"written": records, "dir": str(folder)}))
        else:
            self.stdout.write(f"Wrote {records} decision record(s) and {exporting.INDEX_NAME} to {folder}.")
