"""Meeting notes files and folders into the site: read_file, import_file, import_folder (the commands).

A file is read (only inside its folder, as UTF-8), checked against the limits, parsed and saved
by decisions.meetings.saving in one transaction of its own; a folder's files are all read first,
so the people of every attendee list exist before any meeting is saved.

A meeting is its series and date: a file updates the meeting imported from it, or else the one of
its series and date, in place. Notes edited on the site since the last import (their text is not
what that import read) are never overwritten: the meeting is kept and the difference reported.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch

from decisions.meetings.changes import MeetingChanges, meeting_changes, notes_diff
from decisions.meetings.limits import meeting_size_problem, notes_size_problem
from decisions.meetings.models import notes_digest
from decisions.meetings.parsing import MeetingParseError, ParsedActionItem, ParsedMeeting, parse_meeting
from decisions.meetings.parsing.decided import find_decisions
from decisions.meetings.paths import date_from_path, notes_files, series_from_path, source_key
from decisions.meetings.saving import Lookups, _save, existing_meeting, meeting_title, render_notes
from decisions.models import Meeting, MeetingSeries, Person, unique_slug
from decisions.people.names import AMBIGUOUS, display_name, name_key, name_tokens
from decisions.sources import files as safe_files
from decisions.text import first_control_line, strip_controls


class ImportProblem(Exception):
    """A notes file that cannot be imported, said the way a person can act on."""


@dataclass
class FileResult:
    path: str
    text: str
    parsed: ParsedMeeting
    series: str
    date: datetime.date
    meeting: Meeting | None = None
    created: bool = False
    # Corrections a person made to this meeting in the browser that no longer fit the notes.
    stale_corrections: list[str] = field(default_factory=list)
    # What saving does (or, in a dry run, would do) to the meeting of that series and date:
    # "created", "updated", "unchanged" (the notes on the site are already these) or "kept".
    outcome: str = "created"
    changes: MeetingChanges | None = None
    kept_diff: list[str] = field(default_factory=list)
    previous_path: str = ""

    @property
    def kept(self) -> str | None:
        return "edited on the site" if self.outcome == "kept" else None

    def kept_warning(self, dry_run: bool = False) -> str:
        """A kept meeting's warning: why, the difference (file and lines) and what to do."""
        url = _meeting_url(self.meeting) if self.meeting else "the meeting"
        would = "would not be" if dry_run else "was not"
        lines = [
            f"warning: kept: {self.path}: {url} was edited on the site since it was last imported, so it "
            f"{would} overwritten. The site's notes differ from the file:",
            *self.kept_diff[:KEPT_LINES_SHOWN],
        ]
        if len(self.kept_diff) > KEPT_LINES_SHOWN:
            lines.append(f"... {len(self.kept_diff) - KEPT_LINES_SHOWN} more lines (--json has them)")
        lines.append(
            f"To keep the site's notes, copy them into the file; to take the file's, paste it at {url}edit/"
        )
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        parsed = self.parsed
        return {
            "created": self.outcome == "created",
            "updated": self.outcome == "updated",
            "kept": self.kept,
            "changes": self.changes.as_json() if self.changes else None,
            "diff": self.kept_diff[:KEPT_DIFF_LINES] or None,
            "previous_path": self.previous_path or None,
            "title": self.meeting.title if self.meeting else meeting_title(parsed, self.series, self.date),
            "date": self.date.isoformat(),
            "series": self.series,
            "attendees": parsed.attendees,
            "speakers": parsed.speakers,
            # Each speaker as written, how found (label, reported, stand-up, presenter) and the attendee
            # the label was tied to, with how ("first name", "handle prefix"...): nothing is silent.
            "speaker_details": parsed.speaker_details,
            "topics": [
                {
                    "title": t.title,
                    "speakers": t.speakers,
                    "remarks": len(t.remarks),
                    "found": t.found,
                    "confidence": t.confidence,
                }
                for t in parsed.topics
                if not t.loose
            ],
            # Notes written under no subject (a "Notes" heading over a stand-up round): saved and
            # shown as such, not a topic.
            "loose_notes": [{"title": t.title, "remarks": len(t.remarks)} for t in parsed.topics if t.loose],
            "action_items": [_item_json(i) for i in parsed.action_items],
            # Inferred items: offered in the preview for a person to accept, never saved as read.
            "suggested_action_items": [_item_json(i) for i in parsed.suggested_items],
            # Sentences that record or call for a decision, one suggestion per topic: offered in the
            # preview as a prefilled new decision record, never saved as read.
            "suggested_decisions": [s.as_json() for s in find_decisions(parsed)],
            "links": [{"url": link.url, "text": link.text} for link in parsed.links],
            "meeting": _meeting_url(self.meeting) if self.meeting else None,
            "warnings": parsed.warnings,
            "stale_corrections": self.stale_corrections,
        }


