"""The git plumbing of a sync: fetch a source's branch into a bare cache, list its files, read blobs.

Only real `git`, run as a subprocess with no terminal (a background worker has none): prompts are
off, only the usual transports are allowed (no `ext::` URL can run a command), and every call has
a timeout. Fetches are shallow (`--depth 1`): the sync compares each file's blob id with the one
it stored, so it needs no history, and a force-push is just another tree. The commits fetched
before stay in the cache, so renames are paired with `git diff-tree -M` when the last synced
commit is still there.

A source whose URL is a local folder that is not a git repository is read as a folder instead
(FolderTree): blob ids are computed as git computes them, so both kinds compare the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from decisions.sources import files as safe_files

TIMEOUT_S = 300
REGULAR_MODES = ("100644", "100755")
SYMLINK_MODE = "120000"
SUBMODULE_MODE = "160000"
_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "true",
    "SSH_ASKPASS": "true",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
    "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh",
    "GIT_CONFIG_NOSYSTEM": "1",
    "LC_ALL": "C",
}


# A user name or token in a URL git repeats in its messages: not for the sync's report.
_CREDENTIALS = re.compile(r"(\w+://)[^/@\s]+@")


def redact(text: str) -> str:
    """The text with any user name or token in its URLs replaced by ***."""
    return _CREDENTIALS.sub(r"\1***@", text)


class GitError(Exception):
    """git could not do what the sync needs; str() says what and git's own message."""


@dataclass(frozen=True)
class Entry:
    mode: str
    blob: str
    size: int


@dataclass
class Tree:
    """The files of a source at one commit: path inside the repository -> Entry."""

    commit: str
    entries: dict[str, Entry] = field(default_factory=dict)

    def read(self, paths: list[str]) -> dict[str, bytes]:
        """The contents of these paths."""
        raise NotImplementedError

    def renames(self, old_commit: str, folder: str) -> dict[str, str]:
        """Old path -> new path of the files renamed since old_commit, where that can be told."""
        return {}


