"""RFC files from other processes -> ParsedRFC, for `manage.py import_rfcs` (DESIGN.md section 5).

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
"""

from __future__ import annotations

import contextvars
import datetime
import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.text import slugify

from decisions.formats import yaml as safe_yaml
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


# Interface ------------------------------------------------------------------------------


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


def detect_format(path: Path, root: Path | None = None) -> str | None:
    """The format of one file, from its name and its first lines; None when it is none of ours
    (or when it may not be read: see decisions.sources.files, with root as the folder)."""
    path = Path(path)
    name = path.name.lower()
    if name in ("kep.yaml", "kep.yml"):
        return "kep"
    if name == "readme.md" and _kep_yaml_beside(path):
        return "kep"
    suffix = path.suffix.lower()
    if suffix not in (".md", ".markdown", ".rst", ".txt"):
        return None
    try:
        head = safe_files.read_head(path, root, size=64 * 1024)
    except (safe_files.RefusedFile, OSError):
        return None
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = clean_text(head.decode("utf-16" if utf16 else "utf-8", errors="replace"))
    if text.startswith("---\n"):
        closing = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
        front = text[4 : 4 + closing.start()] if closing else text[4:]
        if re.search(r"^kep-number[ \t]*:", front, re.MULTILINE):
            return "kep"
        if closing or re.match(r"[\w-]+[ \t]*:", front):
            return "frontmatter"
    first = next((line for line in text.split("\n") if line.strip()), "")
    if re.match(r"PEP[ \t]*:", first):
        return "pep"
    if re.match(r"[-*+]\s+(?:feature\s+name|start\s+date|rfc\s+pr|rust\s+issue)\b", first, re.IGNORECASE):
        return "rust"
    if suffix in (".md", ".markdown"):
        if path.parent.name == "text" and RUST_NAME.match(path.stem):
            return "rust"
        return "bytecodealliance"
    if PEP_NAME.match(path.stem):
        return "pep"
    return None


def iter_rfc_files(
    paths: Iterable[Path], fmt: str = "auto", refused: list[tuple[Path, str]] | None = None
) -> Iterator[tuple[Path, str]]:
    """Every RFC file under the given files and folders, once each, in path order.

    A KEP folder yields its kep.yaml only. Repository furniture (README, LICENSE, templates,
    hidden folders) is skipped; at a repository root that has one of the known RFC folders
    (`accepted/`, `text/`, `keps/`, `peps/`) only those folders are read. A file named
    explicitly is always yielded, with "auto" as its format when none could be told, so that
    parse_file reports why. A file that may not be read (a link out of the folder given, a FIFO,
    a device: see decisions.sources.files) is left out and added to `refused` with the reason.
    """
    _check_format(fmt)
    refused = [] if refused is None else refused
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        if given.is_dir():
            found = sorted(_walk(given, fmt, refused), key=lambda item: item[0].as_posix())
        else:
            try:
                safe_files.check(given)
            except safe_files.RefusedFile as error:
                refused.append((given, error.reason))
                continue
            readme = given.name.lower() == "readme.md" and fmt in ("auto", "kep")
            kep = _kep_yaml_beside(given) if readme else None
            target = kep or given
            detected = "kep" if kep else detect_format(given)
            found = [(target, fmt if fmt != "auto" else (detected or "auto"))]
        for path, path_format in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path, path_format


def parse_file(path: Path, fmt: str = "auto", root: Path | None = None) -> ParsedRFC:
    """Read one RFC file (for a KEP: its kep.yaml, the README.md beside it, or its folder).

    Every file read must stay inside root (by default the folder the file is in).
    """
    _check_format(fmt)
    path = Path(path)
    if fmt in ("auto", "kep") and (path.name.lower() == "readme.md" or path.is_dir()):
        path = _kep_yaml_beside(path / "README.md" if path.is_dir() else path) or path
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


def _kep_yaml_beside(path: Path) -> Path | None:
    for name in ("kep.yaml", "kep.yml"):
        candidate = path.with_name(name)
        if candidate.is_file():
            return candidate
    return None


# Walking folders ----------------------------------------------------------------------------

RFC_FOLDERS = ("accepted", "text", "keps", "peps")
SKIPPED_NAMES = {
    "readme", "license", "licence", "copying", "notice", "contributing", "code_of_conduct",
    "code-of-conduct", "security", "changelog", "changes", "history", "authors", "owners",
    "owners_aliases", "maintainers", "summary", "index", "0000-template", "pep-0000",
}  # fmt: skip
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "venv", "site-packages"}
PLACEHOLDER_NAME = re.compile(r"(?:^|[-_])(?:nnnn|xxxx)(?:$|[-_.])", re.IGNORECASE)
RUST_NAME = re.compile(r"^(?P<number>\d+)-(?P<name>.+)$")
PEP_NAME = re.compile(r"^pep-?(?P<number>\d+)$", re.IGNORECASE)