def _item_json(item: ParsedActionItem) -> dict[str, Any]:
    return {
        "owner": item.owner,
        "text": item.text,
        "done": item.done,
        "found": item.found,
        "confidence": item.confidence,
    }


# How much of the difference a kept meeting's report shows: in JSON, and on the terminal.
KEPT_DIFF_LINES = 200
KEPT_LINES_SHOWN = 20


def _meeting_url(meeting: Meeting) -> str:
    try:
        return meeting.get_absolute_url()
    except NoReverseMatch:
        return f"/meetings/{meeting.pk}/"


def read_notes(path: Path, shown: str | None = None, root: str | Path | None = None) -> str:
    """The text of a notes file, exactly as stored (CRLF kept); a clear error when it is not UTF-8.

    Only a regular file inside root (by default its own folder) is read, and only up to
    MARKDOWN_MAX_BYTES: see decisions.sources.files.
    """
    try:
        raw = safe_files.read_bytes(path, root)
    except safe_files.RefusedFile as error:
        raise ImportProblem(f"{shown or path}: {error.reason}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportProblem(
            f"{shown or path}: not valid UTF-8 (line {line}, byte {error.start}); save the file as UTF-8"
        ) from error
    if "\x00" in text:  # PostgreSQL cannot store it, and no editor puts it there on purpose
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportProblem(
            f"{shown or path}: contains a NUL character (line {line}); remove it and import again"
        )
    # Other control characters (a stray \x01 or \x0b) break the Atom feeds: removed. Only then is
    # the text not kept byte for byte.
    if first_control_line(text) is not None:
        text = strip_controls(text)
    return text


def read_file(
    path: str | Path,
    *,
    series: str | None = None,
    date: datetime.date | None = None,
    root: str | Path | None = None,
) -> FileResult:
    """Read and parse one notes file, writing nothing; raise ImportProblem naming the file and line."""
    path = Path(path)
    key = source_key(path, root)
    if path.is_dir():
        raise ImportProblem(f"{path}: a folder; import_meetings reads every notes file in a folder")
    text = read_notes(path, key, root)
    # The same bounds as pasted notes: a file past them is refused before the parse, not stored.
    too_big = notes_size_problem(text)
    if too_big:
        raise ImportProblem(f"{key}: {too_big}")
    try:
        parsed = parse_meeting(text, path=key, default_date=date)
    except MeetingParseError as error:
        where = f":{error.line}" if error.line else ""
        raise ImportProblem(f"{key}{where}: {error.message}") from error
    too_big = meeting_size_problem(parsed)
    if too_big:
        raise ImportProblem(f"{key}: {too_big}")
    when = date or parsed.date
    if when is None:
        raise ImportProblem(f"{key}: no date in the notes or the file name; pass --date YYYY-MM-DD")
    return FileResult(
        path=key, text=text, parsed=parsed, series=series or series_from_path(path, root), date=when
    )


def plan_file(
    result: FileResult,
    series: MeetingSeries | None = None,
    *,
    lock: bool = False,
    lookups: Lookups | None = None,
) -> Meeting | None:
    """The meeting a read file updates (None: it makes one), and what saving it does, in `result`.

    Notes edited on the site since the last import are kept: `outcome` "kept" with the
    difference from the file in `kept_diff`. Reads only; `lock` (inside the saving
    transaction) holds the meeting until it commits.
    """
    if series is None:
        series = MeetingSeries.objects.filter(name__iexact=result.series).first()
    existing = existing_meeting(series, result.date, "", result.path, lock=lock) if series else None
    result.outcome, result.changes, result.kept_diff = "created", None, []
    result.created = existing is None
    if existing is None:
        return None
    result.meeting = existing
    result.previous_path = existing.source_path if existing.source_path != result.path else ""
    if not existing.notes_edited_on_site():
        result.outcome = "updated"
        title = meeting_title(result.parsed, existing.series.name, result.date)
        result.changes = meeting_changes(
            existing,
            result.parsed,
            title=title,
            text=result.text,
            labels=("last import", result.path),
            people=lookups.people if lookups else None,  # an import run's, loaded once
        )
    elif existing.source_text == result.text:
        result.outcome = "unchanged"  # pasted or edited here into exactly this file's notes
    else:
        result.outcome = "kept"
        result.kept_diff = notes_diff(result.text, existing.source_text, (result.path, "on the site"))
    return existing


