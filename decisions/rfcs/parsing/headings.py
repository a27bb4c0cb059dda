"""Markdown headings of an RFC body: the title heading, and section names that are not titles."""

from __future__ import annotations

import re
from collections.abc import Iterator

from decisions.rfcs.parsing.common import (
    _MD_LINK,
)

GENERIC_HEADINGS = {
    "summary", "abstract", "motivation", "introduction", "intro", "overview", "background",
    "proposal", "table of contents", "contents", "toc", "description", "context", "goals",
    "detailed design", "design", "rationale", "status", "metadata", "tl;dr", "tldr",
}  # fmt: skip
_ATX = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


def _headings(text: str, limit: int = 400) -> Iterator[tuple[int, int, str]]:
    """(line index, level, text) of Markdown headings outside code fences, in the first lines."""
    lines = text.split("\n")[:limit]
    fence = ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match:
            if not fence:
                fence = match["fence"]
            elif match["fence"][0] == fence[0] and len(match["fence"]) >= len(fence):
                fence = ""
            continue
        if fence:
            continue
        atx = _ATX.match(line)
        if atx and atx["text"]:
            yield index, len(atx["marks"]), _inline_text(atx["text"])
        elif (
            index + 1 < len(lines)
            and line.strip()
            and not line.startswith((" " * 4, "\t", "-", "*", "+", ">", "|", "<"))
            and _SETEXT.match(lines[index + 1])
            and (index == 0 or not lines[index - 1].strip())
        ):
            yield index, 1 if "=" in lines[index + 1] else 2, _inline_text(line)


def _inline_text(text: str) -> str:
    """Heading text without Markdown emphasis, code marks and link targets."""
    text = _MD_LINK.sub(lambda m: m[1], text)
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_generic(title: str) -> bool:
    return title.lower().strip(" :.") in GENERIC_HEADINGS


def _strip_title_heading(body: str, index: int) -> str:
    """The body without its title heading, when that heading is the first thing in it."""
    lines = body.split("\n")
    if any(line.strip() for line in lines[:index]):
        return body
    drop = index + (2 if not _ATX.match(lines[index]) else 1)
    return "\n".join(lines[drop:]).lstrip("\n")


def _title_from_heading(body: str) -> tuple[str | None, int | None]:
    """The first heading as a title, unless it is a section name; with its line index."""
    for index, _level, text in _headings(body):
        if text and not _is_generic(text):
            return text, index
        return None, None
    return None, None
