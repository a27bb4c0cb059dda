"""Which RFC format a file is, and every RFC file under the files and folders given."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from decisions.formats import frontmatter
from decisions.markdown import clean_text
from decisions.rfcs.parsing.common import (
    PEP_NAME,
    RUST_NAME,
    _check_format,
)
from decisions.sources import files as safe_files


def detect_format(path: Path, root: Path | None = None) -> str | None:
    """The format of one file, from its name and its first lines; None when it is none of ours
    (or when it may not be read: see decisions.sources.files, with root as the folder)."""
    path = Path(path)
    name = path.name.lower()
    if name in ("kep.yaml", "kep.yml"):
        return "kep"
    if name == "readme.md" and kep_yaml_beside(path):
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
    if frontmatter.has_front_matter(text):
        try:
            front, closed = frontmatter.split(text).yaml, True
        except frontmatter.UnclosedFrontMatter:  # or closed past the head read
            front, closed = text.partition("\n")[2], False
        if re.search(r"^kep-number[ \t]*:", front, re.MULTILINE):
            return "kep"
        if closed or re.match(r"[\w-]+[ \t]*:", front):
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
            kep = kep_yaml_beside(given) if readme else None
            target = kep or given
            detected = "kep" if kep else detect_format(given)
            found = [(target, fmt if fmt != "auto" else (detected or "auto"))]
        for path, path_format in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path, path_format


def kep_yaml_beside(path: Path) -> Path | None:
    """The kep.yaml (or kep.yml) in the folder of path, if there is one."""
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