def _skipped(name: str) -> bool:
    stem = name.rsplit(".", 1)[0].lower()
    return (
        name.startswith(".")
        or stem in SKIPPED_NAMES
        or stem.startswith("template")
        or stem.endswith("-template")
        or bool(PLACEHOLDER_NAME.search(stem))
    )


def _may_read(path: Path, root: Path, refused: list[tuple[Path, str]]) -> bool:
    """Whether the importer may read the file; when not, it is added to refused with the reason."""
    try:
        safe_files.check(path, root)
    except safe_files.RefusedFile as error:
        refused.append((path, error.reason))
        return False
    return True


def _walk(root: Path, fmt: str, refused: list[tuple[Path, str]]) -> Iterator[tuple[Path, str]]:
    starts = [root / name for name in RFC_FOLDERS if (root / name).is_dir()] or [root]
    for start in starts:
        for folder, dirnames, filenames in os.walk(start):
            here = Path(folder)
            names = set(filenames)
            if "kep.yaml" in names or "kep.yml" in names:  # a KEP folder: one record, nothing below
                dirnames[:] = []
                kep = here / ("kep.yaml" if "kep.yaml" in names else "kep.yml")
                if fmt in ("auto", "kep") and not _skipped(here.name) and _may_read(kep, root, refused):
                    yield kep, "kep"
                continue
            dirnames[:] = sorted(d for d in dirnames if not _skipped(d) and d not in SKIPPED_FOLDERS)
            for name in sorted(filenames):
                if _skipped(name):
                    continue
                path = here / name
                suffix = path.suffix.lower()
                if suffix not in (".md", ".markdown", ".rst", ".txt") or not _may_read(path, root, refused):
                    continue
                detected = detect_format(path, root)
                if fmt == "auto":
                    if detected:
                        yield path, detected
                elif fmt == "pep":
                    if detected == "pep" or PEP_NAME.match(path.stem):
                        yield path, fmt
                elif fmt == "kep":
                    if detected == "kep":
                        yield path, fmt
                elif suffix in (".md", ".markdown"):
                    yield path, fmt


# Shared helpers -----------------------------------------------------------------------------

PLACEHOLDERS = {"", "-", "--", "n/a", "na", "none", "null", "nil", "tbd", "todo", "unknown", "?"}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_ISO_DATE = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?")
_DAY_MONTH_YEAR = re.compile(
    r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[-/ .]+(?P<m>[A-Za-z]{3,9})\.?[-/ .,]+(?P<y>\d{4}|\d{2})"
)
_MONTH_DAY_YEAR = re.compile(r"(?P<m>[A-Za-z]{3,9})\.?[ ]+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[ ]+(?P<y>\d{4})")
_MONTH_YEAR = re.compile(r"(?P<m>[A-Za-z]{3,9})\.?,?[ ]+(?P<y>\d{4})")
_YEAR_MONTH = re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})")
_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})")


