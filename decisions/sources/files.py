"""Reading files from a folder someone else filled.

The importers read repositories that other people contribute to, so any file there may be a
symbolic link to /etc/passwd or /proc/self/environ, a FIFO that blocks the reader forever, or
a link to /dev/zero that never ends. Every importer reads through this module, which only
reads regular files whose real path stays inside the folder it was given (links inside the
folder to inside the folder are followed), never anything below /proc, /sys or /dev, and
checks the size on the opened file before reading, reading at most one byte past the limit.

A refusal is a RefusedFile naming the file and the reason, for the importer to report.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

# Pseudo-filesystems: their "files" are the server's own state (environment, memory, devices).
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")
# Opening never follows a last-moment link and never waits for a FIFO's writer.
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class RefusedFile(Exception):
    """A file an importer will not read; str() is "path: reason"."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def _kind(mode: int) -> str | None:
    """Why a file of this mode cannot be read as text; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def _inside(path: str, folder: str) -> bool:
    return path == folder or os.path.commonpath([path, folder]) == folder


def _system(real: str) -> bool:
    return any(_inside(real, folder) for folder in SYSTEM_FOLDERS)


def too_large(size: int, limit: int, setting: str = "MARKDOWN_MAX_BYTES") -> str:
    return f"the file is {size // 1024} KB; the limit is {limit // 1024} KB ({setting})"


def check(path: str | os.PathLike, root: str | os.PathLike | None = None) -> str:
    """The real path of a file that may be read, or RefusedFile saying why not.

    root is the folder the file must stay inside; by default the folder the file is in, so a
    single file named on the command line cannot be a link to somewhere else either.
    """
    given = os.fspath(path)
    base = os.path.realpath(root if root is not None else os.path.dirname(os.path.abspath(given)))
    real = os.path.realpath(given)
    if _system(real):
        raise RefusedFile(
            given, f"leads to {real}, a system path (/proc, /sys, /dev), not a file of the folder"
        )
    if not _inside(real, base):
        raise RefusedFile(given, f"a link to {real}, outside {base}; links may only lead inside the folder")
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        raise RefusedFile(given, "a link to nothing" if os.path.islink(given) else "no such file") from None
    except OSError as error:
        raise RefusedFile(given, f"cannot be read: {error.strerror or error}") from error
    kind = _kind(mode)
    if kind:
        raise RefusedFile(given, kind)
    return real


@contextmanager
def open_file(
    path: str | os.PathLike,
    root: str | os.PathLike | None = None,
    *,
    limit: int | None = None,
    setting: str = "MARKDOWN_MAX_BYTES",
) -> Iterator[BinaryIO]:
    """The checked file, opened for reading; its size is checked against limit (when given)
    on the opened file, so a file swapped after check() is caught too."""
    real = check(path, root)
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as error:
        raise RefusedFile(path, f"cannot be read: {error.strerror or error}") from error
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind:
            raise RefusedFile(path, kind)
        if limit is not None and info.st_size > limit:
            raise RefusedFile(path, too_large(info.st_size, limit, setting))
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def read_bytes(
    path: str | os.PathLike,
    root: str | os.PathLike | None = None,
    *,
    limit: int | None = None,
    setting: str = "MARKDOWN_MAX_BYTES",
) -> bytes:
    """The whole file, at most limit bytes (settings.MARKDOWN_MAX_BYTES by default)."""
    limit = settings.MARKDOWN_MAX_BYTES if limit is None else limit
    with open_file(path, root, limit=limit, setting=setting) as handle:
        data = handle.read(limit + 1)  # one byte more tells a file that grew since fstat()
    if len(data) > limit:
        raise RefusedFile(path, f"the file grew past the limit of {limit // 1024} KB ({setting}) while read")
    return data


def read_head(path: str | os.PathLike, root: str | os.PathLike | None = None, *, size: int) -> bytes:
    """The first `size` bytes of a checked file (to tell its format)."""
    with open_file(path, root) as handle:
        return handle.read(size)


def files_below(
    root: str | os.PathLike, *, suffixes: Iterable[str], recursive: bool = True
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The readable files below root whose names end in one of suffixes (any case), and the
    others of those names with the reason each is refused. Linked folders are not entered."""
    wanted = tuple(suffix.lower() for suffix in suffixes)
    found: list[Path] = []
    refused: list[tuple[Path, str]] = []
    for folder, dirnames, filenames in os.walk(root):  # followlinks=False
        if not recursive:
            dirnames[:] = []
        for name in filenames:
            if not name.lower().endswith(wanted):
                continue
            path = Path(folder) / name
            try:
                check(path, root)
            except RefusedFile as error:
                refused.append((path, error.reason))
            else:
                found.append(path)
    return sorted(found), sorted(refused)
