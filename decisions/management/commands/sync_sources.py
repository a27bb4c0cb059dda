"""manage.py sync_sources [--source NAME]: bring the registered sources up to date (safe from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from decisions.management.base import SiteCommand
from decisions.sources.models import Source
from decisions.sources.sync import SyncResult, sync_source


class Command(SiteCommand):
    help = (
        "Fetch each registered source with git and import only the files changed since its last "
        "sync; a file removed upstream withdraws its record. Safe to run from cron on several "
        "servers: a source another run is syncing is skipped. Exits 1 when a source could not be "
        "fetched; a broken file is reported (path and line) and the rest goes on."
    )
    json_options = {"ensure_ascii": False}
    dry_run = True
    dry_run_help = "fetch and compare, count the files a sync would read; write nothing"

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", metavar="NAME", help="only this source (default: every one)")

    def run(self, options: dict[str, Any]) -> list[SyncResult]:
        sources = Source.objects.all()
        if options["source"]:
            sources = sources.filter(name=options["source"])
            if not sources.exists():
                names = ", ".join(Source.objects.values_list("name", flat=True)) or "none yet (add_source)"
                raise CommandError(f"No source is named {options['source']!r}; sources: {names}")
        dry_run = options["dry_run"]
        results = [sync_source(source, progress=self.progress(), dry_run=dry_run) for source in sources]
        self.results = results
        return results

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if any(result.error for result in self.results):
            raise SystemExit(1)

    def as_json(self, results: list[SyncResult], options: dict[str, Any]) -> dict[str, Any]:
        for result in results:
            self._warn(result)
        return {"sources": [result.as_json() for result in results]}

    def _warn(self, result: SyncResult) -> None:
        for path, error in result.failed:
            self.stderr.write(f"failed: {result.name}: {path}: {error}")
        if result.conflicts:
            self.stderr.write(
                f"conflicts: {result.name}: {result.conflicts} record(s) changed on the site and upstream; "
                "choose a version on the source's page"
            )
        if result.error:
            self.stderr.write(f"error: {result.name}: {result.error}")

    def summary(self, results: list[SyncResult], options: dict[str, Any]) -> None:
        if not results:
            self.stdout.write("No sources yet: register one with `manage.py add_source`.")
        for result in results:
            if result.skipped:
                self.stdout.write(f"{result.name}: skipped, {result.skipped}.")
                continue
            if result.error:
                self.stdout.write(f"{result.name}: not synced.")
            else:
                would = "would be " if options["dry_run"] else ""
                self.stdout.write(
                    f"{result.name} at {result.commit[:12]}: {would}{result.imported} imported, {result.updated} updated, "
                    f"{result.unchanged} unchanged, {result.withdrawn} withdrawn, {result.conflicts} conflict(s), "
                    f"{len(result.failed)} failed."
                )
            self._warn(result)
