"""Text as people and files give it: C0 control characters removed before anything stores it."""

from __future__ import annotations

import re

# C0 control characters other than tab and newline, and DEL: they mean nothing in a title or
# in Markdown, nobody types them on purpose, and XML 1.0 (the Atom feeds) cannot carry most.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """The text with CRLF and CR made newlines and every other C0 control but tab removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def first_control_line(text: str) -> int | None:
    """The line (from 1) of the first control character strip_controls() would remove."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = _CONTROLS.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None
