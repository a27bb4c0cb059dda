"""SiteCommand: what every management command of the site shares (--json, --dry-run, progress, errors).

A command says what it adds to the command line (add_command_arguments), does its work (run),
turns the result into its last-line JSON object (as_json) or its summary for people (summary),
and names the exceptions that mean "this input cannot be used" (problems): those become a
CommandError carrying their message, which names the file and the line.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.management.progress import Progress, progress_line


class SiteCommand(BaseCommand):
    """A management command with --json (and --dry-run when it writes), a progress line and clear errors."""

    # Adds --dry-run: a command that writes to the database can report without writing.
    dry_run = False
    json_help = "print one JSON object as the last line"
    dry_run_help = "parse and report, write nothing"
    # Keyword arguments of json.dumps for the last line.
    json_options: dict[str, Any] = {}
    # Exceptions that mean the input cannot be used: reported as a CommandError, no traceback.
    problems: tuple[type[Exception], ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_command_arguments(parser)
        parser.add_argument("--json", action="store_true", help=self.json_help)
        if self.dry_run:
            parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)

    def add_command_arguments(self, parser: CommandParser) -> None:
        """The command's own arguments, before --json and --dry-run."""

    def handle(self, *args: Any, **options: Any) -> None:
        self.json_output = bool(options["json"])
        try:
            result = self.run(options)
        except self.problems as error:
            raise self.problem(error) from error
        if self.json_output:
            self.stdout.write(json.dumps(self.as_json(result, options), **self.json_options))
        else:
            self.summary(result, options)

    @property
    def quiet(self) -> bool:
        """No progress on stderr: with --json, or when stderr is not a terminal."""
        return self.json_output or not sys.stderr.isatty()

    def progress(self) -> Progress | None:
        """The progress line ("12/650 text/0012-foo.md"), or None when quiet."""
        return progress_line(self.json_output)

    def problem(self, error: Exception) -> CommandError:
        """The CommandError a problem with the input becomes: its message names the file and line."""
        return CommandError(str(error))

    def run(self, options: dict[str, Any]) -> Any:
        """Do the work; the result goes to as_json() or summary()."""
        raise NotImplementedError

    def as_json(self, result: Any, options: dict[str, Any]) -> Any:
        """The object printed as the last line with --json."""
        return result.as_json()

    def summary(self, result: Any, options: dict[str, Any]) -> None:
        """What a person reads without --json."""
        raise NotImplementedError
