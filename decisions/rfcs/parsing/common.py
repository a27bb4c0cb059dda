"""What every RFC format shares: ParsedRFC, RFCParseError, reading a file, and small text helpers.

Reading goes through decisions.sources.files (only regular files inside the folder given, size
checked first); BOM, CR, NUL and control characters are cleaned and each cleaning is warned.
"""

from __future__ import annotations

import contextvars
import datetime
import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.text import slugify

from decisions.markdown import clean_text
from decisions.sources import files as safe_files
from decisions.text import first_control_line, strip_controls

FORMATS = ("bytecodealliance", "rust", "pep", "kep", "frontmatter")
SERIES_OF_FORMAT = {"bytecodealliance": "", "rust": "rust", "pep": "pep", "kep": "kep", "frontmatter": ""}
SERIES = ("", "rust", "pep", "kep")
# The values of decisions.models.RFCStatus (kept here so this module needs no app registry).
STATUSES = (
    "draft",
    "proposed",
    "fcp",
    "accepted",
    "rejected",
    "postponed",
    "withdrawn",
    "implemented",
    "superseded",
)

TITLE_MAX = 300
SLUG_MAX = 100
# Bounds for copying YAML values into metadata: a crafted file (aliases that fan out, deep
# nesting) must not turn into a huge JSON document.
METADATA_DEPTH = 4
METADATA_ITEMS = 200
METADATA_TEXT = 2000

# What a parse gives -------------------------------------------------------------------------


class RFCParseError(Exception):
    """A file that cannot be imported at all; str() is "path:line: reason" for the report."""

    def __init__(self, path: str | os.PathLike, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass
class ParsedRFC:
    path: str
    format: str
    series: str
    number: int | None
    slug: str
    title: str
    status: str
    raw_status: str = ""
    authors: list[str] = field(default_factory=list)
    author_handles: dict[str, list[str]] = field(default_factory=dict)
    shepherd: str | None = None
    areas: list[str] = field(default_factory=list)
    created_on: datetime.date | None = None
    raw_created: str = ""
    discussion_url: str = ""
    body: str = ""
    body_format: str = "markdown"
    replaces: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # This site's export: the record's motions (decisions.signoff.written), restored on import.
    signoff: list = field(default_factory=list)


# Reading files ------------------------------------------------------------------------------


def _check_format(fmt: str) -> None:
    if fmt != "auto" and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use auto or one of {', '.join(FORMATS)}")


# The folder the files of the parse under way must stay inside (parse_file's root); a context
# variable, so that the parsers keep taking a path alone.
_ROOT: contextvars.ContextVar[Path | None] = contextvars.ContextVar("rfc_root", default=None)


def _read(path: Path, warnings: list[str]) -> str:
    """The file as text: checked and size-checked before it is read (decisions.sources.files), BOM
    and CR removed, undecodable bytes replaced (warned)."""
    try:
        data = safe_files.read_bytes(path, _ROOT.get(), limit=settings.MARKDOWN_MAX_BYTES)
    except safe_files.RefusedFile as error:
        raise RFCParseError(path, None, error.reason) from error
    except OSError as error:
        raise RFCParseError(path, None, f"cannot read the file: {error.strerror or error}") from error
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise RFCParseError(path, None, f"invalid UTF-16 at byte offset {error.start}") from error
        warnings.append("the file is UTF-16; read as such")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            bad = sum(1 for c in data.decode("utf-8-sig", errors="replace") if c == "\ufffd")
            warnings.append(
                f"line {line}: bytes that are not UTF-8 (first at byte offset {error.start}); "
                f"{bad} replaced with \N{REPLACEMENT CHARACTER}"
            )
            text = data.decode("utf-8-sig", errors="replace")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        warnings.append(f"line {line}: NUL characters replaced with \N{REPLACEMENT CHARACTER}")
    text = clean_text(text)
    line = first_control_line(text)
    if line is not None:
        warnings.append(f"line {line}: control characters removed")
        text = strip_controls(text)
    return text


# Names of RFC files: rust-lang/rfcs' `NNNN-name.md` (and KEP folders), PEP's `pep-NNNN.rst`.
RUST_NAME = re.compile(r"^(?P<number>\d+)-(?P<name>.+)$")
PEP_NAME = re.compile(r"^pep-?(?P<number>\d+)$", re.IGNORECASE)


# Shared helpers -----------------------------------------------------------------------------

PLACEHOLDERS = {"", "-", "--", "n/a", "na", "none", "null", "nil", "tbd", "todo", "unknown", "?"}
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^()\s]*)\)")


