"""Markdown fields of a model: rendered once, in save(), into a sibling `*_html` field."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_save

from decisions import markdown


class MarkdownFieldsMixin(models.Model):
    """Renders each Markdown field into its HTML field when the text changes.

    Subclasses list `MARKDOWN_FIELDS = {"body": "body_html"}`. A field that also needs a table
    of contents names it in `MARKDOWN_TOC_FIELDS = {"body": "toc"}`.
    """

    MARKDOWN_FIELDS: ClassVar[dict[str, str]] = {}
    MARKDOWN_TOC_FIELDS: ClassVar[dict[str, str]] = {}
    # Meeting notes link `RFC 12` and `DR-0001` to their pages.
    MARKDOWN_LINK_MENTIONS: ClassVar[bool] = False

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._rendered_sources = {
            name: getattr(instance, name) for name in cls.MARKDOWN_FIELDS if name in instance.__dict__
        }
        return instance

    def markdown_is_stale(self) -> bool:
        loaded = getattr(self, "_rendered_sources", {})
        return any(
            name not in loaded or loaded[name] != getattr(self, name) or not getattr(self, html)
            for name, html in self.MARKDOWN_FIELDS.items()
            if getattr(self, name)
        ) or any(
            not getattr(self, name) and getattr(self, html) for name, html in self.MARKDOWN_FIELDS.items()
        )

    def render_field(self, name: str) -> markdown.Rendered:
        """One field's HTML and headings; RFCs imported as reStructuredText override this."""
        return markdown.render_document(getattr(self, name) or "", link_mentions=self.MARKDOWN_LINK_MENTIONS)

    def render_markdown(self) -> list[str]:
        """Render every Markdown field; return the names of the fields that changed."""
        changed = []
        for name, html_name in self.MARKDOWN_FIELDS.items():
            rendered = self.render_field(name)
            if getattr(self, html_name) != rendered.html:
                setattr(self, html_name, rendered.html)
                changed.append(html_name)
            toc_name = self.MARKDOWN_TOC_FIELDS.get(name)
            if toc_name:
                toc = [vars(heading) for heading in rendered.toc]
                if getattr(self, toc_name) != toc:
                    setattr(self, toc_name, toc)
                    changed.append(toc_name)
        self._rendered_sources = {name: getattr(self, name) for name in self.MARKDOWN_FIELDS}
        # Rendered before save() (prerender()): save(update_fields=...) must still write them.
        self._unsaved_html = [*getattr(self, "_unsaved_html", []), *changed]
        return changed

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name in self.MARKDOWN_FIELDS:
            try:
                markdown.check_size(getattr(self, name) or "")
            except markdown.MarkdownTooLarge as error:
                errors[name] = str(error)
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Render what changed (unless prerender() already did), then write."""
        if self.markdown_is_stale():
            self.render_markdown()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and getattr(self, "_unsaved_html", None):
            kwargs["update_fields"] = {*update_fields, *self._unsaved_html}
        super().save(*args, **kwargs)
        self._unsaved_html = []


def prerender(*records: Any) -> None:
    """Render the Markdown of records about to be saved, before the caller opens its transaction.

    With SQLite's IMMEDIATE transactions an atomic block holds the database's write lock from
    its start, and a long render inside one made every other save fail with "database is
    locked". Rendered here, the save() inside the block only writes. Anything else is ignored.
    """
    for record in records:
        if isinstance(record, MarkdownFieldsMixin) and record.markdown_is_stale():
            record.render_markdown()


def render_markdown_of_raw_rows(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """`loaddata` saves raw and skips Model.save(), so its rows are rendered here."""
    if not raw or not isinstance(instance, MarkdownFieldsMixin) or not instance.markdown_is_stale():
        return
    changed = instance.render_markdown()
    if changed:
        sender._default_manager.using(kwargs.get("using")).filter(pk=instance.pk).update(
            **{name: getattr(instance, name) for name in changed}
        )


def connect() -> None:
    post_save.connect(render_markdown_of_raw_rows, dispatch_uid="markdown-raw-rows")
