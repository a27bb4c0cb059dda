"""YAML headers (kep.yaml, front matter) -> their known keys, typos matched, each with its line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from decisions.formats import frontmatter
from decisions.formats import yaml as formats_yaml
from decisions.rfcs.parsing.common import (
    METADATA_ITEMS,
    RFCParseError,
    _match_key,
)


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """(YAML text, body, line of the first YAML line) for `---` YAML `---` then the body."""
    try:
        front = frontmatter.split(text)
    except frontmatter.FrontMatterError as error:
        raise RFCParseError(path, error.line, str(error)) from error
    return front.yaml, front.body.lstrip("\n"), front.yaml_line


def _load_yaml(text: str, path: Path, first_line: int) -> dict:
    """A YAML mapping, or RFCParseError at the line of the problem (counted in the whole file)."""
    try:
        data = formats_yaml.load(text, first_line=first_line)
    except formats_yaml.YAMLLoadError as error:
        raise RFCParseError(path, error.line or first_line, f"invalid YAML: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = {"list": "a list", "str": "plain text", "int": "a number", "float": "a number"}.get(
            type(data).__name__, type(data).__name__
        )
        raise RFCParseError(path, first_line, f"the YAML must be a mapping of keys to values, not {kind}")
    return data


def _key_lines(text: str, first_line: int) -> dict[str, int]:
    """The line of each top-level key of a YAML mapping, in one pass."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n")):
        match = re.match(r"""^(?:"([^"]*)"|'([^']*)'|([^\s#'"\-?][^:]*?))[ \t]*:(?:[ \t]|$)""", line)
        if match:
            lines.setdefault(next(g for g in match.groups() if g is not None), first_line + number)
    return lines


def _canonical_keys(
    data: dict,
    known: dict[str, str],
    scalars: set[str],
    text: str,
    first_line: int,
    warnings: list[str],
) -> tuple[dict[str, Any], dict[str, tuple[int, Any]], dict[str, int]]:
    """Split YAML keys into known ones (typos matched, warned) and the rest, with their lines.

    A known key that takes one value but was given a list or mapping is left out (warned).
    """
    key_lines = _key_lines(text, first_line)
    values: dict[str, Any] = {}
    rest: dict[str, tuple[int, Any]] = {}
    lines: dict[str, int] = {}
    dropped = 0
    for written, value in data.items():
        written = str(written)[:100]
        line = key_lines.get(written, first_line)
        if len(values) + len(rest) >= METADATA_ITEMS:
            dropped += 1
            continue
        key, close = _match_key(written, known)
        if key is None:
            rest[written] = (line, value)
            continue
        if close:
            warnings.append(f"line {line}: '{written}' read as '{key}'")
        if key in values:
            warnings.append(f"line {line}: '{written}' given twice; the first is kept")
            continue
        if key in scalars and isinstance(value, list | dict):
            warnings.append(
                f"line {line}: '{written}' must be a single value, not a list or mapping; left out"
            )
            value = None
        values[key] = value
        lines[key] = line
    if dropped:
        warnings.append(f"{dropped} more keys left out (at most {METADATA_ITEMS} are read)")
    return values, rest, lines
