"""What every adapter shares: a unit (the files one record is read from) and the outcome of importing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from decisions.sources.models import Source


@dataclass
class Unit:
    """One record's files: `path` names it (an RFC file, a KEP's kep.yaml), `needs` is every
    file it is read from (a KEP's README.md too), all paths inside the repository."""

    path: str
    needs: list[str] = field(default_factory=list)
    # Files written beside it that it does not depend on (a series folder's TEMPLATE.md).
    context: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.needs:
            self.needs = [self.path]


@dataclass
class Outcome:
    """What importing a unit did: "imported", "updated", "unchanged", "failed", "skipped" or
    "conflict" (meeting notes edited on the site, which their importer keeps)."""

    path: str
    outcome: str
    record_id: int | None = None
    error: str = ""
    version: int | None = None


@dataclass
class Context:
    """Where the units were written (root: the repository's root in a temporary folder), the
    folder the importer reads inside, and how revisions name what they came from."""

    root: Path
    folder: Path
    source: Source
    commit: str
    force: set[str] = field(default_factory=set)  # units whose record is overwritten as chosen
    progress: Callable[[int, int, str], None] | None = None  # the command's progress line

    def tick(self, done: int, total: int, what: str) -> None:
        if self.progress:
            self.progress(done, total, what)

    def label(self, path: str) -> str:
        """What a revision says it came from: "from abc1234 (text/0001-x.md)"."""
        return f"{self.commit[:7] or 'folder'} ({path})"

    def repo_path(self, path: Path | str) -> str:
        return PurePosixPath(Path(path).relative_to(self.root).as_posix()).as_posix()


class Adapter:
    """The interface the sync uses; see the modules beside this one."""

    kind: str = ""

    def units(self, paths: list[str], folder: str) -> tuple[list[Unit], list[tuple[str, str]]]:
        raise NotImplementedError

    def import_units(self, context: Context, units: list[Unit]) -> dict[str, Outcome]:
        raise NotImplementedError

    def versions(self, ids: list[int]) -> dict[int, int]:
        """The stored version of each record (a higher one than the sync wrote: edited on the site)."""
        raise NotImplementedError

    def withdraw(self, ids: list[int], commit: str) -> None:
        """Records whose files were removed upstream: kept, marked where the kind has a status."""

    def describe(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Each record's label and its page's URL, in one query (records gone are left out)."""
        raise NotImplementedError

    def site_text(self, record_id: int) -> str:
        """The record as the site has it now, as a file would hold it (for the conflict page)."""
        raise NotImplementedError

    def comparable(self, text: str, path: str) -> str:
        """The part of a file's text that site_text() shows (an RFC's body without its header)."""
        return text

    def release(self, record_id: int, commit: str) -> None:
        """Before the repository's version is applied over site edits: let the importer overwrite."""


def below(path: str, folder: str) -> str:
    """path relative to folder (both inside the repository)."""
    folder = folder.strip("/")
    return path[len(folder) + 1 :] if folder else path


def skip_all(paths: list[str], reason: str) -> list[tuple[str, str]]:
    return [(path, reason) for path in paths]
