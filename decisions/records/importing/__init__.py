"""Decision record files into the database: every file checked first, then all written or none.

Import checks every file before it writes anything, then writes all of them in one transaction:
a problem in any file (named with its file, line and reason) means nothing is written. A file
that says a record as it is stored leaves it untouched (reported as unchanged); one that changes
it is reported with the fields it changes. People, precedents and areas are matched to existing
rows or created; RFCs, meetings and decisions that this site does not have yet are kept as
written as PendingReference rows, exported exactly like resolved ones, and turned into real
links by decisions/records/references.py when the target arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from decisions.models import Decision
from decisions.records import history
from decisions.records.export import decision_filename, spec_to_markdown
from decisions.records.export.data import load_parts, record_spec
from decisions.records.importing.reader import read_folder, read_text
from decisions.records.importing.report import Change, ImportFailed, ImportReport, Problem, Unresolved
from decisions.records.importing.writer import WriteProblem, Writer, render_texts
from decisions.records.specs import RecordSpec

__all__ = ["Change", "ImportFailed", "ImportReport", "Problem", "Unresolved", "import_folder", "stored_specs"]


def stored_specs(records: list[RecordSpec]) -> dict[int, RecordSpec]:
    """The stored records of these records' numbers as their exported file reads back (texts as
    a file holds them), so an unchanged file compares equal; a file that is the export itself
    is taken as it was read."""
    given = {record.number: record for record in records}
    scope = Decision.objects.filter(number__in=list(given))
    decisions = list(scope.order_by("number"))
    parts = load_parts(decisions, scope)
    found = {}
    for decision in decisions:
        spec = record_spec(decision, parts[decision.pk])
        text = spec_to_markdown(spec)
        if text == given[decision.number].text:
            found[decision.number] = given[decision.number]
            continue
        again = read_text(text, "(stored)", decision_filename(decision), [])
        found[decision.number] = again if again is not None else spec
    return found


def import_folder(
    path: str | Path, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import every record of a folder in one transaction: all of them, or (on any problem) none.

    A dry run does the whole import, reports it, and rolls it back.
    """
    report = ImportReport(dry_run=dry_run)
    records = read_folder(path, report.refused, report.skipped)
    stored = stored_specs(records)
    problems: list[Problem] = []
    for record in records:
        if record.settle:
            record.settle(stored.get(record.number), problems)
        report.notes += [f"{Path(record.path).name}: {note}" for note in record.notes]
    if problems:
        raise ImportFailed(problems, report.refused)
    changed = [record for record in records if stored.get(record.number) != record]
    report.unchanged = [record.number for record in records if record not in changed]
    report.changes = [
        Change(record.number, record.changed_fields(stored[record.number]))
        for record in changed
        if record.number in stored
    ]
    current = None
    try:
        rendered: dict[str, str] = {}
        for current in changed:  # before the transaction, which holds the write lock
            render_texts(current, rendered)
        current = None
        with transaction.atomic():
            writer = Writer(records, report, rendered)
            for record in changed:  # how they were before this import; unchanged ones are not touched
                if record.number in writer.decisions:
                    history.begin(writer.decisions[record.number])
            for index, current in enumerate(changed, 1):
                writer.write(current)
                if progress:
                    progress(index, len(changed))
            current = None
            writer.link_supersedes(records)
            writer.restore_signoff(records)
            for current in changed:  # an unchanged file writes nothing, so no revision
                history.record(
                    writer.decisions[current.number], message=f"Imported from {Path(current.path).name}"
                )
            current = None
            if dry_run:
                transaction.set_rollback(True)
    except WriteProblem as error:
        raise ImportFailed([error.problem]) from error
    except Exception as error:
        # The contract is ImportFailed for any problem; the cause stays chained for a traceback.
        where = current.path if current else str(path)
        reason = str(error) if isinstance(error, DatabaseError | ValidationError) else repr(error)
        raise ImportFailed([Problem(where, None, f"could not be saved: {reason}")]) from error
    return report
