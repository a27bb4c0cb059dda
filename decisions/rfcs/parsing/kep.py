"""The kep format: a Kubernetes enhancement folder, kep.yaml beside README.md (or one Markdown file)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from decisions.rfcs.parsing.common import (
    METADATA_ITEMS,
    RUST_NAME,
    ParsedRFC,
    RFCParseError,
    _as_list,
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
    _strip_title_heading,
    _title_from_heading,
)
from decisions.rfcs.parsing.people import _set_people
from decisions.rfcs.parsing.references import (
    KEP_REPOSITORY,
    _references,
)

KEP_KEYS = {
    key: key
    for key in (
        "title", "kep-number", "authors", "owning-sig", "participating-sigs", "status",
        "creation-date", "reviewers", "approvers", "prr-approvers", "editor", "see-also",
        "replaces", "superseded-by", "stage", "latest-milestone", "milestone", "feature-gates",
        "disable-supported", "metrics", "last-updated", "short-desc", "owners",
    )
}  # fmt: skip
KEP_SCALARS = {
    "title", "kep-number", "owning-sig", "status", "creation-date", "editor", "stage", "latest-milestone",
    "last-updated", "short-desc", "disable-supported",
}  # fmt: skip
KEP_STATUSES = {
    "provisional": "draft",
    "draft": "draft",
    "implementable": "accepted",
    "implemented": "implemented",
    "deferred": "postponed",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "replaced": "superseded",
}
_KEP_TITLE = re.compile(r"^KEP[-\s]?(?:\d+|NNNN)\s*[:.-]\s*", re.IGNORECASE)


def parse_kep(path: Path) -> ParsedRFC:
    """A KEP folder's kep.yaml with the README.md beside it (or a single .md with KEP front matter)."""
    path = Path(path)
    warnings: list[str] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        yaml_text = _read(path, warnings)
        first_line = 1
        readme = path.with_name("README.md")
        folder = path.parent.name
        if readme.is_file():
            body = _read(readme, warnings)
        else:
            body = ""
            warnings.append(f"no README.md beside {path.name}; the body is empty")
    else:
        text = _read(path, warnings)
        yaml_text, body, first_line = _split_front_matter(text, path)
        folder = path.stem
    data = _load_yaml(yaml_text, path, first_line)
    values, rest, lines = _canonical_keys(data, KEP_KEYS, KEP_SCALARS, yaml_text, first_line, warnings)

    number = _kep_number(
        values.get("kep-number"), folder, path, lines.get("kep-number", first_line), warnings
    )
    parsed = ParsedRFC(
        path=str(path), format="kep", series="kep", number=number, slug="", title="", status="draft",
        warnings=warnings,
    )  # fmt: skip
    title = _text(values.get("title"))
    heading, index = _title_from_heading(body)
    if heading is not None and index is not None:
        body = _strip_title_heading(body, index)
    if not title:
        title = _KEP_TITLE.sub("", heading or "") or f"KEP-{number}"
        warnings.append(f"line {first_line}: no title in the YAML; using '{title}'")
    parsed.title = _title(title, lines.get("title"), warnings)
    parsed.body = body
    name_match = RUST_NAME.match(folder)
    parsed.slug = _slug(name_match["name"] if name_match else "") or _slug(parsed.title) or f"kep-{number}"

    parsed.raw_status = _text(values.get("status"))
    parsed.status = _map_status(parsed.raw_status, KEP_STATUSES, lines.get("status", first_line), warnings)
    _set_people(parsed, _as_list(values.get("authors")))
    areas = [_text(values.get("owning-sig"))]
    areas += _as_list(values.get("participating-sigs"))
    parsed.areas = _unique(_slug(area) for area in areas)
    _set_date(parsed, _text(values.get("creation-date")), lines.get("creation-date"), "creation-date")
    parsed.discussion_url = f"{KEP_REPOSITORY}/issues/{number}"
    for key, target in (("replaces", parsed.replaces), ("superseded-by", parsed.superseded_by),
                        ("see-also", parsed.see_also)):  # fmt: skip
        target.extend(_references(_as_list(values.get(key)), "kep", lines.get(key), key, warnings))

    metadata: dict[str, Any] = {}
    for key in ("stage", "latest-milestone", "last-updated", "editor", "short-desc", "disable-supported"):
        value = _text(values.get(key)).lstrip("@") if key == "editor" else _text(values.get(key))
        if value and not _is_placeholder(value):
            metadata[_readable(key)] = value
    for key in ("reviewers", "approvers", "prr-approvers", "owners", "metrics"):
        items = [item.lstrip("@") for item in _as_list(values.get(key)) if not _is_placeholder(item)]
        if items:
            metadata[_readable(key)] = items
    milestone = values.get("milestone")
    if isinstance(milestone, dict) and milestone:
        metadata["Milestones"] = {str(k): _text(v) for k, v in list(milestone.items())[:20] if v is not None}
    gates = values.get("feature-gates")
    if isinstance(gates, list):
        names = [
            _text(g.get("name")) for g in gates[:METADATA_ITEMS] if isinstance(g, dict) and g.get("name")
        ]
        if names:
            metadata["Feature gates"] = names
    for key, (line, value) in rest.items():
        warnings.append(f"line {line}: unknown key '{key}' kept in metadata")
        metadata[_readable(key)] = _plain(value)
    parsed.metadata = metadata
    parsed.aliases = _unique([f"kep-{number}", folder.lower() if name_match else ""])
    return parsed


def _kep_number(value: Any, folder: str, path: Path, line: int, warnings: list[str]) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, int) and value > 0:
        return value
    text = _text(value)
    match = re.fullmatch(r"(?:KEP[-\s]?)?0*(\d{1,7})", text, re.IGNORECASE)
    if match and int(match[1]) > 0:
        return int(match[1])
    folder_match = RUST_NAME.match(folder)
    if folder_match and int(folder_match["number"]) > 0:
        reason = f"kep-number '{text}' is not a number" if text else "no kep-number"
        warnings.append(f"line {line}: {reason}; using {int(folder_match['number'])} from the folder name")
        return int(folder_match["number"])
    reason = f"kep-number '{text}' is not a number" if text else "no kep-number"
    raise RFCParseError(path, line, f"{reason}, and the folder name does not start with one")
