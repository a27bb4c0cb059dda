"""The frontmatter format: this site's own export, YAML front matter then the Markdown body."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from decisions.rfcs.parsing.common import (
    SERIES,
    STATUSES,
    ParsedRFC,
    RFCParseError,
    _as_list,
    _fold,
    _humanize,
    _is_placeholder,
    _map_status,
    _plain,
    _read,
    _readable,
    _slug,
    _text,
    _title,
    _unique,
)
from decisions.rfcs.parsing.dates import _set_date
from decisions.rfcs.parsing.header import _canonical_keys, _load_yaml, _split_front_matter
from decisions.rfcs.parsing.headings import (
    _title_from_heading,
)
from decisions.rfcs.parsing.people import _set_people, parse_person
from decisions.rfcs.parsing.references import (
    _URL,
    _references,
)
from decisions.signoff import written as signoff

FRONTMATTER_KEYS = {
    key: key
    for key in (
        "number", "title", "status", "authors", "shepherd", "areas", "created", "created_on",
        "discussion_url", "supersedes", "superseded_by", "replaces", "see_also", "series", "slug",
        "body_format", "aliases", "metadata", "sign_off",
    )
}  # fmt: skip
FRONTMATTER_KEYS = {**{_fold(key): key for key in FRONTMATTER_KEYS}, "created-on": "created_on"}
FRONTMATTER_SCALARS = {
    "number", "title", "status", "shepherd", "created", "created_on", "discussion_url", "series", "slug",
    "body_format",
}  # fmt: skip
FRONTMATTER_STATUSES = {
    **{s: s for s in STATUSES},
    "final comment period": "fcp",
    "final-comment-period": "fcp",
    "open": "proposed",
    "deferred": "postponed",
    "replaced": "superseded",
}


def parse_frontmatter(path: Path) -> ParsedRFC:
    """This site's own export (`/rfcs/<n>.md`): YAML front matter, then the Markdown body."""
    path = Path(path)
    warnings: list[str] = []
    text = _read(path, warnings)
    yaml_text, body, first_line = _split_front_matter(text, path)
    data = _load_yaml(yaml_text, path, first_line)
    values, rest, lines = _canonical_keys(
        data, FRONTMATTER_KEYS, FRONTMATTER_SCALARS, yaml_text, first_line, warnings
    )
    if "created" in values and "created_on" in values:
        warnings.append(f"line {lines['created_on']}: both created and created_on given; created is kept")
    created_key = "created" if "created" in values else "created_on"

    series = _text(values.get("series")).lower()
    if series not in SERIES:
        warnings.append(f"line {lines['series']}: unknown series '{series}'; read as this site's own RFCs")
        series = ""
    number = _front_number(values.get("number"), path, lines.get("number", first_line), warnings)
    parsed = ParsedRFC(
        path=str(path), format="frontmatter", series=series, number=number, slug="", title="", status="draft",
        body=body, warnings=warnings,
    )  # fmt: skip
    title = _text(values.get("title"))
    if not title:
        heading, _index = _title_from_heading(body)
        title = heading or _humanize(re.sub(r"^\d+-?", "", path.stem)) or f"RFC {number or ''}".strip()
        warnings.append(f"line {first_line}: no title in the front matter; using '{title}'")
    parsed.title = _title(title, lines.get("title"), warnings)
    parsed.slug = _slug(_text(values.get("slug"))) or _slug(parsed.title) or str(number or "rfc")
    parsed.raw_status = _text(values.get("status"))
    parsed.status = _map_status(
        parsed.raw_status, FRONTMATTER_STATUSES, lines.get("status", first_line), warnings
    )
    _set_people(parsed, _as_list(values.get("authors")))
    shepherd = _text(values.get("shepherd"))
    if shepherd and not _is_placeholder(shepherd):
        parsed.shepherd, aliases = parse_person(shepherd)
        if aliases and parsed.shepherd:
            parsed.author_handles.setdefault(parsed.shepherd, aliases)
    parsed.areas = _unique(_slug(area) for area in _as_list(values.get("areas")))
    _set_date(parsed, _text(values.get(created_key)), lines.get(created_key), created_key)
    url = _text(values.get("discussion_url"))
    if url and _URL.fullmatch(url):
        parsed.discussion_url = url
    elif url:
        warnings.append(
            f"line {lines['discussion_url']}: discussion_url '{url}' is not an http(s) URL; left out"
        )
    for key, target in (("supersedes", parsed.replaces), ("replaces", parsed.replaces),
                        ("superseded_by", parsed.superseded_by), ("see_also", parsed.see_also)):  # fmt: skip
        target.extend(_references(_as_list(values.get(key)), series, lines.get(key), key, warnings))
    parsed.replaces[:] = _unique(parsed.replaces)
    body_format = _text(values.get("body_format")).lower() or "markdown"
    if body_format not in ("markdown", "rst"):
        warnings.append(f"line {lines['body_format']}: unknown body_format '{body_format}'; read as markdown")
        body_format = "markdown"
    parsed.body_format = body_format
    metadata = values.get("metadata")
    if isinstance(metadata, dict):
        parsed.metadata.update(_plain(metadata))
    elif metadata is not None:
        warnings.append(f"line {lines['metadata']}: metadata must be a mapping; left out")
    if values.get("sign_off") is not None:
        _set_signoff(parsed, values["sign_off"], path, lines.get("sign_off", first_line))
    for key, (line, value) in rest.items():
        warnings.append(f"line {line}: unknown key '{key}' kept in metadata")
        parsed.metadata[_readable(key)] = _plain(value)
    aliases = [a.lower() for a in _as_list(values.get("aliases"))]
    if number is not None and series:
        aliases.append(f"{series}-{number}")
    if not path.stem.isdigit():
        aliases.append(path.stem.lower())
    parsed.aliases = _unique(aliases)
    return parsed


def _set_signoff(parsed: ParsedRFC, value: Any, path: Path, line: int) -> None:
    """The motions of this site's export, and the body without the section written from them."""
    try:
        parsed.signoff = signoff.check(value)
    except signoff.SignOffProblem as problem:
        raise RFCParseError(path, line, str(problem)) from problem
    body = signoff.without_section(parsed.body, parsed.signoff)
    if body is None:
        raise RFCParseError(
            path, line, f"the body's '{signoff.HEADING}' section is not the one the front matter's sign-off "
            "gives; the section is written from the front matter, so change the front matter instead",
        )  # fmt: skip
    parsed.body = body


def _front_number(value: Any, path: Path, line: int, warnings: list[str]) -> int | None:
    if isinstance(value, bool):
        raise RFCParseError(path, line, f"number: {value} is not an RFC number")
    if isinstance(value, int):
        if value <= 0:
            raise RFCParseError(path, line, f"number: {value} is not an RFC number (it must be 1 or more)")
        return value
    text = _text(value)
    match = re.fullmatch(r"(?:(?:RFC|PEP|KEP|rust)[-\s]?)?#?0*(\d{1,7})", text, re.IGNORECASE)
    if match and int(match[1]) > 0:
        return int(match[1])
    if text:
        raise RFCParseError(path, line, f"number: '{text}' is not an RFC number")
    stem = re.match(r"^0*(\d{1,7})(?:-|$)", path.stem)
    if stem and int(stem[1]) > 0:
        warnings.append(
            f"line {line}: no number in the front matter; using {int(stem[1])} from the file name"
        )
        return int(stem[1])
    warnings.append(f"line {line}: no number in the front matter; the site will assign one")
    return None
