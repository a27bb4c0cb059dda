"""Decision record files into the database: every file checked first, then all written or none.

Import checks every file before it writes anything, then writes all of them in one transaction:
a problem in any file (named with its file, line and reason) means nothing is written. People,
precedents and areas are matched to existing rows or created; RFCs, meetings and decisions that
this site does not have yet are kept as written as PendingReference rows, exported exactly like
resolved ones, and turned into real links by decisions/records/references.py when the target
arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from decisions.records import history
from decisions.records.importing.reader import read_folder
from decisions.records.importing.report import ImportFailed, ImportReport, Problem, Unresolved
from decisions.records.importing.writer import WriteProblem, Writer, render_texts

__all__ = ["ImportFailed", "ImportReport", "Problem", "Unresolved", "import_folder"]


def import_folder(
    path: str | Path, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import every record of a folder in one transaction: all of them, or (on any problem) none.

    A dry run does the whole import, reports it, and rolls it back.
    """
    report = ImportReport(dry_run=dry_run)
    records = read_folder(path, report.refused)
    current = None
    try:
        rendered: dict[str, str] = {}
        for current in records:  # before the transaction, which holds the write lock
            render_texts(current, rendered)
        current = None
        with transaction.atomic():
            writer = Writer(records, report, rendered)
            for decision in writer.decisions.values():  # how they were before this import
                history.begin(decision)
            for index, current in enumerate(records, 1):
                writer.write(current)
                if progress:
                    progress(index, len(records))
            current = None
            writer.link_supersedes(records)
            for current in records:
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
