"""RFC files of a source, imported with import_rfcs' own parts (workers, records, writer), file by file."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path, PurePosixPath

from django.db import transaction

from decisions.models import RFC, RFCSeries, RFCStatus
from decisions.rfcs.importing.records import _Records
from decisions.rfcs.importing.report import RFCImportReport
from decisions.rfcs.importing.run import _compress_fast, _import_one
from decisions.rfcs.importing.workers import _Workers
from decisions.rfcs.importing.writer import _Importer, _message
from decisions.rfcs.parsing import ParsedRFC, RFCParseError, detect_format, parse_file
from decisions.rfcs.parsing.common import PEP_NAME
from decisions.rfcs.parsing.detect import RFC_FOLDERS, SKIPPED_FOLDERS, _skipped
from decisions.sources.importers.base import Adapter, Context, Outcome, Unit, below
from decisions.sources.models import RecordKind

SUFFIXES = (".md", ".markdown", ".rst", ".txt")
KEP_NAMES = ("kep.yaml", "kep.yml")
NOT_RFC = "not an RFC file this importer knows (Markdown, PEP .rst/.txt or kep.yaml)"


class _PathReport(RFCImportReport):
    """The import's report, also keeping each file's record and outcome by path."""

    def __init__(self) -> None:
        super().__init__()
        self.by_path: dict[str, tuple[RFC, str]] = {}

    def record(self, parsed: ParsedRFC, rfc: RFC, outcome: str) -> None:
        super().record(parsed, rfc, outcome)
        self.by_path[str(parsed.path)] = (rfc, outcome)


class RFCAdapter(Adapter):
    kind = RecordKind.RFC

    def units(self, paths: list[str], folder: str) -> tuple[list[Unit], list[tuple[str, str]]]:
        """The files import_rfcs would read in a checkout of the folder, by their paths alone (the
        same rules as its folder walk: RFC folders first, furniture and templates skipped)."""
        relative = {path: PurePosixPath(below(path, folder)) for path in paths}
        tops = {rel.parts[0] for rel in relative.values() if len(rel.parts) > 1}
        starts = [name for name in RFC_FOLDERS if name in tops]
        folders: dict[PurePosixPath, list[str]] = defaultdict(list)
        for path, rel in relative.items():
            folders[rel.parent].append(path)
        keps = {
            parent
            for parent, names in folders.items()
            if any(PurePosixPath(p).name in KEP_NAMES for p in names)
        }
        units, skipped = [], []
        for path, rel in sorted(relative.items()):
            kep = next((parent for parent in [rel.parent, *rel.parent.parents] if parent in keps), None)
            if starts and rel.parts[0] not in starts:
                skipped.append((path, f"outside the RFC folders ({', '.join(starts)})"))
            elif kep is not None:
                if rel.name not in KEP_NAMES or kep != rel.parent:
                    skipped.append((path, "part of a KEP folder (read with its kep.yaml)"))
                elif _skipped(kep.name):
                    skipped.append((path, "a template or placeholder KEP folder"))
                else:
                    units.append(Unit(path, sorted(folders[kep])))
            elif any(_skipped(part) or part in SKIPPED_FOLDERS for part in rel.parts[:-1]):
                skipped.append((path, "in a hidden, template or tooling folder"))
            elif _skipped(rel.name):
                skipped.append((path, "repository furniture (README, LICENSE, a template...)"))
            elif rel.suffix.lower() not in SUFFIXES:
                skipped.append((path, "not a Markdown, reStructuredText or text file"))
            else:
                units.append(Unit(path))
        return units, skipped

    def _format(self, path: Path, fmt: str, root: Path) -> str | None:
        """The format to read a file with, or None when the folder walk would pass it over."""
        detected = detect_format(path, root)
        if fmt == "auto":
            return detected
        if fmt == "pep":
            return fmt if detected == "pep" or PEP_NAME.match(path.stem) else None
        if fmt == "kep":
            return fmt if detected == "kep" else None
        return fmt if path.suffix.lower() in (".md", ".markdown") else None

    def import_units(self, context: Context, units: list[Unit]) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        files = []
        fmt = context.source.format or "auto"
        for unit in units:
            path = context.root / unit.path
            chosen = self._format(path, fmt, context.folder)
            if chosen is None:
                outcomes[unit.path] = Outcome(unit.path, "skipped", error=NOT_RFC)
            else:
                files.append((path, chosen, context.folder))
        if not files:
            return outcomes
        report = _PathReport()
        series = (
            context.source.series
            if context.source.series and context.source.series in RFCSeries.values
            else None
        )
        with _Workers(files) as workers:
            items = workers.parse()
            for item in items:
                if item.parsed is not None and series is not None:
                    item.parsed.series = series
            stored = _Records()
            stored.preload(items)
            # Rendered before the transaction, which holds SQLite's write lock (see import_rfcs).
            rendered = []
            for index, item in enumerate(workers.render(items, stored.unchanged(items)), 1):
                rendered.append(item)
                context.tick(index, len(items), f"read {context.repo_path(item.path)}")
            items = rendered
        with transaction.atomic():
            _compress_fast()
            importer = _Importer(report)
            importer.preload(items)
            for item in items:
                _import_one(
                    importer,
                    item,
                    [context.folder],
                    report,
                    label=context.label(context.repo_path(item.path)),
                )
            importer.flush()
            importer.link_all()
        for path, error in report.failed:
            key = context.repo_path(path)
            outcomes[key] = Outcome(key, "failed", error=f"{key}: {error}")
        for path, (rfc, outcome) in report.by_path.items():
            key = context.repo_path(path)
            outcomes[key] = Outcome(key, outcome, rfc.pk)
        versions = self.versions([o.record_id for o in outcomes.values() if o.record_id])
        for outcome in outcomes.values():
            outcome.version = versions.get(outcome.record_id)
        return outcomes

    def versions(self, ids: list[int]) -> dict[int, int]:
        return dict(RFC.objects.filter(pk__in=ids).values_list("pk", "version"))

    def withdraw(self, ids: list[int], commit: str) -> None:
        """An RFC whose file is gone upstream becomes withdrawn (a status change the history shows)."""
        for rfc in RFC.objects.filter(pk__in=ids).exclude(status=RFCStatus.WITHDRAWN):
            rfc.status = RFCStatus.WITHDRAWN
            rfc.version += 1
            with transaction.atomic():
                rfc.record_change(
                    message=_message("Withdrawn", commit[:7]), note=f"Removed upstream in {commit[:7]}"
                )

    def describe(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        rfcs = RFC.objects.filter(pk__in=ids).only("series", "number", "title")
        return {rfc.pk: (f"{rfc.label}: {rfc.title}", rfc.get_absolute_url()) for rfc in rfcs}

    def comparable(self, text: str, path: str) -> str:
        """The body the file's parser reads (the header becomes fields), or the whole text if it cannot."""
        with tempfile.TemporaryDirectory(prefix="rfcs-sync-") as temporary:
            target = Path(temporary) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            try:
                return parse_file(target, "auto", Path(temporary)).body
            except RFCParseError:
                return text

    def site_text(self, record_id: int) -> str:
        rfc = RFC.objects.filter(pk=record_id).first()
        return rfc.body if rfc else ""
