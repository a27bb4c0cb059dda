"""Checked decision records as the reader makes them and the writer saves them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass
class OwnerSpec:
    name: str
    slug: str
    role: str
    line: int


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
    line: int

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
    line: int


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
    path: str
    lines: dict
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
