"""What a notes file's path says: its date, its series, the key it is found by, whether it is notes.

A folder of notes looks like `SIG-Guest-Languages/Python/2023/python-08-08.md`: the folders above
the year name the series, the file name (with the year folder) dates the meeting, and the path
from the series folder down is the key a meeting is found again by, whether the file is
imported alone or with its whole folder.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path, PurePosixPath

from decisions.sources import files as safe_files

NOT_NOTES = {
    "readme.md",
    "contributing.md",
    "code_of_conduct.md",
    "license.md",
    "changelog.md",
    "security.md",
}
NOTES_SUFFIXES = {".md", ".markdown"}


def date_from_path(path: str) -> datetime.date | None:
    """The meeting date a file name gives, with the year from a YYYY folder when the name lacks it.

    Handles `wasmtime/2023/wasmtime-03-30.md`, `guest-langs-08-08-2023.md`, `2024-01-10.md`,
    `01-20-2026-Meeting-Notes.md`, `docs-07-3.md` and `tsc-wamr-cve-debrief-0626.md`.
    """
    pure = PurePosixPath(str(path).replace("\\", "/"))
    name = pure.stem
    year = year_from_path(path)
    candidates: list[tuple[int, int, int | None]] = []
    for match in re.finditer(r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)", name):
        candidates.append((int(match[2]), int(match[3]), int(match[1])))
    for match in re.finditer(r"(?<!\d)(\d{1,2})[-_.](\d{1,2})[-_.](\d{4})(?!\d)", name):
        candidates.append((int(match[1]), int(match[2]), int(match[3])))
    if not candidates:
        for match in re.finditer(r"(?<!\d)(\d{1,2})[-_.](\d{1,2})(?![\d])", name):
            candidates.append((int(match[1]), int(match[2]), year))
        for match in re.finditer(r"(?<!\d)(\d{2})(\d{2})(?!\d)", name):
            candidates.append((int(match[1]), int(match[2]), year))
    for month, day, candidate_year in candidates:
        if candidate_year is None:
            continue
        try:
            return datetime.date(candidate_year, month, day)
        except ValueError:
            continue
    return None


def year_from_path(path: str) -> int | None:
    """The last `YYYY` folder of a path (`cranelift/2023/...` -> 2023), if any."""
    parts = PurePosixPath(str(path).replace("\\", "/")).parts[:-1]
    for part in reversed(parts):
        if re.fullmatch(r"(19|20|21)\d\d", part):
            return int(part)
    return None


ACRONYM_WORDS = {
    "sig": "SIG",
    "tsc": "TSC",
    "ml": "ML",
    "wamr": "WAMR",
    "wasi": "WASI",
    "js": "JS",
    "cm": "CM",
}


def series_name(parts: list[str] | tuple[str, ...]) -> str:
    """`["SIG-Guest-Languages", "Python"]` -> "SIG Guest Languages: Python"."""
    names = []
    for part in parts:
        words = [w for w in re.split(r"[-_\s]+", part) if w]
        names.append(
            " ".join(
                ACRONYM_WORDS.get(w.lower(), w if any(c.isupper() for c in w) else w.capitalize())
                for w in words
            )
        )
    return ": ".join(name for name in names if name)


def parts_before_year(parts: tuple[str, ...] | list[str]) -> list[str]:
    """The folders above the first `YYYY` folder: the series part of a notes path."""
    for index, part in enumerate(parts):
        if re.fullmatch(r"(19|20|21)\d\d", part):
            return list(parts[:index])
    return list(parts)


def notes_files(root: Path) -> tuple[list[Path], list[tuple[Path, str]], list[tuple[Path, str]]]:
    """The files below root that may be notes, the ones skipped and the ones refused (links
    out of root, FIFOs, devices: decisions.sources.files), each with the reason."""
    candidates, skipped = [], []
    found, refused = safe_files.files_below(root, suffixes=NOTES_SUFFIXES)
    for path in found:
        name = path.name.lower()
        if name in NOT_NOTES or name.startswith("template"):
            skipped.append((path, "not meeting notes (README, TEMPLATE and the like)"))
            continue
        candidates.append(path)
    return candidates, skipped, refused


def series_from_path(path: str | Path, root: str | Path | None = None) -> str:
    """The series a notes file belongs to: the folders above its year folder.

    With `root` (the folder being imported) that is the path below root, without `archived/`:
    `SIG-Guest-Languages/Python/2023/x.md` -> "SIG Guest Languages: Python". For a lone file it
    is the folder above the year, plus the parent when that is a series of its own (it holds a
    TEMPLATE*.md, as `SIG-Guest-Languages/` does).
    """
    pure = PurePosixPath(Path(path).resolve().as_posix())
    if root is not None and not year_from_path(pure.as_posix()):
        try:
            rel = pure.relative_to(PurePosixPath(Path(root).as_posix()))
        except ValueError:
            rel = None
        if rel is not None:
            parts = [p for p in parts_before_year(rel.parts[:-1]) if p.lower() != "archived"]
            return series_name(parts) if parts else series_name([Path(root).resolve().name]) or "Meetings"
    folders = list(pure.parts[:-1])
    before = parts_before_year(folders)
    if not before:
        return "Meetings"
    if len(before) == len(folders):
        return series_name([folders[-1]])
    parts = [before[-1]]
    if len(before) >= 2 and before[-2].lower() != "archived" and _has_template(Path(*before[:-1])):
        parts.insert(0, before[-2])
    return series_name(parts)


def _has_template(folder: Path) -> bool:
    try:
        return any(folder.glob("TEMPLATE*.md"))
    except OSError:
        return False


def source_key(path: Path, root: str | Path | None) -> str:
    """Where notes came from, the same whether imported alone or with their folder:
    `wasmtime/2023/wasmtime-03-30.md`, relative to the folder of all series."""
    if path.resolve().as_posix().startswith(("/proc/", "/sys/", "/dev/")):
        return path.as_posix()  # refused anyway; /proc/self -> /proc/2077 is no year folder
    if root is not None:
        try:
            relative = path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            relative = None
        # Keys come from the file's own year and series folders, so importing the corpus, one
        # series or one year folder finds the same meeting again; the root only serves notes
        # that sit in no year folder.
        if relative is not None and not year_from_path(path.resolve().as_posix()):
            return relative
    parts = list(PurePosixPath(path.resolve().as_posix()).parts)
    before = parts_before_year(parts[:-1])
    if len(before) == len(parts) - 1:
        return path.as_posix()
    start = len(before) - 1
    if start >= 1 and _has_template(Path(*before[:-1])) and len(before) >= 2:
        start -= 1
    if start >= 1 and before[start - 1].lower() == "archived":
        start -= 1
    return PurePosixPath(*parts[max(start, 0) :]).as_posix()
