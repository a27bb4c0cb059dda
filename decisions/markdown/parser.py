"""The one markdown-it parser: CommonMark with GFM, heading anchors, task lists, mentions, Pygments."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.gfm import gfm_plugin

from decisions.markdown.anchors import heading_anchors
from decisions.markdown.highlight import highlight
from decisions.markdown.mentions import link_mentions


def _render_list_item(renderer: Any, tokens: list, index: int, options: Any, env: dict) -> str:
    """Task-list items as a symbol plus words, not a disabled checkbox a screen reader can't name."""
    token = tokens[index]
    if "checked" not in token.meta:
        return renderer.renderToken(tokens, index, options, env)
    done = bool(token.meta["checked"])
    symbol, state = ("☑", "done") if done else ("☐", "to do")
    return (
        f'<li class="task-list-item"><span class="task-state" aria-hidden="true">{symbol}</span> '
        f'<span class="visually-hidden">({state})</span>'
    )


def _render_fence(renderer: Any, tokens: list, index: int, options: Any, env: dict) -> str:
    """A ```mermaid block becomes `<pre class="mermaid">` holding its source, escaped, not highlighted.

    Without JavaScript the source is what the reader sees; static/js/diagrams.js draws it.
    Every other fence goes to markdown-it's own rule (and Pygments).
    """
    token = tokens[index]
    words = token.info.split()
    if words and words[0].lower() == MERMAID_LANGUAGE:
        return f'<pre class="mermaid">{escapeHtml(token.content)}</pre>\n'
    return renderer.fence(tokens, index, options, env)


MERMAID_LANGUAGE = "mermaid"


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """Built once: GFM tables, strikethrough, autolinks, task lists and footnotes; raw HTML is
    parsed (the sanitizer decides what stays); mentions are linked when env["link_mentions"]."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "highlight": highlight})
    md.use(gfm_plugin)
    md.core.ruler.push("anchor", heading_anchors)
    md.add_render_rule("list_item_open", _render_list_item)
    md.add_render_rule("fence", _render_fence)
    md.core.ruler.push("site_mentions", link_mentions)
    return md
