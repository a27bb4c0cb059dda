"""When the site is the place of record: write the records changed here to a branch, as files.

`manage.py write_source NAME --branch B` calls write_source(). The records of the source that
changed on the site since their file was last synced (a versioned save moves `updated_at`; for
meeting notes, the notes differ from the file), and the records of its kind made on the site
since, are written with the existing exports (RFCs: decisions.rfcs.export, the site's Markdown
with front matter; decision records: MADR 4 from decisions.records.export; meetings: the notes
as submitted) into a local clone, on branch B, and committed with real git. The branch starts at
the commit the site last synced (so the diff holds only the site's changes) or goes on from
where an earlier run left it; nothing is pushed unless asked, and the command says what to push.

Refused before anything is written: a source whose repository is the place of record, a clone
with uncommitted changes, a path that would leave the clone.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from django.conf import settings

from decisions.models import RFC, Decision, Meeting
from decisions.records.export import decision_filename, decision_to_markdown
from decisions.rfcs.export import rfc_to_markdown
from decisions.sources.models import Holds, RecordIn, RecordKind, Source, SourceFile

GIT_TIMEOUT = 300


class WriteError(Exception):
    """The source cannot be written as asked; the message says why and what to do."""


@dataclass
class Change:
    path: str  # inside the repository
    record: str  # "RFC 12", "DR-0007", "meeting 2024-03-01"
    text: str
    new: bool  # no file of the source held it yet


@dataclass
class WriteResult:
    source: str
    branch: str
    clone: str
    base: str = ""
    commit: str = ""
    changes: list[Change] = field(default_factory=list)
    pushed: bool = False
    dry_run: bool = False

    @property
    def push_command(self) -> str:
        return f"git -C {self.clone} push origin {self.branch}"

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "branch": self.branch, "clone": self.clone, "base": self.base,
            "commit": self.commit or None, "pushed": self.pushed, "dry_run": self.dry_run,
            "written": [{"path": c.path, "record": c.record, "new": c.new} for c in self.changes],
            "push": None if self.pushed or not self.commit else self.push_command,
        }  # fmt: skip


def default_clone(source: Source) -> Path:
    return Path(settings.SOURCES_CLONES_DIR) / source.name


def author_identity(author: str = "") -> tuple[str, str]:
    """(name, e-mail) of the commits' author: the flag, else settings.SOURCES_COMMIT_AUTHOR."""
    given = author or settings.SOURCES_COMMIT_AUTHOR
    name, email = parseaddr(given)
    if not email or "@" not in email:
        raise WriteError(
            f"The author {given!r} has no e-mail address; write it as 'Name <name@example.org>'."
        )
    return name or email.split("@")[0], email


def write_source(
    source: Source, branch: str, *, clone: Path | None = None, author: str = "", push: bool = False,
    dry_run: bool = False, message: str = "",
) -> WriteResult:  # fmt: skip
    """Commit the records changed on the site to `branch` of a local clone (made if missing)."""
    if source.record_in != RecordIn.SITE:
        raise WriteError(
            f"Source {source.name!r} has the repository as its place of record: its records are "
            "read-only on the site and nothing is written back. Set 'record in' to the site first."
        )
    if not branch.strip() or branch.startswith("-"):
        raise WriteError(f"{branch!r} is not a branch name.")
    identity = author_identity(author)
    folder = (clone or default_clone(source)).resolve()
    result = WriteResult(source.name, branch, str(folder), dry_run=dry_run)
    _prepare_clone(source, folder)
    git(folder, "check-ref-format", "--branch", branch)
    if git(folder, "status", "--porcelain"):
        raise WriteError(f"The clone {folder} has uncommitted changes; commit or discard them first.")
    if git(folder, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False):
        result.base = branch  # an earlier run's branch: go on from it
    else:
        result.base = _base(source, folder)
    changes = [c for c in changed_records(source) if _differs(folder, result.base, c)]
    result.changes = changes
    if dry_run or not changes:
        return result
    if result.base == branch:
        git(folder, "checkout", "-q", branch)
    else:
        git(folder, "checkout", "-q", "-b", branch, result.base)
    try:
        result.commit = _commit(folder, changes, identity, message or _summary(source))
    except (OSError, WriteError):
        _undo(folder, changes)  # the clone as it was: nothing half-written
        raise
    if push:
        git(folder, "push", "-q", "origin", branch)
        result.pushed = True
    return result


def _summary(source: Source) -> str:
    return f"Records changed on the site since {source.last_commit[:12] or 'the first sync'}"


