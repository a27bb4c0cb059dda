"""RFC files from other processes -> ParsedRFC, for `manage.py import_rfcs`.

Five formats, each read the way its own repository writes it:

- bytecodealliance: `accepted/<slug>.md`, no metadata header; the title is the first heading
  unless that is a section name such as "Summary", then it comes from the file name.
- rust: `text/NNNN-name.md` starting with the header bullets of rust-lang/rfcs' template
  (`- Feature Name:`, `- Start Date:`, `- RFC PR:`, `- Rust Issue:`).
- pep: `pep-NNNN.rst` (or `.txt`, `.md`) starting with PEP 1's RFC 822-style preamble.
- kep: a Kubernetes enhancement folder, `kep.yaml` beside `README.md` (or an older single
  Markdown file whose front matter has `kep-number`).
- frontmatter: this site's own export, `/rfcs/<n>.md`: YAML between `---` lines, then Markdown.

Real files are messy, so what can be kept is kept and reported as a warning: dates in many
shapes (or impossible ones), CRLF and BOM, misspelt header keys and statuses, numbers written as
text, bytes that are not UTF-8. Only a file that cannot be used at all raises RFCParseError,
naming the file, the line and the reason.

Everything here is pure: files in, dataclasses out; no database access.

One module per format (bytecodealliance.py, rust.py, pep.py, kep.py, frontmatter.py), the
format detection and folder walk in detect.py, and what they share in common.py and the small
modules beside it (dates, people, references, YAML headers, Markdown headings). Front matter and
YAML are read by decisions.formats, as every importer reads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from decisions.formats.dates import parse_date
from decisions.rfcs.parsing.bytecodealliance import parse_bytecodealliance
from decisions.rfcs.parsing.common import (
    _ROOT,
    FORMATS,
    METADATA_ITEMS,
    SERIES,
    SERIES_OF_FORMAT,
    STATUSES,
    TITLE_MAX,
    ParsedRFC,
    RFCParseError,
    _check_format,
)
from decisions.rfcs.parsing.detect import detect_format, iter_rfc_files, kep_yaml_beside
from decisions.rfcs.parsing.frontmatter import parse_frontmatter
from decisions.rfcs.parsing.kep import parse_kep
from decisions.rfcs.parsing.people import parse_person
from decisions.rfcs.parsing.pep import parse_pep
from decisions.rfcs.parsing.rust import parse_rust
from decisions.sources import files as safe_files
from decisions.text import strip_controls

__all__ = [
    "FORMATS",
    "METADATA_ITEMS",
    "PARSERS",
    "SERIES",
    "SERIES_OF_FORMAT",
    "STATUSES",
    "TITLE_MAX",
    "ParsedRFC",
    "RFCParseError",
    "detect_format",
    "iter_rfc_files",
    "parse_bytecodealliance",
    "parse_date",
    "parse_file",
    "parse_frontmatter",
    "parse_kep",
    "parse_pep",
    "parse_person",
    "parse_rust",
]

PARSERS = {
    "bytecodealliance": parse_bytecodealliance,
    "rust": parse_rust,
    "pep": parse_pep,
    "kep": parse_kep,
    "frontmatter": parse_frontmatter,
}


def parse_file(path: Path, fmt: str = "auto", root: Path | None = None) -> ParsedRFC:
    """Read one RFC file (for a KEP: its kep.yaml, the README.md beside it, or its folder).

    Every file read must stay inside root (by default the folder the file is in).
    """
    _check_format(fmt)
    path = Path(path)
    if fmt in ("auto", "kep") and (path.name.lower() == "readme.md" or path.is_dir()):
        path = kep_yaml_beside(path / "README.md" if path.is_dir() else path) or path
    try:
        safe_files.check(path, root)
    except safe_files.RefusedFile as error:
        raise RFCParseError(path, None, error.reason) from error
    if fmt == "auto":
        detected = detect_format(path, root)
        if detected is None:
            raise RFCParseError(
                path, None, "not an RFC file this importer knows (Markdown, PEP .rst/.txt or kep.yaml)"
            )
        fmt = detected
    token = _ROOT.set(root)
    try:
        return _cap_warnings(_without_controls(PARSERS[fmt](path)))
    finally:
        _ROOT.reset(token)


# At most this many warnings are kept for one file; the rest are counted.
MAX_WARNINGS = 50


def _strip_value(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_strip_value(item) for item in value]
    if isinstance(value, dict):
        return {_strip_value(key): _strip_value(item) for key, item in value.items()}
    return value


def _without_controls(parsed: ParsedRFC) -> ParsedRFC:
    """The record with control characters removed from every text, including those a YAML
    escape such as "\\x01" wrote (the raw file had them removed already): feeds cannot carry them."""
    changed = False
    for name in ParsedRFC.__dataclass_fields__:
        if name in ("path", "warnings"):
            continue
        value = getattr(parsed, name)
        stripped = _strip_value(value)
        if stripped != value:
            setattr(parsed, name, stripped)
            changed = True
    if changed:
        parsed.warnings.append("control characters written as escapes removed")
    return parsed


def _cap_warnings(parsed: ParsedRFC) -> ParsedRFC:
    if len(parsed.warnings) > MAX_WARNINGS:
        more = len(parsed.warnings) - MAX_WARNINGS
        parsed.warnings[MAX_WARNINGS:] = [f"... and {more} more warnings"]
    return parsed
