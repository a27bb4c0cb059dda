"""manage.py add_source NAME URL --holds ...: register a repository (or folder) for sync_sources."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from decisions.management.base import SiteCommand
from decisions.rfcs.parsing import FORMATS
from decisions.sources.forms import SourceForm
from decisions.sources.models import Holds, RecordIn, Source


class Command(SiteCommand):
    help = (
        "Register a source: a git repository (any URL git can fetch, file:// included) or a local "
        "folder, the branch and the folder inside it, what it holds, and which side is the place of "
        "record. `sync_sources` then keeps the site in step with it."
    )
    dry_run = True
    dry_run_help = "check the source and report, save nothing"

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="a short name used in URLs and commands, e.g. rust-rfcs")
        parser.add_argument("url", help="e.g. https://github.com/rust-lang/rfcs.git or /srv/notes")
        parser.add_argument("--holds", required=True, choices=Holds.values, help="what the files are")
        parser.add_argument(
            "--format", default="", choices=["", *FORMATS], help="RFC format (default: detect)"
        )
        parser.add_argument("--series", default="", help="RFC series (rust, pep, kep) or meeting series")
        parser.add_argument("--branch", default="", help="default: the remote's default branch")
        parser.add_argument(
            "--path", default="", help="the folder inside the repository (default: all of it)"
        )
        parser.add_argument(
            "--record-in", default=RecordIn.REPOSITORY, choices=RecordIn.values, help="the place of record"
        )
        parser.add_argument("--secret", default="", help="webhook secret (GitHub HMAC key or GitLab token)")

    def run(self, options: dict[str, Any]) -> Source:
        fields = ("name", "url", "holds", "format", "series", "branch", "path", "record_in", "secret")
        form = SourceForm(data={key: options[key] for key in fields})
        if not form.is_valid():
            lines = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
            raise CommandError("The source was not saved:\n" + "\n".join(lines))
        source = form.save(commit=False)
        if not options["dry_run"]:
            source.save()
        return source

    def as_json(self, source: Source, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": source.name,
            "url": source.url,
            "branch": source.branch,
            "path": source.path,
            "holds": source.holds,
            "format": source.format,
            "series": source.series,
            "record_in": source.record_in,
            "secret": bool(source.secret),
            "dry_run": options["dry_run"],
        }

    def summary(self, source: Source, options: dict[str, Any]) -> None:
        verb = "Would register" if options["dry_run"] else "Registered"
        where = (
            f"{source.url} ({source.branch or 'default branch'}{', ' + source.path if source.path else ''})"
        )
        self.stdout.write(f"{verb} {source.name}: {source.get_holds_display()} from {where}.")
        if not options["dry_run"]:
            self.stdout.write(f"Run `manage.py sync_sources --source {source.name}` to import it.")
