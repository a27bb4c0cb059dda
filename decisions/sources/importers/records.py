"""Decision records of a source, read and written file by file with import_decisions' own reader and writer.

import_decisions writes a folder all or nothing; a sync imports each changed file in its own
transaction instead, so one broken record is reported (file and line) and the others go in.
Numbers of plain ADR folders come from every file name of the folder, as the importer numbers them.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import DatabaseError, transaction
from django.db.models import Max

from decisions.models import Decision, DecisionRevision
from decisions.records import history
from decisions.records.export import spec_to_markdown
from decisions.records.export.data import load_parts, record_spec
from decisions.records.importing import stored_specs
from decisions.records.importing.reader import _NUMBERED, ADR_FOLDERS, _log4brains, _read_file, _skip_reason
from decisions.records.importing.report import ImportReport, Problem
from decisions.records.importing.writer import WriteProblem, Writer, render_texts
from decisions.sources.importers.base import Adapter, Context, Outcome, Unit, below
from decisions.sources.models import RecordKind


class DecisionAdapter(Adapter):
    kind = RecordKind.DECISION

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.links: dict[str, int] = {}

    def units(self, paths: list[str], folder: str) -> tuple[list[Unit], list[tuple[str, str]]]:
        """The records of the folder, or of its docs/decisions/ (doc/adr/...) as the importer looks."""
        by_folder: dict[str, list[str]] = {}
        for path in paths:
            by_folder.setdefault(PurePosixPath(below(path, folder)).parent.as_posix(), []).append(path)
        here = by_folder.get(".", [])
        chosen = "."
        if not any(_NUMBERED.match(PurePosixPath(p).name) for p in here):
            chosen = next((name for name in ADR_FOLDERS if name in by_folder), ".")
        units, skipped, names = [], [], []
        for path in sorted(paths):
            name = PurePosixPath(path).name
            if PurePosixPath(below(path, folder)).parent.as_posix() != chosen:
                skipped.append(
                    (path, f"not in the records' folder ({chosen if chosen != '.' else 'the path'})")
                )
            elif not name.lower().endswith(".md"):
                skipped.append((path, "not a Markdown file"))
            elif reason := _skip_reason(name) or (None if _NUMBERED.match(name) else "no number in its name"):
                skipped.append((path, reason))
            else:
                units.append(Unit(path))
                names.append(name)
        names.sort()
        dated = _log4brains(names)
        self.numbers = {
            name: index if dated else int(_NUMBERED.match(name)[1]) for index, name in enumerate(names, 1)
        }  # type: ignore[index]
        self.links = {key: n for name, n in self.numbers.items() for key in (name, name.removesuffix(".md"))}
        return units, skipped

    def import_units(self, context: Context, units: list[Unit]) -> dict[str, Outcome]:
        outcomes = {}
        for index, unit in enumerate(units, 1):
            context.tick(index, len(units), unit.path)
            outcomes[unit.path] = self._import(context, unit)
        return outcomes

    def _import(self, context: Context, unit: Unit) -> Outcome:
        file = context.root / unit.path
        problems: list[Problem] = []

        def failed(problems: list[Problem]) -> Outcome:
            where = [
                f"{unit.path}:{p.line}: {p.message}" if p.line else f"{unit.path}: {p.message}"
                for p in problems
            ]
            return Outcome(unit.path, "failed", error="; ".join(where))

        record = _read_file(file, problems, file.parent, self.numbers[file.name], self.links)
        if record is None:
            return failed(problems)
        stored = stored_specs([record]).get(record.number)
        if record.settle:
            record.settle(stored, problems)
        if problems:
            return failed(problems)
        if stored == record:
            pk = Decision.objects.filter(number=record.number).values_list("pk", flat=True).first()
            return Outcome(unit.path, "unchanged", pk, version=self.versions([pk]).get(pk))
        report = ImportReport()
        rendered: dict[str, str] = {}
        try:
            render_texts(record, rendered)  # before the transaction, which holds the write lock
            with transaction.atomic():
                writer = Writer([record], report, rendered)
                if record.number in writer.decisions:
                    history.begin(writer.decisions[record.number])
                decision = writer.write(record)
                writer.link_supersedes([record])
                history.record(decision, message=f"Imported from {context.label(unit.path)}")
        except WriteProblem as error:
            return failed([error.problem])
        except (DatabaseError, ValueError) as error:
            return failed([Problem(unit.path, None, f"could not be saved: {error}")])
        outcome = "imported" if stored is None else "updated"
        return Outcome(unit.path, outcome, decision.pk, version=self.versions([decision.pk]).get(decision.pk))

    def versions(self, ids: list[int]) -> dict[int, int]:
        """The number of each record's latest revision: every save on the site writes one."""
        rows = (
            DecisionRevision.objects.filter(decision_id__in=ids)
            .values("decision_id")
            .annotate(n=Max("number"))
        )
        found = {row["decision_id"]: row["n"] for row in rows}
        return {pk: found.get(pk, 0) for pk in ids}

    def describe(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        decisions = Decision.objects.filter(pk__in=ids).only("number", "title")
        return {d.pk: (str(d), d.get_absolute_url()) for d in decisions}

    def site_text(self, record_id: int) -> str:
        scope = Decision.objects.filter(pk=record_id)
        decision = scope.first()
        if decision is None:
            return ""
        return spec_to_markdown(record_spec(decision, load_parts([decision], scope)[decision.pk]))
