"""The pep format: `pep-NNNN.rst` (or .txt, .md) starting with PEP 1's RFC 822-style preamble."""

from __future__ import annotations

import re
from pathlib import Path

from decisions.rfcs.parsing.common import (
    METADATA_ITEMS,
    PEP_NAME,
    ParsedRFC,
    RFCParseError,
    _fold,
    _is_placeholder,
    _map_status,
    _match_key,
    _read,
    _slug,
    _split_list,
    _title,
    _unique,
)
from decisions.rfcs.parsing.dates import _set_date
from decisions.rfcs.parsing.people import _set_people, _split_people, parse_person
from decisions.rfcs.parsing.references import (
    _references,
    _rst_links,
    _shown,
)

PEP_KEYS = {
    _fold(key): key
    for key in (
        "PEP", "Title", "Version", "Last-Modified", "Author", "Sponsor", "PEP-Delegate",
        "BDFL-Delegate", "Discussions-To", "Status", "Type", "Topic", "Content-Type", "Requires",
        "Created", "Python-Version", "Post-History", "Replaces", "Superseded-By", "Replaced-By",
        "Resolution",
    )
}  # fmt: skip
PEP_STATUSES = {
    "draft": "draft",
    "active": "accepted",
    "accepted": "accepted",
    "provisional": "accepted",
    "final": "implemented",
    "deferred": "postponed",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "superseded": "superseded",
    "replaced": "superseded",
    "april fool!": "rejected",
    "april fool": "rejected",
    "incomplete": "draft",
}
_PEP_HEADER = re.compile(r"^(?P<key>[A-Za-z][\w-]*(?: [\w-]+)?)[ \t]*:[ \t]*(?P<value>.*)$")


