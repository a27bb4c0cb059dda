"""Render Markdown for rows written by `loaddata`, which saves raw and skips Model.save()."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from decisions.models import MarkdownFieldsMixin


@receiver(post_save)
def render_markdown_of_raw_rows(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw or not isinstance(instance, MarkdownFieldsMixin) or not instance.markdown_is_stale():
        return
    changed = instance.render_markdown()
    if changed:
        sender._default_manager.using(kwargs.get("using")).filter(pk=instance.pk).update(
            **{name: getattr(instance, name) for name in changed}
        )
