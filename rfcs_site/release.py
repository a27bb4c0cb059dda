"""A hash of the code, templates and static files that make pages: part of every rendered-page cache key.

With a cache shared by several servers and kept across deploys (Redis), a page rendered by the
old templates must not be served by the new release. Hashing the files themselves (not a git
revision or a timestamp) gives every server of one release the same value, wherever it was
checked out, and needs no setting.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Static files too: with DEBUG off, pages name them by the hash of their content.
_RENDERING = [("templates", "*.html"), ("decisions", "*.py"), ("rfcs_site", "*.py"), ("static", "*")]


@cache
def release() -> str:
    """This checkout's release: 12 hex digits, the same for the same files."""
    return release_of(BASE_DIR)


def release_of(base: Path) -> str:
    digest = hashlib.sha256()
    for folder, pattern in _RENDERING:
        for path in sorted(p for p in (base / folder).rglob(pattern) if p.is_file()):
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
