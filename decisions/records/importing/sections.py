"""A Markdown body cut at its headings, with file lines.

ATX headings (`## Title`) outside fenced code blocks count, so a `## Heading` inside a code
sample stays part of its section's text. A line scanner rather than markdown-it: parsing every
block took 10 ms a record, most of an import. A heading inside an HTML block is taken for one;
the importer writes the body again from what it read and compares, so that is refused, not lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


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
    """The ATX headings of the body's lines, outside fenced code."""
    found, fence = [], ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence) and not match[2].strip():
                fence = ""
        elif match and not (match[1][0] == "`" and "`" in match[2]):
            fence = match[1]
        elif heading := _ATX.match(line):
            text = "" if re.fullmatch(r"#+", heading[2]) else heading[2]
            found.append(Heading(len(heading[1]), text.strip(), index, index + 1))
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
