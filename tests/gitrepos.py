"""Real git repositories on disk for the sync's tests: a bare "remote" and a work tree that pushes to it."""

from __future__ import annotations

import subprocess
from pathlib import Path

ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
    "PATH": "/usr/bin:/bin",
}


class Repo:
    """A work tree at `work` pushing branch main to the bare repository at `remote` (the source's URL)."""

    def __init__(self, folder: Path, branch: str = "main") -> None:
        self.work, self.remote, self.branch = folder / "work", folder / "remote.git", branch
        self.work.mkdir(parents=True)
        self.git("init", "--quiet", "--bare", "-b", branch, str(self.remote), cwd=folder)
        self.git("init", "--quiet", "-b", branch)
        self.git("remote", "add", "origin", str(self.remote))

    @property
    def url(self) -> str:
        return self.remote.as_uri()

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["git", *args], cwd=cwd or self.work, env=ENV, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def write(self, path: str, text: str) -> None:
        target = self.work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str = "change", *, push: bool = True, force: bool = False) -> str:
        self.git("add", "-A")
        self.git("commit", "--quiet", "--allow-empty", "-m", message)
        if push:
            self.git("push", "--quiet", *(["--force"] if force else []), "origin", self.branch)
        return self.git("rev-parse", "HEAD")


def rust_rfc(number: int, title: str, body: str = "The text.") -> str:
    """A file in rust-lang/rfcs' template."""
    return (
        f"- Feature Name: `{title.lower().replace(' ', '_')}`\n- Start Date: 2024-01-{number % 28 + 1:02d}\n"
        f"- RFC PR: [rust-lang/rfcs#{number}](https://github.com/rust-lang/rfcs/pull/{number})\n"
        f"- Rust Issue: [rust-lang/rust#{number}](https://github.com/rust-lang/rust/issues/{number})\n\n"
        f"# {title}\n\n## Summary\n\n{body}\n\n## Motivation\n\nBecause.\n"
    )
