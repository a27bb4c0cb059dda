"""manage.py render_markdown: render the stored HTML of every Markdown field again, after the pipeline changed."""

from __future__ import annotations

import sys
from typing import Any

from django.apps import apps
from django.db import transaction

from decisions.management.base import SiteCommand
from decisions.models import MarkdownFieldsMixin


def markdown_models() -> list[type[MarkdownFieldsMixin]]:
    return [
        model
        for model in apps.get_app_config("decisions").get_models()
        if issubclass(model, MarkdownFieldsMixin)
    ]


# Rows rendered, then written in one short transaction.
CHUNK = 200


def render_all(*, dry_run: bool = False, progress: Any = None) -> dict[str, int]:
    """Re-render every row; return how many rows of each model changed.

    Each chunk of rows is rendered outside any transaction, then what changed is written in one
    short transaction: with SQLite's IMMEDIATE transactions an atomic block holds the write lock
    from its start, and rendering inside it made every other save fail with "database is
    locked". A row is only written while its text is still the one rendered; a row saved in
    between was rendered by its own save().
    """
    changed: dict[str, int] = {}
    for model in markdown_models():
        count = 0
        rows = model._default_manager.order_by("pk")
        total = rows.count()
        # What a row's HTML is rendered from (an RFC's body may be reStructuredText).
        watched = [*model.MARKDOWN_FIELDS, *[f.name for f in model._meta.fields if f.name == "body_format"]]
        index, last = 0, None
        while chunk := list((rows if last is None else rows.filter(pk__gt=last))[:CHUNK]):
            last = chunk[-1].pk
            updates = []
            for row in chunk:
                index += 1
                fields = row.render_markdown()
                if fields:
                    count += 1
                    sources = {name: getattr(row, name) for name in watched}
                    updates.append((row.pk, sources, {f: getattr(row, f) for f in fields}))
                if progress:
                    progress(model.__name__, index, total)
            if updates and not dry_run:
                with transaction.atomic():
                    for pk, sources, values in updates:
                        model._default_manager.filter(pk=pk, **sources).update(**values)
        changed[model.__name__] = count
    return changed


class Command(SiteCommand):
    help = "Render every stored Markdown field again (run after upgrading the Markdown pipeline)."
    dry_run = True
    json_help = "print one JSON object and nothing else"
    dry_run_help = "count what would change, write nothing"

    def run(self, options: dict[str, Any]) -> dict[str, int]:
        def progress(name: str, index: int, total: int) -> None:
            if index == total or index % 50 == 0:
                end = "\n" if index == total else ""
                sys.stderr.write(f"\r{name}: {index}/{total}{end}")

        return render_all(dry_run=options["dry_run"], progress=None if self.quiet else progress)

    def as_json(self, changed: dict[str, int], options: dict[str, Any]) -> dict[str, Any]:
        return {"changed": changed, "dry_run": options["dry_run"]}

    def summary(self, changed: dict[str, int], options: dict[str, Any]) -> None:
        total = sum(changed.values())
        verb = "would change" if options["dry_run"] else "changed"
        self.stdout.write(f"Rendered every Markdown field: {total} row(s) {verb}.")
