"""A Markdown body cut at its headings, with file lines: the top-level headings as markdown-it finds them.

Only headings outside lists, quotes, code blocks and HTML blocks count, so a `## Heading` inside a
fenced code sample stays part of its section's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


@dataclass
class Heading:
    level: int
    text: str  # the heading's inline source, as written
    start: int  # 0-based index of its first line in the body
    end: int  # one past its last line (setext headings take two)

    @property
    def key(self) -> str:
        return " ".join(self.text.split()).casefold()


@dataclass
class Section:
    """A heading and the lines up to the next heading that starts a section."""

    heading: Heading | None
    start: int  # 0-based body line of the first content line
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.lines).strip("\n").rstrip()


def headings(lines: list[str]) -> list[Heading]:
    """The top-level headings of the body's lines."""
    tokens = _parser().parse("\n".join(lines))
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.map:
            text = tokens[index + 1].content if index + 1 < len(tokens) else ""
            found.append(Heading(int(token.tag[1:]), text.strip(), token.map[0], token.map[1]))
    return found


def split(lines: list[str], starts: list[Heading]) -> tuple[Section, list[Section]]:
    """The lines before the first of `starts`, and one section per heading of `starts`."""
    bounds = [heading.start for heading in starts] + [len(lines)]
    preamble = Section(None, 0, lines[: bounds[0]])
    sections = [
        Section(heading, heading.end, lines[heading.end : bounds[index + 1]])
        for index, heading in enumerate(starts)
    ]
    return preamble, sections
