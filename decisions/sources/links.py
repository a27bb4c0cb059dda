"""Where a record's file lives: its source, path and commit, as the record's pages show them.

A record that came from a source (decisions.sources.models.SourceFile) has a home: when the
repository is the place of record, the site does not edit it (decisions.sources.readonly) and
its page links to the file on the repository's host instead. Detail pages read the home in the
query that builds them (`home_relation`, one more branch of their UNION), so it costs no query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from decisions.caching.union import TEXT, Relation, Rows
from decisions.sources.hosts import file_url, web_base
from decisions.sources.models import RecordIn, SourceFile

_COLUMNS = {
    "path": (TEXT, "path"), "commit": (TEXT, "commit"), "source": (TEXT, "source__name"),
    "url": (TEXT, "source__url"), "branch": (TEXT, "source__branch"), "record_in": (TEXT, "source__record_in"),
}  # fmt: skip


@dataclass(frozen=True)
class RecordHome:
    """The file a record came from, in the source it came from."""

    source: str
    url: str
    branch: str
    path: str
    commit: str
    record_in: str

    @property
    def read_only(self) -> bool:
        """The repository is the place of record: edits belong there, not on the site."""
        return self.record_in == RecordIn.REPOSITORY

    @property
    def edit_url(self) -> str:
        """The file on its branch on the repository's host ("" for a local folder or unknown host)."""
        return file_url(self.url, self.branch, self.path)

    @property
    def commit_url(self) -> str:
        """The file as it was at the commit the site last read it at."""
        return file_url(self.url, self.commit, self.path) if self.commit else ""

    @property
    def on_host(self) -> bool:
        return web_base(self.url) is not None

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def branch_label(self) -> str:
        return self.branch or "the default branch"


def home_relation(kind: str, record_ids: QuerySet | Any) -> Relation:
    """The UNION branch (tag "home") that finds the live file of each record among `record_ids`."""
    files = SourceFile.objects.filter(kind=kind, withdrawn=False, object_id__in=record_ids)
    return Relation("home", files, "object_id", _COLUMNS)


def home_from_rows(rows: Rows) -> RecordHome | None:
    """The record's home from a page's rows; a repository-held file wins over a site-held one."""
    homes = [RecordHome(**row) for _, row in rows.get("home", [])]
    homes.sort(key=lambda home: (not home.read_only, home.source, home.path))
    return homes[0] if homes else None


def record_home(kind: str, object_id: int) -> RecordHome | None:
    """The home of one record, in one query (for the edit views, which have no page rows)."""
    files = SourceFile.objects.filter(kind=kind, object_id=object_id, withdrawn=False)
    rows = [(object_id, dict(zip(_COLUMNS, values, strict=True))) for values in
            files.values_list(*(path for _, path in _COLUMNS.values()))]  # fmt: skip
    return home_from_rows({"home": rows})


# Where an RFC is discussed -------------------------------------------------------------------

_PULL = re.compile(r"/(?:pull|pulls|merge_requests)/\d+/?$")
_ISSUE = re.compile(r"/issues/\d+/?$")
# https://github.com/rust-lang/rfcs/pull/3600, https://gitlab.com/g/sub/p/-/merge_requests/7
_NUMBERED = re.compile(
    r"^https://(?:github\.com|gitlab\.[\w.]+)/(?P<repo>[\w.-]+(?:/[\w.-]+)+?)(?:/-)?"
    r"/(?P<what>pull|issues|merge_requests)/(?P<number>\d+)/?$"
)


def discussion_label(url: str) -> str:
    """What the RFC's discussion link is: its pull request, its issue, or a discussion elsewhere."""
    if _PULL.search(url):
        return "Pull request"
    if _ISSUE.search(url):
        return "Tracking issue"
    return "Discussion"


def discussion_text(url: str) -> str:
    """How the link reads: "rust-lang/rfcs#3600" for a pull request or issue, else the address."""
    if match := _NUMBERED.match(url):
        sign = "!" if match["what"] == "merge_requests" else "#"
        return f"{match['repo']}{sign}{match['number']}"
    return url.removeprefix("https://").removeprefix("http://")
