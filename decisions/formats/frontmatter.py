"""Front matter: splitting the YAML between `---` lines from the body below it, with line numbers.

The one reader of front matter for every format that has it (this site's RFC export, KEPs
written as one Markdown file, decision records). The file's first line is `---`; the front
matter ends at the first later line that is `---` or `...` (on both lines, spaces and tabs after
the dashes are allowed). The YAML text returned excludes both fences and starts on line 2 of the file, so
formats.yaml.load(front.yaml, first_line=front.yaml_line) reports errors at file lines.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


class FrontMatter(NamedTuple):
    """The parts of a file with front matter; yaml_line and body_line are 1-based file lines."""

    yaml: str
    body: str
    yaml_line: int
    body_line: int


class FrontMatterError(ValueError):
    """A file whose front matter cannot be found; line is 1, where the reader looked first."""

    line = 1


class NoFrontMatter(FrontMatterError):
    """The file does not start with a line `---`."""

    def __init__(self) -> None:
        super().__init__("no front matter: the file must start with a line ---")


class UnclosedFrontMatter(FrontMatterError):
    """No line `---` (or `...`) ends the front matter."""

    def __init__(self) -> None:
        super().__init__("the front matter is not closed: add a line --- after it, before the body")


def has_front_matter(text: str) -> bool:
    """Whether the text opens with a front matter fence (closed or not)."""
    return _OPENING.match(text) is not None


def split(text: str) -> FrontMatter:
    """The front matter and the body (everything after the closing line's own newline).

    Raises NoFrontMatter or UnclosedFrontMatter; their messages are for people, and callers
    that word them their own way can tell them apart by class.
    """
    opening = _OPENING.match(text)
    if not opening:
        raise NoFrontMatter()
    start = opening.end()
    closing = _CLOSING.search(text, start)
    if not closing:
        raise UnclosedFrontMatter()
    yaml_text = text[start : closing.start()]
    body = text[closing.end() + 1 :]
    body_line = 2 + yaml_text.count("\n") + 1
    return FrontMatter(yaml_text, body, 2, body_line)
