"""Render the stored HTML of every Markdown field again, after the pipeline changed."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from decisions.models import MarkdownFieldsMixin


def markdown_models() -> list[type[MarkdownFieldsMixin]]:
    return [
        model
        for model in apps.get_app_config("decisions").get_models()
        if issubclass(model, MarkdownFieldsMixin)
    ]


def render_all(*, dry_run: bool = False, progress: Any = None) -> dict[str, int]:
    """Re-render every row; return how many rows of each model changed."""
    changed: dict[str, int] = {}
    for model in markdown_models():
        count = 0
        rows = model._default_manager.order_by("pk")
        total = rows.count()
        with transaction.atomic():
            for index, row in enumerate(rows.iterator(chunk_size=200), 1):
                fields = row.render_markdown()
                if fields:
                    count += 1
                    if not dry_run:
                        model._default_manager.filter(pk=row.pk).update(
                            **{f: getattr(row, f) for f in fields}
                        )
                if progress:
                    progress(model.__name__, index, total)
        changed[model.__name__] = count
    return changed


class Command(BaseCommand):
    help = "Render every stored Markdown field again (run after upgrading the Markdown pipeline)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object and nothing else")
        parser.add_argument("--dry-run", action="store_true", help="count what would change, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        show = not options["json"] and sys.stderr.isatty()

        def progress(name: str, index: int, total: int) -> None:
            if index == total or index % 50 == 0:
                end = "\n" if index == total else ""
                sys.stderr.write(f"\r{name}: {index}/{total}{end}")

        changed = render_all(dry_run=options["dry_run"], progress=progress if show else None)
        if options["json"]:
            self.stdout.write(json.dumps({"changed": changed, "dry_run": options["dry_run"]}))
        else:
            total = sum(changed.values())
            verb = "would change" if options["dry_run"] else "changed"
            self.stdout.write(f"Rendered every Markdown field: {total} row(s) {verb}.")