def save_file(result: FileResult, lookups: Lookups, *, user: Any = None) -> FileResult:
    """Save a read file as its meeting (one transaction), creating its series when new; a meeting
    edited on the site is kept as it is (see plan_file)."""
    series = lookups.series.get(result.series.casefold()) or get_series(result.series)
    lookups.series[result.series.casefold()] = series
    rendered = render_notes(result.parsed, result.text, stored_unchanged=_stored_unchanged(result))
    digest = notes_digest(result.text)
    with transaction.atomic():
        existing = plan_file(result, series, lock=True, lookups=lookups)
        if result.outcome == "kept":
            return result
        if result.outcome == "unchanged":
            # The site's notes are this file's: from now on it is the file they were imported from.
            Meeting.objects.filter(pk=existing.pk).update(
                source_path=result.path[:500], imported_digest=digest
            )
            return result
        result.meeting, result.created = _save(
            result.parsed,
            series=series,
            date=result.date,
            source_text=result.text,
            source_path=result.path,
            user=user,
            create_people=True,
            action_items=None,
            lookups=lookups,
            rendered=rendered,
            target=existing,
        )
        result.stale_corrections = result.meeting.stale_corrections
        Meeting.objects.filter(pk=result.meeting.pk).update(imported_digest=digest)
        result.meeting.imported_digest = digest
    return result


def _stored_unchanged(result: FileResult) -> bool:
    """Whether the meeting imported from this file already holds its agenda and text."""
    stored = (
        Meeting.objects.filter(source_path=result.path[:500])
        .order_by("pk")
        .values_list("agenda", "source_text")
        .first()
    )
    return stored == (result.parsed.agenda, result.text)


def import_file(
    path: str | Path,
    *,
    series: str | None = None,
    date: datetime.date | None = None,
    dry_run: bool = False,
    root: str | Path | None = None,
    user: Any = None,
) -> FileResult:
    """Parse one notes file and (unless dry_run) save it; raise ImportProblem naming the file."""
    result = read_file(path, series=series, date=date, root=root)
    if dry_run:
        plan_file(result)
        return result
    return save_file(result, Lookups(), user=user)


def get_series(name: str) -> MeetingSeries:
    """The series of that name (any case), created with a unique slug when new."""
    found = MeetingSeries.objects.filter(name__iexact=name).first()
    return found or MeetingSeries.objects.create(
        name=name[:200], slug=unique_slug(MeetingSeries, name, max_length=100)
    )


@dataclass
class FolderReport:
    imported: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[FileResult] = field(default_factory=list)  # edited on the site: not overwritten
    changed: list[FileResult] = field(default_factory=list)  # updated, with what changed
    skipped: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # not read at all: links out, FIFOs...
    failed: list[tuple[str, str]] = field(default_factory=list)
    stale_corrections: list[tuple[str, str]] = field(default_factory=list)  # (path, what no longer applies)
    topics: int = 0
    remarks: int = 0
    action_items: int = 0
    speakers: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "kept": [
                {
                    "path": r.path,
                    "meeting": _meeting_url(r.meeting) if r.meeting else None,
                    "reason": r.kept,
                    "diff": r.kept_diff[:KEPT_DIFF_LINES],
                }
                for r in self.kept
            ],
            "changes": [
                {"path": r.path, "meeting": _meeting_url(r.meeting), "changes": r.changes.as_json()}
                for r in self.changed
                if r.meeting and r.changes
            ],
            "failed": [{"path": path, "error": error} for path, error in self.failed],
            "skipped": len(self.skipped),
            "refused": [{"path": path, "reason": reason} for path, reason in self.refused],
            "stale_corrections": [{"path": path, "note": note} for path, note in self.stale_corrections],
            "topics": self.topics,
            "remarks": self.remarks,
            "action_items": self.action_items,
            "speakers": self.speakers,
            "seconds": round(self.seconds, 2),
            "dry_run": self.dry_run,
        }


