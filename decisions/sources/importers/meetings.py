"""Meeting notes of a source, imported file by file with import_meetings' own read_file and save_file."""

from __future__ import annotations

import datetime
from pathlib import PurePosixPath

from decisions.meetings.importing import ImportProblem, _prepare_people, _read_dated, read_file, save_file
from decisions.meetings.models import Meeting, notes_digest
from decisions.meetings.paths import NOT_NOTES, NOTES_SUFFIXES
from decisions.meetings.saving import Lookups
from decisions.sources.importers.base import Adapter, Context, Outcome, Unit, below
from decisions.sources.models import RecordKind


class MeetingAdapter(Adapter):
    kind = RecordKind.MEETING

    def units(self, paths: list[str], folder: str) -> tuple[list[Unit], list[tuple[str, str]]]:
        """Every Markdown file but READMEs and templates; a series folder's TEMPLATE*.md is written
        beside its notes, as the series' name is read from it."""
        templates = [p for p in paths if PurePosixPath(p).name.lower().startswith("template")]
        units, skipped = [], []
        for path in sorted(paths):
            rel = PurePosixPath(below(path, folder))
            name = rel.name.lower()
            if any(part.startswith(".") for part in rel.parts):
                skipped.append((path, "hidden"))
            elif rel.suffix.lower() not in NOTES_SUFFIXES:
                skipped.append((path, "not a Markdown file"))
            elif name in NOT_NOTES or name.startswith("template"):
                skipped.append((path, "not meeting notes (README, TEMPLATE and the like)"))
            else:
                above = [t for t in templates if PurePosixPath(path).is_relative_to(PurePosixPath(t).parent)]
                units.append(Unit(path, context=above))
        return units, skipped

    def import_units(self, context: Context, units: list[Unit]) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        results = []
        days: dict[tuple[str, datetime.date], str] = {}
        series = context.source.series or None
        for unit in units:
            path = context.root / unit.path
            try:
                if series:
                    result = read_file(path, series=series, root=context.folder)
                else:
                    result = _read_dated(path, context.folder)
            except ImportProblem as error:
                outcomes[unit.path] = Outcome(unit.path, "failed", error=str(error))
                continue
            if result is None:
                outcomes[unit.path] = Outcome(
                    unit.path, "skipped", error="no date in the file name or the notes"
                )
                continue
            day = (result.series.casefold(), result.date)
            if day in days:
                error = f"{unit.path}: {result.series}, {result.date} is also {days[day]}: one meeting per series and day"
                outcomes[unit.path] = Outcome(unit.path, "failed", error=error)
                continue
            days[day] = unit.path
            results.append((unit.path, result))
        lookups = Lookups.for_run()
        _prepare_people([result for _, result in results], lookups)
        for index, (path, result) in enumerate(results, 1):
            context.tick(index, len(results), path)
            try:
                save_file(result, lookups)
            except Exception as error:  # one file's transaction rolled back; the others go on
                outcomes[path] = Outcome(path, "failed", error=f"{path}: {type(error).__name__}: {error}")
                continue
            outcome = {"created": "imported", "kept": "conflict"}.get(result.outcome, result.outcome)
            meeting = result.meeting
            outcomes[path] = Outcome(path, outcome, meeting.pk if meeting else None, version=None)
        return outcomes

    def versions(self, ids: list[int]) -> dict[int, int]:
        return {}  # notes edited on the site are told by their digest, in save_file ("kept")

    def describe(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        meetings = Meeting.objects.filter(pk__in=ids).only("title", "date")
        return {m.pk: (f"{m.title} ({m.date})", m.get_absolute_url()) for m in meetings}

    def site_text(self, record_id: int) -> str:
        meeting = Meeting.objects.filter(pk=record_id).only("source_text").first()
        return meeting.source_text if meeting else ""

    def release(self, record_id: int, commit: str) -> None:
        """The site's notes count as imported, so save_file takes the file's over them."""
        meeting = Meeting.objects.filter(pk=record_id).only("source_text").first()
        if meeting is not None:
            Meeting.objects.filter(pk=record_id).update(imported_digest=notes_digest(meeting.source_text))
