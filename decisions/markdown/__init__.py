"""The only place Markdown becomes HTML: render() and render_document(), the public API.

markdown-it-py parses (CommonMark + GFM tables, strikethrough, autolinks, task lists and
footnotes, plus heading anchors: decisions.markdown.parser), Pygments highlights code with CSS
classes (highlight), and nh3 sanitizes the result with an explicit allowlist (sanitize).
markdown-it-py stays linear on hostile input, where Python-Markdown took tens of seconds.
Callers store the output on the row (decisions.markdown.fields); nothing renders Markdown per
request. reStructuredText (imported PEP bodies) has its own renderer in decisions.markdown.rst,
which ends in the same sanitizer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from decisions.markdown.anchors import Heading, slugify_heading, table_of_contents
from decisions.markdown.highlight import pygments_css
from decisions.markdown.parser import parser
from decisions.markdown.sanitize import sanitize, user_toc

__all__ = [
    "Heading",
    "MarkdownTooLarge",
    "Rendered",
    "check_size",
    "clean_text",
    "pygments_css",
    "render",
    "render_document",
    "sanitize",
    "slugify_heading",
    "user_toc",
]


class MarkdownTooLarge(ValueError):
    """Raised instead of rendering a document past settings.MARKDOWN_MAX_BYTES."""


@dataclass
class Rendered:
    html: str
    toc: list[Heading] = field(default_factory=list)


def check_size(text: str) -> None:
    """Refuse documents over the configured size, with a message a person can act on."""
    limit = settings.MARKDOWN_MAX_BYTES
    size = len(text.encode("utf-8", errors="replace"))
    if size > limit:
        raise MarkdownTooLarge(
            f"This document is {size // 1024} KB; the limit is {limit // 1024} KB. "
            "Split it or link to the long parts."
        )


def clean_text(text: str) -> str:
    """Normalise what users paste: BOM, NUL and CR characters never reach the parser."""
    text = text.lstrip("\ufeff").replace("\x00", "\ufffd")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def render_document(text: str, *, link_mentions: bool = False) -> Rendered:
    """Render Markdown to safe HTML and collect the headings for a table of contents.

    With link_mentions, `RFC 12` and `DR-0001` become links (meeting notes use this).
    """
    text = clean_text(text or "")
    check_size(text)
    md = parser()
    env: dict = {"link_mentions": link_mentions}
    tokens = md.parse(text, env)
    toc = table_of_contents(tokens)
    html = md.renderer.render(tokens, md.options, env)
    return Rendered(html=sanitize(html), toc=user_toc(toc))


def render(text: str) -> str:
    """Markdown to sanitized HTML: the interface scripts and checks import (decisions.markdown.render)."""
    return render_document(text).html
