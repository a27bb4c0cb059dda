"""A decision record as plain values: what the export writes, the reader makes and the writer saves.

The export builds a RecordSpec from the database and writes the file from it; the reader builds
one from a file. Two specs compare equal when they describe the same record, so an import can
tell which fields a file changes (line numbers and file names take no part in the comparison).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class OwnerSpec:
    name: str
    slug: str = field(compare=False)  # MADR files name people; the slug only helps to match them
    role: str = ""
    line: int = field(default=0, compare=False)


@dataclass
class OptionSpec:
    name: str
    summary: str
    why_not: str


@dataclass
class CriterionSpec:
    name: str
    description: str
    weight: int


@dataclass
class AssessmentSpec:
    option: str
    criterion: str
    rating: int
    note: str


@dataclass
class MeetingSpec:
    date: datetime.date
    series: str
    series_name: str
    topic: str
    line: int = field(default=0, compare=False)

    @property
    def key(self) -> str:
        return f"{self.date:%Y-%m-%d}/{self.series}"


@dataclass
class PrecedentSpec:
    title: str
    url: str
    organization: str
    kind: str
    date: datetime.date | None
    note: str
    line: int = field(default=0, compare=False)


@dataclass
class StatusSpec:
    date: datetime.date
    from_status: str
    to_status: str
    note: str


@dataclass
class ActionSpec:
    owner: str
    text: str
    status: str
    due: datetime.date | None


@dataclass
class RecordSpec:
    path: str = field(compare=False)
    lines: dict = field(compare=False)
    number: int
    title: str
    status: str
    decided_on: datetime.date | None
    owners: list[OwnerSpec]
    areas: list[str]
    context: str
    options: list[OptionSpec]
    criteria: list[CriterionSpec]
    assessments: list[AssessmentSpec]
    chosen: str
    rationale: str
    consequences: str
    related_rfcs: list[int | str]
    meetings: list[MeetingSpec]
    precedents: list[PrecedentSpec]
    supersedes: int | None
    status_history: list[StatusSpec]
    action_items: list[ActionSpec]
    confirmation: str = ""
    more_information: str = ""
    revisit_by: datetime.date | None = None
    # Records that say they supersede this one; the writer links them when they do not say it
    # themselves (adr-tools writes "Superseded by" on the older record too).
    superseded_by: list[int] = field(default_factory=list)
    # The record's motions as the export writes them (decisions.signoff.written); the site keeps
    # its own once it has any, so they take no part in telling what a file changes.
    signoff: list[dict[str, Any]] = field(default_factory=list, compare=False)
    # Things kept in another form than the file gave them, for the report.
    notes: list[str] = field(default_factory=list, compare=False)
    # The file's text as read (LF line ends), so an import can tell an unchanged file at once.
    text: str = field(default="", compare=False, repr=False)
    # What the reader could not decide alone: called with the stored record (or None) and the
    # list to add problems to, before anything is written.
    settle: Callable[[RecordSpec | None, list[Any]], None] | None = field(
        default=None, compare=False, repr=False
    )

    def changed_fields(self, other: RecordSpec) -> list[str]:
        """The names of the fields whose values differ from `other`'s, in declaration order."""
        return [f.name for f in fields(self) if f.compare and getattr(self, f.name) != getattr(other, f.name)]
