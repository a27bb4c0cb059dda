"""manage.py write_source NAME --branch B: the records changed on the site, committed to a branch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from decisions.management.base import SiteCommand
from decisions.sources.models import Source
from decisions.sources.writing import WriteError, WriteResult, write_source


class Command(SiteCommand):
    help = (
        "Write the records of source NAME changed on the site since the last sync (the site being "
        "their place of record) to branch B of a local clone, as files of the site's exports, and "
        "commit them; prints what to push, or pushes with --push."
    )
    dry_run = True
    dry_run_help = "say which records would be written, write and commit nothing"
    problems = (WriteError,)

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the source's name")
        parser.add_argument(
            "--branch", required=True, help="the branch to commit to (made from the last synced commit)"
        )
        parser.add_argument(
            "--clone",
            type=Path,
            help="a local clone to use (default: SOURCES_CLONES_DIR/NAME, cloned if missing)",
        )
        parser.add_argument(
            "--author", default="", help="'Name <email>' of the commit (default: SOURCES_COMMIT_AUTHOR)"
        )
        parser.add_argument("--message", default="", help="the commit's first line")
        parser.add_argument("--push", action="store_true", help="push the branch to origin")

    def run(self, options: dict[str, Any]) -> WriteResult:
        source = Source.objects.filter(name=options["name"]).first()
        if source is None:
            known = ", ".join(Source.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No source is named {options['name']!r} (known: {known}).")
        return write_source(
            source, options["branch"], clone=options["clone"], author=options["author"],
            push=options["push"], dry_run=options["dry_run"], message=options["message"],
        )  # fmt: skip

    def summary(self, result: WriteResult, options: dict[str, Any]) -> None:
        if not result.changes:
            self.stdout.write(
                f"Nothing changed on the site for {result.source} since {result.base}; nothing to write."
            )
            return
        for change in result.changes:
            self.stdout.write(f"{'new' if change.new else 'changed'}: {change.path} ({change.record})")
        if result.dry_run:
            self.stdout.write(
                f"Dry run: {len(result.changes)} file(s) would be committed to {result.branch}."
            )
            return
        self.stdout.write(
            f"Committed {result.commit[:12]} on branch {result.branch} in {result.clone}: "
            f"{len(result.changes)} file(s)."
        )
        if result.pushed:
            self.stdout.write(f"Pushed {result.branch} to origin: open a pull request from it.")
        else:
            self.stdout.write(f"To publish it: {result.push_command}  (then open a pull request)")