def _match_key(key: str, known: dict[str, str]) -> tuple[str | None, bool]:
    """The canonical key for a written one (exact, case-insensitive, then close), and if it was close."""
    folded = re.sub(r"[\s_]+", "-", key.strip().lower())
    if folded in known:
        return known[folded], False
    close = difflib.get_close_matches(folded, list(known), n=1, cutoff=0.75)
    if close:
        return known[close[0]], True
    return None, False


def _fold(key: str) -> str:
    return re.sub(r"[\s_]+", "-", key.strip().lower())


def _map_status(
    raw: str, mapping: dict[str, str], line: int | None, warnings: list[str], *, default: str = "draft"
) -> str:
    """One of STATUSES for a written status: exact, then a close spelling (warned), else default (warned)."""
    where = f"line {line}: " if line else ""
    written = raw.strip()
    key = re.sub(r"\s+", " ", written.lower()).strip(" .")
    if not key:
        warnings.append(f"{where}no status given; shown as {default}")
        return default
    if key in mapping:
        return mapping[key]
    close = difflib.get_close_matches(key, list(mapping), n=1, cutoff=0.75)
    if close:
        warnings.append(f"{where}status '{written}' read as '{close[0]}'")
        return mapping[close[0]]
    warnings.append(f"{where}unknown status '{written}'; kept as written, shown as {default}")
    return default


ACRONYMS = {
    "abi", "api", "aot", "bti", "cfi", "ci", "cpu", "csi", "ffi", "gc", "gpu", "http", "ide", "io",
    "ir", "jit", "json", "lsp", "lts", "nll", "rfc", "simd", "ssa", "tls", "toml", "url", "wasi", "yaml",
}  # fmt: skip


def _humanize(text: str) -> str:
    """ "async-imports" -> "Async imports"; "wasmtime-lts" -> "Wasmtime LTS"; "virt_self" -> "Virt self"."""
    words = re.sub(r"[-_\s]+", " ", text.strip("`'\" ")).strip().split(" ")
    words = [word.upper() if word.lower() in ACRONYMS else word for word in words if word]
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:]


def _slug(text: str) -> str:
    return slugify(text)[:SLUG_MAX].strip("-")


def _title(text: str, line: int | None, warnings: list[str]) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > TITLE_MAX:
        where = f"line {line}: " if line else ""
        warnings.append(f"{where}title longer than {TITLE_MAX} characters; shortened")
        text = text[: TITLE_MAX - 1].rstrip() + "…"
    return text


def _is_placeholder(value: str) -> bool:
    text = value.strip().strip("`").strip().lower()
    return text in PLACEHOLDERS or text.startswith(("(fill", "(leave", "<", "(none", "(n/a"))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


# YAML values as data -------------------------------------------------------------------------


def _plain(value: Any, depth: int = 0, budget: list[int] | None = None) -> Any:
    """A YAML value as bounded JSON-safe data: str, numbers, bools, lists and dicts of them."""
    budget = budget if budget is not None else [METADATA_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or depth > METADATA_DEPTH:
        return "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1, budget) for item in value[:METADATA_ITEMS] if budget[0] > 0]
    if isinstance(value, dict):
        out = {}
        for key, item in list(value.items())[:METADATA_ITEMS]:
            if budget[0] <= 0:
                break
            out[str(key)[:100]] = _plain(item, depth + 1, budget)
        return out
    return str(value)[:METADATA_TEXT]


def _text(value: Any) -> str:
    """A YAML scalar as text; a list or mapping where text belongs is shown bounded, never expanded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float | datetime.date):
        return str(value).strip()
    return str(_plain(value))[:METADATA_TEXT]


def _as_list(value: Any) -> list[str]:
    """A YAML list (or a comma-separated text) as texts; nested lists and mappings are left out."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [item for item in value[:METADATA_ITEMS] if isinstance(item, str | int | float)]
        return [str(item).strip() for item in items if str(item).strip()]
    if isinstance(value, dict):
        return []
    return _split_list(str(value))


def _readable(key: str) -> str:
    """ "latest-milestone" -> "Latest milestone"; "prr-approvers" -> "PRR approvers"."""
    words = re.sub(r"[-_]+", " ", str(key)).strip()
    words = re.sub(r"\b(prr|kep|sig|url|id)\b", lambda m: m[1].upper(), words)
    return words[:1].upper() + words[1:]
