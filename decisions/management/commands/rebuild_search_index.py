"""manage.py rebuild_search_index: write the search entry of every record again."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from decisions.search.index import rebuild_index


class Command(BaseCommand):
    help = (
        "Write the search index again from every RFC, meeting, decision and precedent: for data "
        "that predates the index, or after changes that bypassed save() (bulk imports, render_markdown)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")

    def handle(self, *args: Any, **options: Any) -> None:
        show = not options["json"] and sys.stderr.isatty()

        def progress(kind: str, index: int, total: int) -> None:
            if index == total or index % 100 == 0:
                sys.stderr.write(f"\r\033[K{kind}: {index}/{total}" + ("\n" if index == total else ""))

        started = time.monotonic()
        counts = rebuild_index(progress=progress if show else None)
        seconds = round(time.monotonic() - started, 2)
        if options["json"]:
            self.stdout.write(
                json.dumps({"indexed": counts, "total": sum(counts.values()), "seconds": seconds})
            )
        else:
            summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
            self.stdout.write(f"Indexed {sum(counts.values())} record(s) in {seconds:.1f} s: {summary}.")