def parse_date(raw: str) -> tuple[datetime.date | None, str | None]:
    """A date as people write it, and a note when it was read loosely or could not be read.

    "2017-06-26", "2017/06/26", "26-Jun-2017", "26 June 2017", "June 26, 2017" are read as
    they are; "June 2017" or "2017-06" as the first of the month (noted); an impossible date
    such as 2019-02-30 gives None (noted), so the caller keeps the raw text.
    """
    text = raw.strip().strip("`'\"[]()").strip()
    if text.lower() in PLACEHOLDERS or text.startswith(("(", "<")) or "yyyy" in text.lower():
        return None, f"'{raw.strip()}' is not a date"
    for pattern in (_ISO_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.fullmatch(text)
        if match:
            return _make_date(raw, match["y"], match["m"], match["d"])
    match = _NUMERIC_DATE.fullmatch(text)
    if match:
        a, b = int(match["a"]), int(match["b"])
        if a > 12 or b > 12:
            day, month = (a, b) if a > 12 else (b, a)
            return _make_date(raw, match["y"], str(month), str(day))
        found, note = _make_date(raw, match["y"], str(b), str(a))
        return found, note or f"'{text}' could be day/month or month/day; read as day/month"
    for pattern in (_MONTH_YEAR, _YEAR_MONTH):
        match = pattern.fullmatch(text)
        if match:
            found, note = _make_date(raw, match["y"], match["m"], "1")
            return found, note or f"'{text}' has no day; read as the first of the month"
    # A date inside other words: "2014-03-11 (revised 2015)".
    for pattern in (_ISO_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            found, note = _make_date(raw, match["y"], match["m"], match["d"])
            return found, note or f"'{raw.strip()}' read as {found.isoformat() if found else ''}"
    return None, f"'{raw.strip()}' is not a date"


def _make_date(raw: str, year: str, month: str, day: str) -> tuple[datetime.date | None, str | None]:
    number = MONTHS.get(month.lower()) if not month.isdigit() else int(month)
    if number is None:
        return None, f"'{raw.strip()}' is not a date (unknown month '{month}')"
    y = int(year)
    if len(year) == 2:
        y += 2000 if y < 70 else 1900
    try:
        return datetime.date(y, number, int(day)), None
    except ValueError:
        return None, f"'{raw.strip()}' is not a real date"


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


def _set_date(parsed: ParsedRFC, raw: Any, line: int | None, label: str) -> None:
    text = "" if raw is None else str(raw).strip()
    parsed.raw_created = text
    if not text:
        return
    parsed.created_on, note = parse_date(text)
    if note:
        where = f"line {line}: " if line else ""
        kept = "" if parsed.created_on else "; kept as written"
        parsed.warnings.append(f"{where}{label} {note}{kept}")


def _is_placeholder(value: str) -> bool:
    text = value.strip().strip("`").strip().lower()
    return text in PLACEHOLDERS or text.startswith(("(fill", "(leave", "<", "(none", "(n/a"))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


# People -------------------------------------------------------------------------------------

_ANGLE = re.compile(r"<([^<>]*)>")
_PAREN = re.compile(r"\(([^()]*)\)")
_EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(?:\.[\w-]+)+$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^()\s]*)\)")
_GITHUB_USER = re.compile(r"https?://(?:www\.)?github\.com/([\w-]+)/?$")


