"""The bytecodealliance format: `accepted/<slug>.md`, no metadata header; title from the first heading."""

from __future__ import annotations

import re
from pathlib import Path

from decisions.rfcs.parsing.common import (
    ParsedRFC,
    _humanize,
    _read,
    _slug,
    _title,
    _unique,
)
from decisions.rfcs.parsing.headings import (
    _strip_title_heading,
    _title_from_heading,
)
from decisions.rfcs.parsing.people import _set_people, _split_people

_AUTHORS_LINE = re.compile(
    r"^\s*(?:[-*]\s+)?[*_]*(?P<key>authors?|champions?)[*_]*\s*:[*_]*\s*(?P<value>.+)$", re.IGNORECASE
)


def parse_bytecodealliance(path: Path) -> ParsedRFC:
    """`accepted/<slug>.md`: no header; title from the first real heading, else from the slug."""
    path = Path(path)
    warnings: list[str] = []
    text = _read(path, warnings)
    stem = path.stem
    parsed = ParsedRFC(
        path=str(path), format="bytecodealliance", series="", number=None, slug=_slug(stem) or "rfc",
        title="", status="accepted", warnings=warnings, aliases=_unique([stem.lower()]),
    )  # fmt: skip
    title, index = _title_from_heading(text)
    body = text
    if title:
        body = _strip_title_heading(text, index or 0)
    else:
        title = _humanize(stem)
    parsed.title = _title(title or stem, None, warnings)
    for line in text.split("\n")[:15]:
        match = _AUTHORS_LINE.match(line)
        if match:
            _set_people(parsed, _split_people(match["value"]))
            break
    parsed.body = body
    if not body.strip():
        warnings.append("the file has no text below its title")
    return parsed
