"""What a decision import tells people: its problems (file:line: reason) and its report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One reason a folder cannot be imported, where a person can find it."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class ImportFailed(Exception):
    """Raised instead of writing anything when any file of an import has a problem."""

    def __init__(self, problems: list[Problem], refused: list[tuple[str, str]] | None = None) -> None:
        self.problems = problems
        self.refused = refused or []  # (path, reason) of the files not read at all
        super().__init__("\n".join(str(problem) for problem in problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


@dataclass(frozen=True)
class Unresolved:
    """A reference kept as written because this site does not have its target yet."""

    decision: int
    kind: str
    key: str
    label: str


@dataclass(frozen=True)
class Change:
    """A record an import changed, and which of its fields (in RecordSpec's names)."""

    decision: int
    fields: list[str]


@dataclass
class ImportReport:
    """What an import did (in a dry run, what it would have done), for people and --json."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)  # records the files changed
    unchanged: list[int] = field(default_factory=list)  # records the files say as they are
    changes: list[Change] = field(default_factory=list)
    # Things kept in another form than the file wrote them ("status 'draft' kept as open").
    notes: list[str] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    people_matched: list[str] = field(default_factory=list)
    people_created: list[str] = field(default_factory=list)
    precedents_matched: list[str] = field(default_factory=list)
    precedents_created: list[str] = field(default_factory=list)
    areas_created: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) not read at all
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): indexes, templates
    dry_run: bool = False

    def as_json(self) -> dict:
        data = asdict(self)
        data["refused"] = [{"path": path, "reason": reason} for path, reason in self.refused]
        data["skipped"] = [{"path": path, "reason": reason} for path, reason in self.skipped]
        return data

    def note(self, bucket: list[str], value: str) -> None:
        """Add to one of the lists once, keeping the order things were met in."""
        if value not in bucket:
            bucket.append(value)
