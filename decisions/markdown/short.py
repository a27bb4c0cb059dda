"""Short text shown as written: titles, names, option summaries and notes, with inline Markdown.

A long field (context, rationale, an RFC body) is a document: its raw HTML is parsed and the
sanitizer keeps what is safe. A short field is what someone typed in one box, and there
`Box<dyn Trait>` is a Rust type, not a tag to drop: raw HTML stays text, and so do entities
(`&amp;` shows as typed). Code spans, emphasis, strikethrough and links render. Nothing that
builds blocks (headings, tables, code blocks) or shows pictures does, so a name never breaks the cell or heading it
sits in; a summary may still have paragraphs and lists.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

import nh3
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from decisions.markdown.sanitize import LINK_REL, URL_SCHEMES

INLINE_TAGS = {"a", "br", "code", "del", "em", "s", "strong"}
SUMMARY_TAGS = INLINE_TAGS | {"li", "ol", "p", "ul"}
# Text without these characters has no Markdown in it: it is only escaped, without a parse.
_SYNTAX = frozenset("`*_~[]\\<\n")


def _skip_link(renderer: Any, tokens: list, index: int, options: Any, env: dict) -> str:
    """Inside a link or a button a link is not allowed: keep the words, drop the anchor."""
    if env.get("links", True):
        return renderer.renderToken(tokens, index, options, env)
    return ""


def _image_as_link(renderer: Any, tokens: list, index: int, options: Any, env: dict) -> str:
    """No pictures in a name or a note: an image is a link to it, named by its alt text."""
    token = tokens[index]
    words = escape(renderer.renderInlineAsText(token.children or [], options, env))
    if not env.get("links", True):
        return words
    return f'<a href="{escape(token.attrGet("src") or "")}">{words}</a>'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False})
    md.enable("strikethrough")
    md.disable(["entity", "heading", "lheading", "table", "hr", "code", "fence", "blockquote"])
    md.disable(["html_block", "html_inline", "reference"])
    md.add_render_rule("link_open", _skip_link)
    md.add_render_rule("link_close", _skip_link)
    md.add_render_rule("image", _image_as_link)
    return md


def _clean(markup: str, tags: set[str]) -> str:
    # The parser already escaped every character; this allowlist is the second lock, as for
    # documents, and it is what adds rel="nofollow noopener" to links.
    return nh3.clean(
        markup,
        tags=tags,
        attributes={"a": {"href"}, "ol": {"start"}},
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


@lru_cache(maxsize=4096)
def _inline(text: str, links: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not _SYNTAX.intersection(text):
        return escape(text)
    markup = _parser().renderInline(text, {"links": links})
    return _clean(markup.strip(), INLINE_TAGS)


def render_inline(text: str, *, links: bool = True) -> SafeString:
    """One short text as inline HTML (no <p>): `Box<dyn Trait>` stays, `code` becomes <code>.

    links=False keeps a link's words without the anchor, for text that is itself inside a link.
    """
    return mark_safe(_inline(text or "", links))


def plain_inline(text: str) -> str:
    """The words a reader sees, without markup: for <title>, labels and attributes (unescaped;
    the template escapes it)."""
    return html.unescape(strip_tags(_inline(text or "", False)))


def render_summary(text: str) -> str:
    """A short text that may hold paragraphs and lists (option summaries), stored in *_html."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    return _clean(_parser().render(text, {"links": True}), SUMMARY_TAGS)
