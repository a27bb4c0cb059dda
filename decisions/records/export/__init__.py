"""Decision records to Markdown files: one MADR 4 file per record, plus an index.

A record file is MADR 4: YAML front matter with MADR's keys (status, date, decision-makers,
consulted, informed) and this site's data under one key (`rfcs-site`: the number, the date it was
decided, roles, areas, links, precedents, history: only what the body cannot say), then the body
in MADR's sections, the options matrix as a table and the precedents. Import
(decisions.records.importing) reads both back, so an edit of the body in git becomes the
record's text. Export, import, export gives the same bytes. References kept as written
(PendingReference) are exported exactly like resolved ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import slugify

from decisions.formats import emitter
from decisions.models import Decision
from decisions.records.export import body, stored
from decisions.records.export.data import SITE_KEY, front_matter, load_parts, record_spec
from decisions.records.specs import RecordSpec
from decisions.signoff.written import with_section

__all__ = [
    "EXPORTED_NAME",
    "INDEX_NAME",
    "SITE_KEY",
    "decision_filename",
    "decision_to_markdown",
    "export_all",
    "export_entries",
    "render_many",
    "spec_to_markdown",
    "write_folder",
]

INDEX_NAME = "README.md"
FILENAME_SLUG_CHARS = 60
# Files this exporter names; write_folder removes stale ones so a renamed record never leaves
# a second file with the same number behind (the import would refuse the folder).
EXPORTED_NAME = re.compile(r"^\d{4,}(-[a-z0-9-]+)?\.md$")


def decision_filename(decision: Decision) -> str:
    """NNNN-slug.md, the slug cut at a word boundary so names stay short in a file listing."""
    slug = slugify(decision.title)
    if len(slug) > FILENAME_SLUG_CHARS:
        cut = slug[: FILENAME_SLUG_CHARS + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:FILENAME_SLUG_CHARS]
    slug = slug.strip("-")
    return f"{decision.number:04d}-{slug}.md" if slug else f"{decision.number:04d}.md"


def decision_to_markdown(decision: Decision, request: HttpRequest | None = None) -> str:
    """One record: MADR's front matter with the site's key, then the body.

    With the request of a view that read the data state first (fragments.reads_state) and the
    record read with select_related("stored_markdown"): its stored copy as it is when checked at
    this state already, for this record or with every record by the zip (export.stored).
    """
    keys = stored.verified_keys(request, decision.pk)
    if Decision.stored_markdown.is_cached(decision):
        copy = stored.copy_of(decision)
        if copy is not None and stored.any_verified([*keys, *stored.verified_keys(request, "all")]):
            return copy.text
    text = render_many([decision], Decision.objects.filter(pk=decision.pk))[decision.pk]
    stored.mark_verified(keys)
    return text


def spec_to_markdown(spec: RecordSpec) -> str:
    """The file of a record given as plain values."""
    text = with_section(body.record_body(spec), spec.signoff)  # the body alone for a record without motions
    return f"---\n{emitter.dump(front_matter(spec))}---\n\n{text}"


_HTML = ("context_html", "rationale_html", "consequences_html", "confirmation_html", "more_information_html")


def render_many(
    decisions: list[Decision] | QuerySet[Decision], scope: QuerySet[Decision] | None = None
) -> dict[int, str]:
    """The files of these records by id: their values loaded, each file taken from its stored
    copy when that was written from the same values, else rendered and stored (export.stored).

    `scope`: a queryset of the same records (a subquery for the loaders), when `decisions` is a list.
    """
    if scope is None:
        scope = decisions
        decisions = list(decisions.defer(*_HTML))
    return {pk: text for pk, (text, _) in _files(decisions, scope).items()}


def _files(
    decisions: list[Decision], scope: QuerySet[Decision], *, deflated: bool = False
) -> dict[int, tuple[str, bytes | None]]:
    parts = load_parts(decisions, scope)
    if all(Decision.stored_markdown.is_cached(d) for d in decisions):  # select_related read them
        store = stored.Store(loaded={d.pk: stored.copy_of(d) for d in decisions}, deflated=deflated)
    else:
        pks = None if len(decisions) > STORE_ALL_OVER else [d.pk for d in decisions]
        store = stored.Store(pks, deflated=deflated)
    files = {
        decision.pk: store.text(decision.pk, record_spec(decision, parts[decision.pk]), spec_to_markdown)
        for decision in decisions
    }
    store.save()
    return {pk: (text, store.deflated(pk)) for pk, text in files.items()}


# Past this many records, read every stored copy rather than bind a list of ids.
STORE_ALL_OVER = 500


def export_all() -> dict[str, str]:
    """Every record as `filename -> text`, plus README.md, an index like an ADR folder's."""
    return {name: text for name, text, _ in export_entries(deflated=False)}


def export_entries(
    *, deflated: bool = True, request: HttpRequest | None = None
) -> list[tuple[str, str, bytes | None]]:
    """Every record and README.md as (filename, text, the text compressed for a zip), by name.

    With the request of a view that read the data state first, the stored copies are taken as
    they are when they were all checked at this state already (export.stored).
    """
    keys = stored.verified_keys(request, "all")
    checked = stored.any_verified(keys)
    scope = Decision.objects.all()
    decisions = list(scope.defer(*_HTML).order_by("number"))
    files: dict[int, tuple[str, bytes | None]] = {}
    if checked:
        copies = stored.Store(None, deflated=deflated).copies
        files = {pk: (text, packed) for pk, (_, text, packed) in copies.items()}
    if not checked or any(decision.pk not in files for decision in decisions):
        files = _files(decisions, scope, deflated=deflated)
        stored.mark_verified(keys)
    entries, rows = [], []
    for decision in decisions:
        name = decision_filename(decision)
        entries.append((name, *files[decision.pk]))
        rows.append((decision, name))
    entries.append((INDEX_NAME, body.index(rows), None))
    return sorted(entries, key=lambda entry: entry[0])


def write_folder(
    path: str | Path,
    files: dict[str, str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write the export into a folder (made if missing), removing records it no longer has."""
    folder = Path(path)
    files = export_all() if files is None else files
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.md"):
        if EXPORTED_NAME.match(stale.name) and stale.name not in files:
            stale.unlink()
    written = []
    for index, (name, text) in enumerate(sorted(files.items()), 1):
        target = folder / name
        target.write_bytes(text.encode("utf-8"))
        written.append(target)
        if progress:
            progress(index, len(files))
    return written
