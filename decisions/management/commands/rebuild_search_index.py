"""manage.py rebuild_search_index: write the search entry of every record again."""

from __future__ import annotations

import sys
import time
from typing import Any

from decisions.management.base import SiteCommand
from decisions.search.index import rebuild_index


class Command(SiteCommand):
    help = (
        "Write the search index again from every RFC, meeting, decision and precedent: for data "
        "that predates the index, or after changes that bypassed save() (bulk imports, render_markdown)."
    )

    def run(self, options: dict[str, Any]) -> tuple[dict[str, int], float]:
        def progress(kind: str, index: int, total: int) -> None:
            if index == total or index % 100 == 0:
                sys.stderr.write(f"\r\033[K{kind}: {index}/{total}" + ("\n" if index == total else ""))

        started = time.monotonic()
        counts = rebuild_index(progress=None if self.quiet else progress)
        return counts, round(time.monotonic() - started, 2)

    def as_json(self, result: tuple[dict[str, int], float], options: dict[str, Any]) -> dict[str, Any]:
        counts, seconds = result
        return {"indexed": counts, "total": sum(counts.values()), "seconds": seconds}

    def summary(self, result: tuple[dict[str, int], float], options: dict[str, Any]) -> None:
        counts, seconds = result
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        self.stdout.write(f"Indexed {sum(counts.values())} record(s) in {seconds:.1f} s: {summary}.")