def parse_pep(path: Path) -> ParsedRFC:
    """A PEP: PEP 1's `Key: value` preamble (continuation lines indented), then the body."""
    path = Path(path)
    warnings: list[str] = []
    text = _read(path, warnings)
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    header: dict[str, tuple[int, str]] = {}
    unknown: dict[str, str] = {}
    index = start
    current: str | None = None
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        match = _PEP_HEADER.match(line)
        if line[:1] in (" ", "\t") and current is not None:
            number, value = header.get(current, (0, unknown.get(current, "")))
            joined = f"{value}\n{line.strip()}".strip()
            if current in header:
                header[current] = (number, joined)
            else:
                unknown[current] = joined
        elif match:
            key, close = (
                _match_key(match["key"], PEP_KEYS) if len(unknown) < METADATA_ITEMS else (None, False)
            )
            if key is None and len(unknown) >= METADATA_ITEMS:
                current = None
            elif key is None:
                warnings.append(f"line {index + 1}: unknown header '{match['key']}' kept in metadata")
                current = match["key"]
                unknown[current] = match["value"].strip()
            else:
                if close:
                    warnings.append(f"line {index + 1}: '{match['key']}' read as '{key}'")
                if key in header:
                    warnings.append(f"line {index + 1}: '{key}' given twice; the first is kept")
                    current = None
                else:
                    header[key] = (index + 1, match["value"].strip())
                    current = key
        else:  # no blank line after the preamble: the body starts here
            warnings.append(f"line {index + 1}: the header ends without a blank line; the body starts here")
            break
        index += 1
    body = "\n".join(lines[index:]).lstrip("\n")

    name_match = PEP_NAME.match(path.stem)
    file_number = int(name_match["number"]) if name_match else None
    number_line, number_text = header.get("PEP", (None, ""))
    number_match = re.search(r"\d+", number_text)
    number = int(number_match.group(0)) if number_match else None
    if number is None:
        if "PEP" in header:
            reason = f"'PEP: {number_text}' is not a PEP number"
        else:
            reason = "no 'PEP:' header line with the PEP number"
        if file_number is None:
            raise RFCParseError(path, number_line or start + 1, reason)
        warnings.append(f"line {number_line or start + 1}: {reason}; using {file_number} from the file name")
        number = file_number
    elif file_number is not None and file_number != number:
        warnings.append(f"line {number_line}: PEP {number} differs from the file name's number {file_number}")

    suffix = path.suffix.lower()
    parsed = ParsedRFC(
        path=str(path), format="pep", series="pep", number=number, slug="", title="", status="draft",
        body=body, body_format="markdown" if suffix in (".md", ".markdown") else "rst", warnings=warnings,
    )  # fmt: skip
    title_line, title = header.get("Title", (None, ""))
    if not title.strip():
        warnings.append(f"line {start + 1}: no 'Title:' header; the title is 'PEP {number}'")
        title = f"PEP {number}"
    parsed.title = _title(title, title_line, warnings)
    parsed.slug = _slug(parsed.title) or f"pep-{number}"
    status_line, status = header.get("Status", (None, ""))
    parsed.raw_status = status.strip()
    parsed.status = _map_status(status, PEP_STATUSES, status_line or start + 1, warnings)
    if "Author" in header:
        _set_people(parsed, _split_people(header["Author"][1]))
    else:
        warnings.append(f"line {start + 1}: no 'Author:' header")
    if "Sponsor" in header and not _is_placeholder(header["Sponsor"][1]):
        parsed.shepherd, aliases = parse_person(header["Sponsor"][1])
        if aliases and parsed.shepherd:
            parsed.author_handles.setdefault(parsed.shepherd, aliases)
    if "Topic" in header:
        parsed.areas = _unique(_slug(topic) for topic in _split_list(header["Topic"][1]))
    if "Created" in header:
        line, value = header["Created"]
        _set_date(parsed, value, line, "Created")
    else:
        warnings.append(f"line {start + 1}: no 'Created:' header")
    if "Discussions-To" in header:
        value = header["Discussions-To"][1]
        links = _rst_links(value)
        if links:
            parsed.discussion_url = links[0][1]
        elif value.strip():
            parsed.metadata["Discussions-To"] = _shown(value)
    if not parsed.discussion_url and "Post-History" in header:
        links = _rst_links(header["Post-History"][1])
        if links:
            parsed.discussion_url = links[-1][1]
    for key, target in (("Replaces", parsed.replaces), ("Superseded-By", parsed.superseded_by)):
        if key in header:
            line, value = header[key]
            target.extend(_references(_split_list(value), "pep", line, key, warnings))
    if "Replaced-By" in header:
        line, value = header["Replaced-By"]
        parsed.superseded_by.extend(_references(_split_list(value), "pep", line, "Replaced-By", warnings))
        parsed.superseded_by[:] = _unique(parsed.superseded_by)
    if "Requires" in header:
        line, value = header["Requires"]
        parsed.see_also.extend(_references(_split_list(value), "pep", line, "Requires", warnings))
    for key in ("Type", "Python-Version", "Content-Type", "Version", "Last-Modified", "Resolution",
                "PEP-Delegate", "BDFL-Delegate", "Requires"):  # fmt: skip
        if key in header and header[key][1].strip() and not re.fullmatch(r"\$\w+\$", header[key][1].strip()):
            value = header[key][1]
            parts = _split_list(value) if key == "Requires" else [value]
            shown = [_shown(part) for part in parts]
            parsed.metadata[key] = shown if key == "Requires" else shown[0]
    if "Post-History" in header:
        parsed.metadata["Post-History"] = [
            _shown(item) for item in _split_top_level(header["Post-History"][1]) if not _is_placeholder(item)
        ]
    for key, value in unknown.items():
        parsed.metadata[key] = _shown(value)
    parsed.aliases = _unique([f"pep-{number:04d}", f"pep-{number}", path.stem.lower()])
    return parsed


def _split_top_level(text: str) -> list[str]:
    """Split on commas and newlines outside backticks and angle brackets (rST links keep theirs)."""
    parts, current, in_tick, depth = [], [], False, 0
    for char in text:
        if char == "`":
            in_tick = not in_tick
        elif char == "<":
            depth += 1
        elif char == ">" and depth:
            depth -= 1
        if char in ",\n" and not in_tick and not depth:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]