def _split_people(text: str) -> list[str]:
    """Split an author list on commas, semicolons, "and" and newlines, not inside <> or ()."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "<([":
            depth += 1
        elif char in ">)]" and depth:
            depth -= 1
        if depth == 0 and char in ",;\n":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    people = []
    for part in parts:
        people.extend(re.split(r"\s+(?:and|&)\s+", part))
    return [p.strip() for p in people if p.strip()]


def parse_person(written: str) -> tuple[str, list[str]]:
    """ "Barry Warsaw <barry@python.org>" -> ("Barry Warsaw", ["barry"]); "@jsafrane" -> ("jsafrane", ["jsafrane"]).

    Also "barry@python.org (Barry Warsaw)", "Saúl Cabrera (@saulecabrera)", "guido at python.org"
    and "[Name](https://github.com/handle)". Handles are kept without "@", as Person.aliases are.
    """
    text = written.strip().strip("*_`\"'").strip()
    aliases: list[str] = []
    link = _MD_LINK.fullmatch(text)
    if link:
        text = link[1].strip()
        user = _GITHUB_USER.match(link[2])
        if user:
            aliases.append(user[1])

    def email_alias(value: str) -> str | None:
        value = re.sub(r"\s+at\s+", "@", value.strip()).replace(" dot ", ".")
        value = value.removeprefix("mailto:")
        if _EMAIL.match(value):
            return value.split("@", 1)[0]
        return None

    for match in _ANGLE.findall(text):
        alias = email_alias(match)
        if alias:
            aliases.append(alias)
    text = _ANGLE.sub("", text).strip()
    name = text
    for inner in _PAREN.findall(text):
        inner = inner.strip()
        if inner.startswith("@"):
            aliases.append(inner[1:])
            name = name.replace(f"({inner})", "")
        elif email_alias(inner):
            aliases.append(email_alias(inner) or "")
            name = name.replace(f"({inner})", "")
    name = name.strip()
    outside = email_alias(_PAREN.sub("", name))
    if outside:  # "barry@python.org (Barry Warsaw)": the name is in the parentheses
        inner_names = [i.strip() for i in _PAREN.findall(name) if i.strip()]
        aliases.append(outside)
        name = inner_names[0] if inner_names else outside
    name = re.sub(r"\s+", " ", name).strip(" ,;")
    if name.startswith("@"):  # a bare handle: the name is the handle
        name = name[1:]
        aliases.append(name)
    return name, _unique(a.strip() for a in aliases)


def _set_people(parsed: ParsedRFC, values: Iterable[str]) -> None:
    for written in values:
        if _is_placeholder(written):
            continue
        name, aliases = parse_person(written)
        if not name:
            continue
        if name not in parsed.authors:
            parsed.authors.append(name)
        if aliases:
            known = parsed.author_handles.setdefault(name, [])
            known.extend(a for a in aliases if a not in known)


# References ----------------------------------------------------------------------------------

_RST_LINK = re.compile(r"`(?P<text>[^`<]*?)\s*<(?P<url>[^<>`]+)>`_{1,2}")
_URL = re.compile(r"https?://[^\s<>`\"')\]]+")
_KEP_PATH = re.compile(r"(?:^|/)keps/(?:[\w.-]+/)*?(?P<number>\d+)-[\w.-]+/?$")
_KEP_REF = re.compile(r"^kep[-_ ]?#?0*(?P<number>\d+)(?:\b|$)", re.IGNORECASE)
_NUMBER = re.compile(r"^#?0*(?P<number>\d{1,7})$")
KEP_REPOSITORY = "https://github.com/kubernetes/enhancements"


def _reference(value: str, series: str) -> str | None:
    """ "205", "PEP 205", "pep-0205" -> "pep-205" in series pep; "KEP-178", "/keps/sig-x/178-y" -> "kep-178"."""
    text = value.strip().strip("`'\"").strip()
    kep = _KEP_REF.match(text) or _KEP_PATH.search(text.rstrip("/"))
    if kep:
        return f"kep-{int(kep['number'])}"
    match = re.fullmatch(
        r"(?:(?P<series>rfc|rust-rfc|rust|pep)[-_ ]*)?#?0*(?P<number>\d{1,7})", text, re.IGNORECASE
    )
    if match:
        written = (match["series"] or "").lower()
        target = {"rfc": "", "rust-rfc": "rust"}.get(written, written) if written else series
        return f"{target}-{int(match['number'])}" if target else str(int(match["number"]))
    return None


def _references(
    values: Iterable[str], series: str, line: int | None, label: str, warnings: list[str]
) -> list[str]:
    found = []
    for value in values:
        if _is_placeholder(value):
            continue
        reference = _reference(value, series)
        if reference:
            found.append(reference)
        elif _URL.fullmatch(value.strip()):
            found.append(value.strip())
        elif value.strip().startswith("/keps/"):
            found.append(f"{KEP_REPOSITORY}/tree/master{value.strip()}")
        else:
            where = f"line {line}: " if line else ""
            warnings.append(f"{where}{label} '{value.strip()}' is not an RFC number or a URL; left out")
    return _unique(found)


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _rst_links(text: str) -> list[tuple[str, str]]:
    """(text, url) for each http(s) rST link `text <url>`_ or bare URL in a header value."""
    found = [(m["text"].strip(), m["url"].strip()) for m in _RST_LINK.finditer(text)]
    rest = _RST_LINK.sub(" ", text)
    found += [(url, url) for url in _URL.findall(rest)]
    return [(label, url) for label, url in found if _URL.fullmatch(url)]  # http(s) only: these become links


def _shown(text: str) -> str:
    """An rST or Markdown link in a header value as "text (url)"; plain text as it is."""
    text = re.sub(r"\s+", " ", text).strip()
    rst = _RST_LINK.fullmatch(text)
    if rst:
        label, url = rst["text"].strip(), rst["url"].strip()
        return url if not label or label == url else f"{label} ({url})"
    md = _MD_LINK.fullmatch(text)
    if md:
        label, url = md[1].strip(), md[2].strip()
        return url if not label or label == url else f"{label} ({url})"
    return text


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


# YAML ----------------------------------------------------------------------------------------

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML that keeps dates as the text written: an impossible date must not fail the file."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


YAML_MAX_NESTING = 100
MAX_WARNINGS = 50


def _check_nesting(text: str, path: Path, first_line: int) -> None:
    """Refuse absurdly nested flow collections before libyaml recurses on them (it can crash)."""
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1 if depth else 0
        if depth > YAML_MAX_NESTING:
            line = first_line + text.count("\n", 0, match.start())
            raise RFCParseError(path, line, f"invalid YAML: nested more than {YAML_MAX_NESTING} levels deep")


def _load_yaml(text: str, path: Path, first_line: int) -> dict:
    """A YAML mapping, or RFCParseError at the line of the problem (counted in the whole file)."""
    _check_nesting(text, path, first_line)
    try:
        safe_yaml.refuse_large_aliases(text)
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except safe_yaml.LargeAlias as error:
        raise RFCParseError(path, first_line + error.line, f"invalid YAML: {error}") from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        reason = f"invalid YAML: {error.problem or error.context}"
        if error.context and error.context_mark and error.problem and error.context_mark.line != mark.line:
            reason += f" ({error.context} started on line {first_line + error.context_mark.line})"
        raise RFCParseError(path, line, reason) from error
    except yaml.YAMLError as error:
        raise RFCParseError(path, first_line, f"invalid YAML: {error}") from error
    except RecursionError as error:
        raise RFCParseError(path, first_line, "invalid YAML: nested too deeply") from error
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


# Markdown helpers ----------------------------------------------------------------------------

GENERIC_HEADINGS = {
    "summary", "abstract", "motivation", "introduction", "intro", "overview", "background",
    "proposal", "table of contents", "contents", "toc", "description", "context", "goals",
    "detailed design", "design", "rationale", "status", "metadata", "tl;dr", "tldr",
}  # fmt: skip
_ATX = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


def _headings(text: str, limit: int = 400) -> Iterator[tuple[int, int, str]]:
    """(line index, level, text) of Markdown headings outside code fences, in the first lines."""
    lines = text.split("\n")[:limit]
    fence = ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match:
            if not fence:
                fence = match["fence"]
            elif match["fence"][0] == fence[0] and len(match["fence"]) >= len(fence):
                fence = ""
            continue
        if fence:
            continue
        atx = _ATX.match(line)
        if atx and atx["text"]:
            yield index, len(atx["marks"]), _inline_text(atx["text"])
        elif (
            index + 1 < len(lines)
            and line.strip()
            and not line.startswith((" " * 4, "\t", "-", "*", "+", ">", "|", "<"))
            and _SETEXT.match(lines[index + 1])
            and (index == 0 or not lines[index - 1].strip())
        ):
            yield index, 1 if "=" in lines[index + 1] else 2, _inline_text(line)


def _inline_text(text: str) -> str:
    """Heading text without Markdown emphasis, code marks and link targets."""
    text = _MD_LINK.sub(lambda m: m[1], text)
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_generic(title: str) -> bool:
    return title.lower().strip(" :.") in GENERIC_HEADINGS


def _strip_title_heading(body: str, index: int) -> str:
    """The body without its title heading, when that heading is the first thing in it."""
    lines = body.split("\n")
    if any(line.strip() for line in lines[:index]):
        return body
    drop = index + (2 if not _ATX.match(lines[index]) else 1)
    return "\n".join(lines[drop:]).lstrip("\n")


def _title_from_heading(body: str) -> tuple[str | None, int | None]:
    """The first heading as a title, unless it is a section name; with its line index."""
    for index, _level, text in _headings(body):
        if text and not _is_generic(text):
            return text, index
        return None, None
    return None, None


# bytecodealliance ----------------------------------------------------------------------------

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


# rust ----------------------------------------------------------------------------------------

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


# pep -----------------------------------------------------------------------------------------

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


# kep -----------------------------------------------------------------------------------------

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


def _readable(key: str) -> str:
    """ "latest-milestone" -> "Latest milestone"; "prr-approvers" -> "PRR approvers"."""
    words = re.sub(r"[-_]+", " ", str(key)).strip()
    words = re.sub(r"\b(prr|kep|sig|url|id)\b", lambda m: m[1].upper(), words)
    return words[:1].upper() + words[1:]


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


# frontmatter ---------------------------------------------------------------------------------

FRONTMATTER_KEYS = {
    key: key
    for key in (
        "number", "title", "status", "authors", "shepherd", "areas", "created", "created_on",
        "discussion_url", "supersedes", "superseded_by", "replaces", "see_also", "series", "slug",
        "body_format", "aliases", "metadata",
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


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """(YAML text, body, line of the first YAML line) for `---` YAML `---` then the body."""
    if not text.startswith("---\n"):
        raise RFCParseError(path, 1, "no front matter: the file must start with a line ---")
    closing = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if not closing:
        raise RFCParseError(
            path, 1, "the front matter is not closed: add a line --- after it, before the body"
        )
    yaml_text = text[4 : 4 + closing.start()]
    body = text[4 + closing.end() :].lstrip("\n")
    return yaml_text, body, 2


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


PARSERS = {
    "bytecodealliance": parse_bytecodealliance,
    "rust": parse_rust,
    "pep": parse_pep,
    "kep": parse_kep,
    "frontmatter": parse_frontmatter,
}
