"""The rust format: `text/NNNN-name.md` starting with rust-lang/rfcs' header bullets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from decisions.rfcs.parsing.common import (
    _MD_LINK,
    RUST_NAME,
    STATUSES,
    ParsedRFC,
    RFCParseError,
    _humanize,
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
from decisions.rfcs.parsing.headings import (
    _ATX,
    _inline_text,
    _is_generic,
)
from decisions.rfcs.parsing.people import _set_people, _split_people
from decisions.rfcs.parsing.references import (
    _URL,
    _references,
    _shown,
)

RUST_KEYS = {
    "feature-name": "Feature Name",
    "start-date": "Start Date",
    "rfc-pr": "RFC PR",
    "rust-issue": "Rust Issue",
    "tracking-issue": "Tracking Issue",
    "author": "Authors",
    "authors": "Authors",
    "status": "Status",
    "supersedes": "Supersedes",
    "superseded-by": "Superseded By",
}
RUST_STATUSES = {
    **{s: s for s in STATUSES},
    "active": "accepted",
    "merged": "accepted",
    "final": "implemented",
    "stabilized": "implemented",
    "closed": "rejected",
    "final comment period": "fcp",
}
_BULLET = re.compile(r"^[ \t]{0,3}[-*+][ \t]+(?P<key>[^:\n]{1,40}?)[ \t]*:[ \t]*(?P<value>.*)$")


def _header_bullets(lines: list[str], start: int = 0) -> tuple[list[tuple[int, str, str]], int]:
    """The `- Key: value` lines at the top (with indented continuation lines), and where they end."""
    while start < len(lines) and not lines[start].strip():
        start += 1
    items: list[tuple[int, str, str]] = []
    index = start
    while index < len(lines):
        line = lines[index]
        match = _BULLET.match(line)
        if match:
            items.append((index + 1, match["key"], match["value"].strip()))
        elif items and line.startswith((" ", "\t")) and line.strip():
            number, key, value = items[-1]
            items[-1] = (number, key, f"{value} {line.strip()}".strip())
        else:
            break
        index += 1
    if not items:
        return [], 0
    return items, index


def _link_url(value: str, repository: str, kind: str) -> str:
    """The URL of a header value: a Markdown link, a bare URL, or `owner/repo#N` / `#N` made one."""
    link = _MD_LINK.search(value)
    if link and link[2].startswith(("http://", "https://")):
        return link[2]
    url = _URL.search(value)
    if url:
        return url.group(0)
    short = re.search(r"(?:(?P<repo>[\w.-]+/[\w.-]+))?#(?P<number>\d+)", value)
    if short:
        return f"https://github.com/{short['repo'] or repository}/{kind}/{short['number']}"
    return ""


def parse_rust(path: Path) -> ParsedRFC:
    """`text/NNNN-name.md` with rust-lang/rfcs header bullets; merged into text/, so accepted."""
    path = Path(path)
    warnings: list[str] = []
    text = _read(path, warnings)
    lines = text.split("\n")
    # A few RFCs put their title as a heading above the bullets.
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    heading = _ATX.match(lines[first]) if lines else None
    lead_title = None
    if heading and heading["text"] and not _is_generic(_inline_text(heading["text"])):
        following, _ = _header_bullets(lines, first + 1)
        if following:
            lead_title = _inline_text(heading["text"])
            first += 1
    items, end = _header_bullets(lines, first)
    header: dict[str, tuple[int, str]] = {}
    metadata: dict[str, Any] = {}
    for line, written, value in items:
        key, close = _match_key(re.sub(r"[#*`]", "", written), RUST_KEYS)
        if key is None:
            warnings.append(f"line {line}: unknown header '{written}' kept in metadata")
            metadata[written.strip()] = _shown(value)
            continue
        if close:
            warnings.append(f"line {line}: '{written.strip()}' read as '{key}'")
        header.setdefault(key, (line, value))
    if not items:
        warnings.append("line 1: no rust-lang/rfcs header bullets (- Feature Name:, - Start Date:, ...)")
    body = "\n".join(lines[end:]).lstrip("\n")

    name_match = RUST_NAME.match(path.stem)
    file_number = int(name_match["number"]) if name_match else None
    name = name_match["name"] if name_match else path.stem
    pr_line, pr_value = header.get("RFC PR", (None, ""))
    pr_url = "" if _is_placeholder(pr_value) else _link_url(pr_value, "rust-lang/rfcs", "pull")
    pr_number_match = re.search(r"/pull/(\d+)", pr_url)
    pr_number = int(pr_number_match[1]) if pr_number_match else None
    number = file_number or pr_number
    if not number:
        raise RFCParseError(
            path,
            pr_line or 1,
            "no RFC number: name the file NNNN-name.md or give the merged PR in '- RFC PR:'",
        )
    if file_number and pr_number and pr_number != file_number:
        warnings.append(f"line {pr_line}: RFC PR #{pr_number} differs from the file's number {file_number}")
    if not file_number:
        warnings.append(f"line {pr_line}: no number in the file name; using the RFC PR number {number}")

    parsed = ParsedRFC(
        path=str(path), format="rust", series="rust", number=number, slug=_slug(name) or str(number),
        title="", status="accepted", body=body, warnings=warnings,
    )  # fmt: skip
    feature_line, feature = header.get("Feature Name", (None, ""))
    if feature and not _is_placeholder(feature):
        metadata["Feature name"] = feature.strip().strip("`").strip()
    if lead_title:
        parsed.title = _title(lead_title, first, warnings)
    elif feature and not _is_placeholder(feature):
        parsed.title = _title(_humanize(feature.replace("`", "")), feature_line, warnings)
    else:
        parsed.title = _title(_humanize(name), None, warnings)
    if "Start Date" in header:
        line, value = header["Start Date"]
        if not _is_placeholder(value):
            _set_date(parsed, value, line, "Start Date")
    if pr_url:
        parsed.discussion_url = pr_url
        metadata["RFC PR"] = pr_url
    for key, label in (("Rust Issue", "Rust issue"), ("Tracking Issue", "Tracking issue")):
        if key not in header or _is_placeholder(header[key][1]):
            continue
        value = header[key][1]
        urls = [m[2] for m in _MD_LINK.finditer(value) if m[2].startswith("http")]
        urls += _URL.findall(_MD_LINK.sub(" ", value))
        shorts = re.findall(
            r"(?<![\w/])(?:([\w.-]+/[\w.-]+))?#(\d+)", _MD_LINK.sub(" ", _URL.sub(" ", value))
        )
        urls += [f"https://github.com/{repo or 'rust-lang/rust'}/issues/{n}" for repo, n in shorts]
        urls = _unique(urls)
        metadata[label] = urls[0] if len(urls) == 1 else urls if urls else value
    if "Authors" in header:
        _set_people(parsed, _split_people(header["Authors"][1]))
    if "Status" in header:
        line, value = header["Status"]
        parsed.raw_status = value
        parsed.status = _map_status(value, RUST_STATUSES, line, warnings, default="accepted")
    for key, target in (("Supersedes", parsed.replaces), ("Superseded By", parsed.superseded_by)):
        if key in header:
            line, value = header[key]
            target.extend(_references(_split_list(_MD_LINK.sub(r"\1", value)), "rust", line, key, warnings))
    parsed.metadata = metadata
    parsed.aliases = _unique([f"rust-{number}", path.stem.lower()])
    if not body.strip():
        warnings.append("the file has no text below its header")
    return parsed
