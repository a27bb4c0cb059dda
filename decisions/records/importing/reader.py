"""Decision record files to checked records, every problem kept with its file and line.

A folder holds this site's export (MADR 4 with an `rfcs-site` key, or the export before it) or a
plain ADR folder (MADR 2/3/4, log4brains, adr-tools): each file is read by the reader its front
matter calls for. A repository's root is looked into for `docs/decisions/`, `doc/adr/` or
`docs/adr/`. Templates and indexes are skipped; files are read only inside the folder
(decisions.sources.files).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.conf import settings

from decisions.formats import frontmatter
from decisions.records.export import INDEX_NAME
from decisions.records.importing.fields import Fields, load_front_matter
from decisions.records.importing.legacy import FRONT_MATTER_KEYS, read_legacy
from decisions.records.importing.madr import is_madr_export, read_madr
from decisions.records.importing.plain import read_plain
from decisions.records.importing.report import ImportFailed, Problem
from decisions.records.specs import RecordSpec
from decisions.sources import files as safe_files

# Where ADR tools keep their records, looked into when the folder given has none itself.
ADR_FOLDERS = ("docs/decisions", "doc/decisions", "docs/adr", "doc/adr", "docs/architecture/decisions")
_NUMBERED = re.compile(r"^(\d+)(?:-.*)?\.md$", re.IGNORECASE)
_INDEXES = {"readme.md", "index.md", "toc.md", "_sidebar.md"}
# Keys only the export before MADR 4 wrote (MADR and Jekyll front matter may say title or status).
_LEGACY_ONLY = set(FRONT_MATTER_KEYS) - {"title", "status", "areas"}
_TEMPLATE = re.compile(r"(^|[-_])template([-_.]|$)", re.IGNORECASE)


def _skip_reason(name: str) -> str | None:
    if name.lower() in _INDEXES:
        return "an index"
    if _TEMPLATE.search(name):
        return "a template"
    return None


def _log4brains(names: list[str]) -> bool:
    """log4brains names files YYYYMMDD-slug.md: numbers then follow the names' order."""

    def dated(name: str) -> bool:
        try:
            datetime.datetime.strptime(name[:8], "%Y%m%d")
        except ValueError:
            return False
        return name[8:9] == "-"

    return bool(names) and all(dated(name) for name in names)


def _decode(file: Path, root: Path, problems: list[Problem]) -> str | None:
    path = str(file)
    # A record holds many Markdown fields, each up to MARKDOWN_MAX_BYTES.
    limit = settings.MARKDOWN_MAX_BYTES * 16
    try:
        data = safe_files.read_bytes(file, root, limit=limit, setting="16 × MARKDOWN_MAX_BYTES")
    except safe_files.RefusedFile as error:
        problems.append(Problem(path, None, error.reason))
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        problems.append(Problem(path, None, f"is not UTF-8 text ({error.reason} at byte {error.start})"))
        return None


def _read_file(
    file: Path, problems: list[Problem], root: Path, number: int, links: dict[str, int]
) -> RecordSpec | None:
    """Parse and check one file; its problems are added to `problems`, sorted by line."""
    text = _decode(file, root, problems)
    return None if text is None else read_text(text, str(file), file.name, problems, number, links)


def read_text(
    text: str, path: str, file_name: str, problems: list[Problem], number: int = 0,
    links: dict[str, int] | None = None,
) -> RecordSpec | None:  # fmt: skip
    """The record one file's text describes, or None with its problems added, sorted by line."""
    before = len(problems)
    record = None
    links = links or {}
    if frontmatter.has_front_matter(text):
        data = load_front_matter(text, path, problems)
        if data is not None:
            front = frontmatter.split(text)
            top = Fields(data, "", path, problems)
            if is_madr_export(data):
                record = read_madr(top, front.body, front.body_line, file_name)
            elif set(data) & _LEGACY_ONLY:
                record = read_legacy(top)
            else:
                record = read_plain(
                    front.body,
                    data,
                    path=path,
                    file_name=file_name,
                    number=number,
                    links=links,
                    problems=problems,
                )
    else:
        record = read_plain(
            text, None, path=path, file_name=file_name, number=number, links=links, problems=problems
        )
    problems[before:] = sorted(problems[before:], key=lambda problem: problem.line or 0)
    if record is not None:
        record.text = text
    return record if len(problems) == before else None


def _check_numbers(records: list[RecordSpec]) -> list[Problem]:
    first: dict[int, RecordSpec] = {}
    problems = []
    for record in records:
        if record.number in first:
            other = Path(first[record.number].path).name
            problems.append(
                Problem(record.path, record.lines.get("number"), f"DR-{record.number:04d} is also in {other}")
            )
        else:
            first[record.number] = record
    return problems


def _link_both_ways(records: list[RecordSpec]) -> None:
    """A record the folder says supersedes another is that one's superseded-by, and back."""
    by_number = {record.number: record for record in records}
    for record in records:
        for later in record.superseded_by:
            if later in by_number and by_number[later].supersedes is None:
                by_number[later].supersedes = record.number
    for record in records:
        target = by_number.get(record.supersedes) if isinstance(record.supersedes, int) else None
        if target and record.number not in target.superseded_by:
            target.superseded_by = sorted([*target.superseded_by, record.number])


def find_folder(path: str | Path) -> Path:
    """The folder given, or the ADR folder inside it when it holds no numbered files itself."""
    folder = Path(path)
    if not folder.is_dir():
        raise ImportFailed([Problem(str(folder), None, "is not a folder")])
    if any(_NUMBERED.match(child.name) for child in folder.iterdir()):
        return folder
    return next((folder / name for name in ADR_FOLDERS if (folder / name).is_dir()), folder)


def read_folder(
    path: str | Path, refused: list[tuple[str, str]], skipped: list[tuple[str, str]] | None = None
) -> list[RecordSpec]:
    """Parse and check every record file of a folder; raise ImportFailed listing every problem.

    Files that may not be read at all (links out of the folder, FIFOs, devices) are left out
    and added to `refused` with the reason; indexes, templates and files without a number in
    their name go to `skipped`.
    """
    folder = find_folder(path)
    skipped = [] if skipped is None else skipped
    problems: list[Problem] = []
    files, unreadable = safe_files.files_below(folder, suffixes=[".md"], recursive=False)
    refused += [(str(file), reason) for file, reason in unreadable if file.name.lower() != INDEX_NAME.lower()]
    candidates = []
    for file in files:
        reason = _skip_reason(file.name) or (None if _NUMBERED.match(file.name) else "no number in its name")
        if reason:
            skipped.append((str(file), reason))
        else:
            candidates.append(file)
    names = sorted(file.name for file in candidates)
    dated = _log4brains(names)
    numbers = {
        name: index if dated else int(_NUMBERED.match(name)[1])  # type: ignore[index]
        for index, name in enumerate(names, 1)
    }
    links = {key: number for name, number in numbers.items() for key in (name, name.removesuffix(".md"))}
    records = []
    for file in candidates:
        record = _read_file(file, problems, folder, numbers[file.name], links)
        if record is not None:
            if dated:
                record.notes.append(f"numbered {record.number} in the order of the file names (log4brains)")
            records.append(record)
    problems += _check_numbers(records)
    if problems:
        raise ImportFailed(problems, refused)
    _link_both_ways(records)
    return records
