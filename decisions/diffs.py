"""Unified diffs of two texts as tagged lines, for the history pages (RFCs, decision records)."""

from __future__ import annotations

import difflib


def tagged_diff(before: list[str], after: list[str], fromfile: str, tofile: str) -> list[tuple[str, str]]:
    """Unified diff lines (two lines of context), each tagged file, hunk, add, del or same."""
    lines = difflib.unified_diff(before, after, fromfile=fromfile, tofile=tofile, lineterm="", n=2)
    tagged = []
    for line in lines:
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "same"
        tagged.append((kind, line))
    return tagged