def _commit(folder: Path, changes: list[Change], identity: tuple[str, str], summary: str) -> str:
    for change in changes:
        target = _inside(folder, change.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(change.text, encoding="utf-8", newline="\n")
    git(folder, "add", "--", *(change.path for change in changes))
    name, email = identity
    body = "\n".join(f"- {c.record}: {'new file ' if c.new else ''}{c.path}" for c in changes)
    git(
        folder, "-c", f"user.name={name}", "-c", f"user.email={email}",
        "commit", "-q", "--no-verify", "-m", summary, "-m", body,
    )  # fmt: skip
    return git(folder, "rev-parse", "HEAD")


def _undo(folder: Path, changes: list[Change]) -> None:
    """Put the clone's files back as its branch has them after a failed write."""
    git(folder, "reset", "-q", check=False)
    for change in changes:
        if change.new:
            (folder / change.path).unlink(missing_ok=True)
        else:
            git(folder, "checkout", "-q", "HEAD", "--", change.path, check=False)


def changed_records(source: Source) -> list[Change]:
    """The source's records changed on the site since their sync, and its kind's new ones."""
    files = list(SourceFile.objects.filter(source=source, withdrawn=False).order_by("path"))
    since_default = source.last_synced_at
    changes: list[Change] = []
    kind = {
        Holds.RFCS: RecordKind.RFC,
        Holds.DECISIONS: RecordKind.DECISION,
        Holds.MEETINGS: RecordKind.MEETING,
    }
    wanted = kind.get(source.holds)
    by_id = {f.object_id: f for f in files if f.kind == wanted and f.object_id}
    held_anywhere = set(
        SourceFile.objects.filter(kind=wanted, object_id__isnull=False).values_list("object_id", flat=True)
    )
    folder = source.path.strip("/")

    def changed_since(updated: datetime.datetime, synced: datetime.datetime | None) -> bool:
        return synced is None or updated > synced

    if wanted == RecordKind.RFC:
        rfcs = RFC.objects.filter(series=source.series).select_related("shepherd", "supersedes")
        for rfc in rfcs.prefetch_related("authors", "areas").order_by("number"):
            held = by_id.get(rfc.pk)
            if held is not None:
                if changed_since(rfc.updated_at, held.synced_at or since_default):
                    changes.append(Change(held.path, rfc.label, rfc_to_markdown(rfc), new=False))
            elif rfc.pk not in held_anywhere and changed_since(rfc.updated_at, since_default):
                name = f"{rfc.number:04d}-{rfc.slug}.md"
                changes.append(Change(_join(folder, name), rfc.label, rfc_to_markdown(rfc), new=True))
    elif wanted == RecordKind.DECISION:
        for decision in Decision.objects.select_related("chosen_option", "supersedes").order_by("number"):
            held = by_id.get(decision.pk)
            if held is not None:
                if changed_since(decision.updated_at, held.synced_at or since_default):
                    changes.append(
                        Change(held.path, decision.code, decision_to_markdown(decision), new=False)
                    )
            elif decision.pk not in held_anywhere and changed_since(decision.updated_at, since_default):
                path = _join(folder, decision_filename(decision))
                changes.append(Change(path, decision.code, decision_to_markdown(decision), new=True))
    elif wanted == RecordKind.MEETING:
        # Notes have no edit time: they are compared with the file itself (_differs).
        for meeting in Meeting.objects.filter(pk__in=by_id).order_by("date"):
            text = meeting.source_text if meeting.source_text.endswith("\n") else meeting.source_text + "\n"
            label = f"meeting {meeting.date:%Y-%m-%d}"
            changes.append(Change(by_id[meeting.pk].path, label, text, new=False))
    return changes


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _inside(folder: Path, path: str) -> Path:
    """The file's place in the clone; a path that would leave it (or touch .git) is refused."""
    target = (folder / path).resolve()
    if not target.is_relative_to(folder) or ".git" in Path(path).parts or Path(path).is_absolute():
        raise WriteError(f"{path}: the path leaves the clone {folder}; nothing was written.")
    return target


def _differs(folder: Path, base: str, change: Change) -> bool:
    """Whether the file at `base` is not already exactly the text the site would write."""
    _inside(folder, change.path)
    current = git(folder, "show", f"{base}:{change.path}", check=False, strip=False)
    return current != change.text


def _prepare_clone(source: Source, folder: Path) -> None:
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        git(folder.parent, "clone", "-q", "--", source.url, str(folder))
        return
    if git(folder, "rev-parse", "--is-inside-work-tree", check=False) != "true":
        raise WriteError(f"{folder} exists but is not a git clone; give --clone another folder.")
    git(folder, "fetch", "-q", "origin")


def _base(source: Source, folder: Path) -> str:
    """The commit the site last synced, when the clone has it; else the source's branch."""
    if source.last_commit and _has_commit(folder, source.last_commit):
        return source.last_commit
    ref = f"origin/{source.branch}" if source.branch else "origin/HEAD"
    if not git(folder, "rev-parse", "--verify", "--quiet", ref, check=False):
        raise WriteError(f"The clone {folder} has no {ref}; check the source's branch.")
    return ref


def _has_commit(folder: Path, commit: str) -> bool:
    done = subprocess.run(
        ["git", "cat-file", "-e", f"{commit}^{{commit}}"],
        cwd=folder,
        capture_output=True,
        timeout=GIT_TIMEOUT,
    )
    return done.returncode == 0


def git(folder: Path, *args: str, check: bool = True, strip: bool = True) -> str:
    """Run git in `folder`; its output, or a WriteError with git's own message."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise WriteError(f"git {args[0]} in {folder}: {error}") from error
    if done.returncode != 0:
        if not check:
            return ""
        raise WriteError(
            f"git {' '.join(args[:2])} in {folder} failed: {done.stderr.strip() or done.stdout.strip()}"
        )
    return done.stdout.strip() if strip else done.stdout
