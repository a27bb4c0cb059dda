"""Heading ids: GitHub-style slugs made unique with suffixes, and the table of contents they make."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ANCHOR_LEVELS = range(1, 5)


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str


def slugify_heading(text: str) -> str:
    """GitHub-style anchors, so links copied from GitHub (#rationale-and-alternatives) work."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\- ]+", "", text)
    return re.sub(r"\s", "-", text) or "section"


def heading_anchors(state: StateCore) -> None:
    """A markdown-it core rule: give headings h1-h4 unique GitHub-style ids: `t`, then `t-1`, `t-2`...

    The same ids as mdit_py_plugins' anchors plugin, whose search for a free suffix starts at
    1 for every heading, so 30,000 equal headings took 25 s; here each slug remembers its next
    suffix, and every taken id is stepped over at most once, so the whole is linear.
    """
    taken = {
        str(heading_id)
        for token in state.tokens
        if token.type == "heading_open" and (heading_id := token.attrGet("id"))
    }
    next_suffix: dict[str, int] = {}
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open" or int(token.tag[1]) not in ANCHOR_LEVELS or token.attrGet("id"):
            continue
        children = state.tokens[index + 1].children or []
        base = slugify_heading("".join(c.content for c in children if c.type in {"text", "code_inline"}))
        slug, suffix = base, next_suffix.get(base, 0)
        if suffix or slug in taken:
            suffix = max(suffix, 1)
            while (slug := f"{base}-{suffix}") in taken:
                suffix += 1
        next_suffix[base] = suffix + 1
        taken.add(slug)
        token.attrSet("id", slug)


def table_of_contents(tokens: list[Token]) -> list[Heading]:
    """The headings that got an id, in document order (ids as parsed, before the sanitizer's prefix)."""
    toc = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            inline = tokens[index + 1]
            title = "".join(
                child.content for child in inline.children or [] if child.type in {"text", "code_inline"}
            )
            toc.append(Heading(level=int(token.tag[1]), id=str(token.attrGet("id")), title=title))
    return toc