def cache_root() -> Path:
    configured = getattr(settings, "SOURCES_CACHE_DIR", None) or os.environ.get("SOURCES_CACHE_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "sources"


def run_git(args: list[str], *, cwd: Path | None = None, data: bytes | None = None) -> bytes:
    env = {**os.environ, **_ENV}
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            env=env,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise GitError(f"git {args[0]} took more than {TIMEOUT_S} s") from error
    except OSError as error:
        raise GitError(f"git could not be run: {error}") from error
    if done.returncode != 0:
        message = redact(done.stderr.decode("utf-8", "replace")).strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def is_plain_folder(url: str) -> bool:
    """A local folder that is not a git repository (read as files, without git)."""
    if "://" in url or not os.path.isdir(url):
        return False
    try:
        run_git(["rev-parse", "--git-dir"], cwd=Path(url))
    except GitError:
        return True
    return False


def inside(path: str, folder: str) -> bool:
    """Whether a repository path lies in folder ("" is the whole repository)."""
    folder = folder.strip("/")
    return not folder or path == folder or path.startswith(folder + "/")


class GitTree(Tree):
    def __init__(self, repo: Path, commit: str, entries: dict[str, Entry]) -> None:
        super().__init__(commit, entries)
        self.repo = repo

    def read(self, paths: list[str]) -> dict[str, bytes]:
        """The blobs of these paths, in one `git cat-file --batch`."""
        blobs = [self.entries[path].blob for path in paths]
        if not blobs:
            return {}
        out = run_git(["cat-file", "--batch"], cwd=self.repo, data="".join(f"{b}\n" for b in blobs).encode())
        found: dict[str, bytes] = {}
        position = 0
        for path in paths:
            end = out.index(b"\n", position)
            header = out[position:end].split()
            size = int(header[2])
            found[path] = out[end + 1 : end + 1 + size]
            position = end + 1 + size + 1
        return found

    def renames(self, old_commit: str, folder: str) -> dict[str, str]:
        """Old path -> new path, as `git diff-tree -M` pairs them ({} when the old commit is gone)."""
        if not old_commit:
            return {}
        try:
            run_git(["cat-file", "-e", f"{old_commit}^{{commit}}"], cwd=self.repo)
            out = run_git(
                [
                    "diff-tree",
                    "-r",
                    "-M",
                    "-z",
                    "--name-status",
                    old_commit,
                    self.commit,
                    "--",
                    folder or ".",
                ],
                cwd=self.repo,
            )
        except GitError:
            return {}
        parts = out.decode("utf-8", "surrogateescape").split("\0")
        pairs: dict[str, str] = {}
        index = 0
        while index < len(parts) and parts[index]:
            status = parts[index]
            if status.startswith(("R", "C")):
                pairs[parts[index + 1]] = parts[index + 2]
                index += 3
            else:
                index += 2
        return pairs


def fetch(name: str, url: str, branch: str, folder: str) -> GitTree:
    """Fetch the branch (the remote's default when blank) shallowly and list the files below folder."""
    repo = cache_root() / f"{name}.git"
    if not (repo / "HEAD").exists():
        repo.mkdir(parents=True, exist_ok=True)
        run_git(["init", "--bare", "--quiet", str(repo)])
    if "://" not in url and os.path.isdir(url):
        url = Path(url).resolve().as_uri()  # file:// so that --depth is honoured
    ref = branch or "HEAD"
    run_git(
        ["fetch", "--quiet", "--depth", "1", "--no-tags", "--force", "--end-of-options", url, ref], cwd=repo
    )
    commit = run_git(["rev-parse", "FETCH_HEAD^{commit}"], cwd=repo).decode().strip()
    run_git(["update-ref", "refs/sync/last", commit], cwd=repo)  # keeps the commit from gc
    args = ["ls-tree", "-r", "-l", "-z", "--full-tree", commit]
    if folder.strip("/"):
        args += ["--", folder.strip("/")]
    out = run_git(args, cwd=repo).decode("utf-8", "surrogateescape")
    entries: dict[str, Entry] = {}
    for line in out.split("\0"):
        if not line:
            continue
        meta, path = line.split("\t", 1)
        mode, _kind, blob, size = meta.split()
        entries[path] = Entry(mode, blob, int(size) if size.isdigit() else 0)
    return GitTree(repo, commit, entries)


def blob_id(data: bytes) -> str:
    """The id git gives a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class FolderTree(Tree):
    """A local folder that is not a repository: the same view, blob ids computed here."""

    def __init__(self, root: Path, folder: str) -> None:
        super().__init__("", {})
        self.root = root
        self.data: dict[str, bytes] = {}
        start = root / folder.strip("/") if folder.strip("/") else root
        for here, dirnames, filenames in os.walk(start):  # links to folders are not entered
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for filename in filenames:
                full = Path(here) / filename
                path = PurePosixPath(full.relative_to(root).as_posix()).as_posix()
                if full.is_symlink():
                    self.entries[path] = Entry(SYMLINK_MODE, "", 0)
                    continue
                try:
                    data = safe_files.read_bytes(full, root, limit=settings.MARKDOWN_MAX_BYTES * 16)
                except safe_files.RefusedFile:
                    self.entries[path] = Entry("", "", 0)  # a FIFO, a device: refused by mode
                    continue
                self.data[path] = data
                self.entries[path] = Entry("100644", blob_id(data), len(data))
        digest = hashlib.sha1(usedforsecurity=False)
        for path in sorted(self.entries):
            digest.update(f"{path}\0{self.entries[path].blob}\n".encode("utf-8", "surrogateescape"))
        self.commit = "folder:" + digest.hexdigest()[:12]

    def read(self, paths: list[str]) -> dict[str, bytes]:
        return {path: self.data[path] for path in paths}


def snapshot(name: str, url: str, branch: str, folder: str) -> GitTree | FolderTree:
    """The source's files now: fetched with git, or read from a plain local folder."""
    if is_plain_folder(url):
        return FolderTree(Path(url).resolve(), folder)
    return fetch(name, url, branch, folder)