def import_folder(
    root: str | Path, *, dry_run: bool = False, progress: Callable[[int, int, str], None] | None = None
) -> FolderReport:
    """Import every dated notes file below root, each in its own transaction; bad files are listed.

    All files are read first, so the people in every attendee list exist before any meeting is
    saved: "Till" in a 2021 note then finds the "Till Schneidereit" of a 2024 one.
    """
    started = time.monotonic()
    root = Path(root)
    if not root.is_dir():
        raise ImportProblem(f"{root}: not a folder")
    report = FolderReport(dry_run=dry_run)
    files, skipped, refused = notes_files(root)
    report.skipped = [(source_key(p, root), reason) for p, reason in skipped]
    report.refused = [(p.relative_to(root).as_posix(), reason) for p, reason in refused]
    results = []
    days: dict[tuple[str, datetime.date], str] = {}
    for path in files:
        key = source_key(path, root)
        try:
            result = _read_dated(path, root)
        except ImportProblem as error:
            report.failed.append((key, str(error)))
            continue
        except Exception as error:  # one unreadable file must not stop the others
            report.failed.append((key, f"{key}: {type(error).__name__}: {error}"))
            continue
        if result is None:
            report.skipped.append((key, "no date in the file name or the notes"))
        elif (result.series.casefold(), result.date) in days:
            first = days[(result.series.casefold(), result.date)]
            report.failed.append((key, f"{key}: {result.series}, {result.date} is also {first}: "
                                  "one meeting per series and day; merge the two files"))  # fmt: skip
        else:
            days[(result.series.casefold(), result.date)] = key
            results.append(result)
    lookups = None if dry_run else Lookups.for_run()
    if lookups is not None:
        _prepare_people(results, lookups)
    speakers: set[str] = set()
    for index, result in enumerate(results, start=1):
        if progress:
            progress(index, len(results), result.path)
        try:
            save_file(result, lookups) if lookups is not None else plan_file(result)
        except Exception as error:  # reported with its file; its transaction rolled back
            report.failed.append((result.path, f"{result.path}: {type(error).__name__}: {error}"))
            continue
        if result.outcome == "kept":
            report.kept.append(result)
            continue
        report.imported += 1
        report.stale_corrections += [(result.path, note) for note in result.stale_corrections]
        report.created += result.outcome == "created"
        report.updated += result.outcome == "updated"
        report.unchanged += result.outcome == "unchanged"
        if result.changes is not None and result.changes.any:
            report.changed.append(result)
        report.topics += len(result.parsed.topics)
        report.remarks += sum(len(t.remarks) for t in result.parsed.topics)
        report.action_items += len(result.parsed.action_items)
        speakers.update(name_key(s) for s in result.parsed.speakers)
    report.speakers = len(speakers)
    report.seconds = time.monotonic() - started
    return report


def _read_dated(path: Path, root: Path) -> FileResult | None:
    """One file of a folder, or None when neither its name nor its text dates it (not notes)."""
    key = source_key(path, root)
    if date_from_path(key) is None:
        try:
            result = read_file(path, root=root)
        except ImportProblem as error:
            if "no date" in str(error):
                return None
            raise
        return result if result.parsed.text_date is not None else None
    return read_file(path, root=root)


@transaction.atomic
def _prepare_people(results: list[FileResult], lookups: Lookups) -> None:
    """Create everyone named in full in any attendee list, most often written spelling first,
    and learn how many meetings of each series they attended, before saving any meeting."""
    index = lookups.people
    counts: Counter[tuple[str, bool]] = Counter()
    for result in results:
        listed = {name_key(a) for a in result.parsed.attendees}
        for name in [*result.parsed.attendees, *result.parsed.speakers]:
            last_first = "," in name and name_key(name) in listed
            if len(name_tokens(name)) >= 2 and ("," not in name or last_first):
                counts[(name, last_first)] += 1
    for (name, last_first), _ in counts.most_common():
        found = index.lookup(display_name(name, last_first=last_first))
        if found is AMBIGUOUS:
            continue
        if found is None:
            person = index.create(name, [name], last_first=last_first)
            person.save()
            index.add(person)
        elif name_key(name) not in {name_key(a) for a in [found.name, *found.aliases]}:
            found.aliases = [*found.aliases, name]  # a spelling seen in the notes: "Till Schneiderent"
            found.save(update_fields=["aliases"])
            index.add(found)
    for result in results:
        series = lookups.series.get(result.series.casefold()) or get_series(result.series)
        lookups.series[result.series.casefold()] = series
        present = {index.lookup(name, None) for name in result.parsed.attendees}
        index.counts(series).update(p.pk for p in present if isinstance(p, Person))


__all__ = [
    "FileResult",
    "FolderReport",
    "ImportProblem",
    "get_series",
    "import_file",
    "import_folder",
    "plan_file",
    "read_file",
    "read_notes",
    "save_file",
]
