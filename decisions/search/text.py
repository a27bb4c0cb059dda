"""Rendered HTML as the plain text the search index stores: blocks, summaries, joined parts.

The index reads a record's rendered HTML (never its Markdown) as (heading level or 0, text)
blocks, so what is searched is what a page shows: task-list boxes, footnote numbers and other
decoration are left out. Building a document of each kind (decisions/<room>/search.py) uses the
helpers here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decisions.markdown.fields import MarkdownFieldsMixin

# Characters no stored text may hold: C0 controls, and the two that mark matches in excerpts.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")

Blocks = tuple[tuple[int, str], ...]

_BLOCK_TAGS = {
    "p", "div", "section", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table",
    "thead", "tbody", "tfoot", "tr", "caption", "figure", "figcaption", "details", "summary",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
_VOID_TAGS = {"br", "hr", "img", "input", "col", "wbr", "area", "source"}
# Decoration that is not text: task-list boxes, footnote numbers and back links, screen-reader labels.
_SKIPPED_CLASSES = {"visually-hidden", "footnote-ref", "footnote-backref", "task-state"}


class _TextExtractor(HTMLParser):
    """Rendered Markdown as (heading level or 0, text) blocks, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._level = 0
        self._open: list[bool] = []  # per open element: does it hide its content?
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            if not self._hidden:
                self._parts.append(" ")
            return
        attributes = dict(attrs)
        hides = attributes.get("aria-hidden") == "true" or bool(
            _SKIPPED_CLASSES & set((attributes.get("class") or "").split())
        )
        self._open.append(hides)
        self._hidden += hides
        if self._hidden:
            return
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._level = int(tag[1])
        elif tag in {"td", "th"}:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS or not self._open:
            return
        if self._open.pop():
            self._hidden -= 1
        elif not self._hidden and tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            self.blocks.append((self._level, text))
        self._parts, self._level = [], 0


@lru_cache(maxsize=1024)
def blocks_of(html: str) -> Blocks:
    """html_blocks(html), cached because a meeting is indexed again for each of its topics saved
    in one import, and taken from prepare_blocks() when an import worked it out already."""
    known = _prepared_blocks.pop(html, None)
    if known is not None:
        return known
    return html_blocks(html)


def html_blocks(html: str) -> Blocks:
    """Rendered HTML as (heading level or 0, text) blocks: what the index stores of it.

    Pure, so an import can run it in a worker process and hand the result to prepare_blocks().
    """
    extractor = _TextExtractor()
    extractor.feed(_without_code_spans(html))
    extractor.close()
    return tuple(extractor.blocks)


# Blocks worked out elsewhere (an import's worker processes) for HTML about to be indexed here.
_prepared_blocks: dict[str, Blocks] = {}
_PREPARED_MAX = 256


def prepare_blocks(html: str, blocks: Blocks) -> None:
    """Say what html_blocks(html) is, so that indexing this HTML next need not parse it again."""
    if len(_prepared_blocks) >= _PREPARED_MAX:
        _prepared_blocks.pop(next(iter(_prepared_blocks)))
    _prepared_blocks[html] = blocks


# A highlighted code block as Pygments writes it: thousands of <span class="k"> per RFC, which
# made most of the parser's work. Neither hiding nor a block, they add nothing to the text.
_HIGHLIGHTED = re.compile(
    r'(<pre tabindex="0" class="highlight"><code class="language-[\w+#.-]*">)'
    r"([^<]*+(?:<(?!/code></pre>)[^<]*+)*+)(</code></pre>)"
)
# Text and spans with a class only, never nested (as Pygments writes them), and nothing else.
_FLAT_SPANS = re.compile(r'(?:[^<]*+<span class="[\w -]*+">[^<]*+</span>)*+[^<]*+')
_SPAN = re.compile(r'<span class="[\w -]*">|</span>')


def _without_code_spans(html: str) -> str:
    """The HTML with the class-only spans of highlighted code removed: the same text blocks.

    Only code blocks made of text and such spans, unnested and naming no hiding class, are
    touched; anything else (a hand-written tag, a hidden span) is left for the parser to read.
    """
    if '<pre tabindex="0" class="highlight">' not in html:
        return html

    def plain(match: re.Match) -> str:
        code = match[2]
        if not _FLAT_SPANS.fullmatch(code) or any(name in code for name in _SKIPPED_CLASSES):
            return match[0]
        return match[1] + _SPAN.sub("", code) + match[3]

    return _HIGHLIGHTED.sub(plain, html)


def plain(html: str) -> str:
    """The text of rendered HTML, a line per block."""
    return "\n".join(text for _, text in blocks_of(html))


def rendered(record: MarkdownFieldsMixin, source: str) -> str:
    """The rendered HTML of a Markdown field; rendered here if a raw save left it stale."""
    if record.markdown_is_stale():
        return record.render_field(source).html
    return getattr(record, record.MARKDOWN_FIELDS[source])


def clean(text: str) -> str:
    """The text with every UNSAFE character made a space."""
    return UNSAFE.sub(" ", text)


def join(*parts: str) -> str:
    """The non-empty parts, a line each."""
    return "\n".join(part for part in parts if part)


_SUMMARY_HEADINGS = {"summary", "abstract", "tl;dr", "overview"}


def split_summary(blocks: Iterable[tuple[int, str]]) -> tuple[str, str]:
    """The Summary section (or else the first paragraph) and the rest, so each is weighted once."""
    blocks = list(blocks)
    for start, (level, text) in enumerate(blocks):
        if level and text.rstrip(":").casefold() in _SUMMARY_HEADINGS:
            end = next((i for i in range(start + 1, len(blocks)) if 0 < blocks[i][0] <= level), len(blocks))
            summary, rest = blocks[start + 1 : end], blocks[:start] + blocks[end:]
            break
    else:
        first = next((i for i, (level, _) in enumerate(blocks) if not level), None)
        if first is None:
            return "", join(*(text for _, text in blocks))
        summary, rest = [blocks[first]], blocks[:first] + blocks[first + 1 :]
    return join(*(text for _, text in summary)), join(*(text for _, text in rest))
