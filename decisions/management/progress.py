"""The progress line of the long-running commands: on a terminal only, never with --json."""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[..., None]


def progress_line(json_output: bool) -> Progress | None:
    """A counter rewritten in place on stderr ("12/650 text/0012-foo.md"), or None when quiet."""
    if json_output or not sys.stderr.isatty():
        return None

    def show(index: int, total: int, label: str = "") -> None:
        line = f"\r\033[K{index}/{total} {label}".rstrip()[:120]
        sys.stderr.write(line + ("\n" if index == total else ""))

    return show
