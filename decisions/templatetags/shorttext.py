"""Short text fields in templates: `{{ option.name|inline }}` shows `Box<dyn Trait>` as typed and
`code` as code (decisions.markdown.short). Results are memoised per text, and record pages are
cached whole, so this is not a Markdown render per request in practice."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from decisions.markdown.short import plain_inline, render_inline

register = template.Library()


@register.filter
def inline(text: object) -> SafeString:
    """Inline Markdown, raw HTML escaped: for names, titles and notes shown as text."""
    return render_inline(str(text or ""))


@register.filter
def inline_nolinks(text: object) -> SafeString:
    """As `inline`, for text that is already inside a link or a button (no nested anchors)."""
    return render_inline(str(text or ""), links=False)


@register.filter
def plain(text: object) -> str:
    """The words without markup, for <title>, labels, options and attributes (autoescaped)."""
    return plain_inline(str(text or ""))
