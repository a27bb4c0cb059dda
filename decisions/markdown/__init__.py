"""The only place Markdown becomes HTML.

markdown-it-py parses (CommonMark + GFM tables, strikethrough, autolinks, task lists and
footnotes, plus heading anchors), Pygments highlights code with CSS classes, and nh3 sanitizes
the result with an explicit allowlist. markdown-it-py stays linear on hostile input, where
Python-Markdown took tens of seconds (see DESIGN.md section 2). Callers store the output on the
row; nothing renders Markdown per request.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import nh3
from django.conf import settings
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.gfm import gfm_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# Code blocks larger than this are shown plain: highlighting them buys little and costs much.
HIGHLIGHT_MAX_CHARS = 64 * 1024

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul", "var",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "div": {"class"},
    "section": {"class"},
    "details": {"open"},
}
# Attributes limited to fixed values: a task-list checkbox, and the footnote markup.
TAG_ATTRIBUTE_VALUES = {
    "li": {"class": {"footnote-item", "task-list-item"}},
    "ul": {"class": {"contains-task-list"}},
    "span": {"aria-hidden": {"true"}},
    "sup": {"class": {"footnote-ref"}},
    "hr": {"class": {"footnotes-sep"}},
    "a": {"class": {"footnote-backref", "header-anchor", "mention"}},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"
# Every id written by users (headings, footnotes, raw HTML) gets this prefix, as on GitHub, so
# no document can clobber the page's own ids (#main, #topic-1, #request-problem...); links to
# "#name" within the document get it too. Form elements are not on the allowlist at all.
USER_ID_PREFIX = "user-content-"


class MarkdownTooLarge(ValueError):
    """Raised instead of rendering a document past settings.MARKDOWN_MAX_BYTES."""


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass
class Rendered:
    html: str
    toc: list[Heading] = field(default_factory=list)


def slugify_heading(text: str) -> str:
    """GitHub-style anchors, so links copied from GitHub (#rationale-and-alternatives) work."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\- ]+", "", text)
    return re.sub(r"\s", "-", text) or "section"


_FORMATTER = HtmlFormatter(nowrap=True)  # stateless between calls; building one costs ~0.5 ms


@lru_cache(maxsize=256)
def _lexer(name: str) -> Any:
    """Lexers are looked up once per language (the lookup walks every lexer Pygments has)."""
    try:
        return get_lexer_by_name(name[:40], stripnl=False)
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str, _attrs: str) -> str:
    """Pygments with CSS classes; unknown languages fall back to a plain code block."""
    words = lang.split()
    if not words or len(code) > HIGHLIGHT_MAX_CHARS:
        return ""
    lexer = _lexer(words[0].lower())
    if lexer is None:
        return ""
    # markdown-it uses the output as-is only when it starts with <pre>.
    body = pygments_highlight(code, lexer, _FORMATTER)
    return f'<pre class="highlight"><code class="language-{lexer.aliases[0]}">{body}</code></pre>\n'


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


MENTION = re.compile(r"\b(?:RFC\s?#?(?P<rfc>\d{1,5})|rfcs#(?P<rfcs>\d{1,5})|DR-(?P<dr>\d{1,5}))\b")


def _link_mentions(state: StateCore) -> None:
    """Turn `RFC 12`, `rfcs#12` and `DR-0001` in meeting notes into links to this site's pages."""
    if not state.env.get("link_mentions"):
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, depth = [], 0
        for token in block.children:
            depth += token.type == "link_open"
            depth -= token.type == "link_close"
            if token.type != "text" or depth or not MENTION.search(token.content):
                children.append(token)
                continue
            position = 0
            for match in MENTION.finditer(token.content):
                if match.start() > position:
                    children.append(_text_token(token.content[position : match.start()]))
                number = int(match["rfc"] or match["rfcs"] or match["dr"])
                href = f"/decisions/{number}/" if match["dr"] else f"/rfcs/{number}/"
                opening = Token("link_open", "a", 1, attrs={"href": href, "class": "mention"})
                children += [opening, _text_token(match.group(0)), Token("link_close", "a", -1)]
                position = match.end()
            if position < len(token.content):
                children.append(_text_token(token.content[position:]))
        block.children = children


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


ANCHOR_LEVELS = range(1, 5)


def _heading_anchors(state: StateCore) -> None:
    """Give headings h1-h4 unique GitHub-style ids: `t`, then `t-1`, `t-2`...

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


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "highlight": _highlight})
    md.use(gfm_plugin)
    md.core.ruler.push("anchor", _heading_anchors)
    md.add_render_rule("list_item_open", _render_list_item)
    md.core.ruler.push("site_mentions", _link_mentions)
    return md


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


_PRE = re.compile(r"<pre(?=[\s>])")


def sanitize(html: str) -> str:
    """Allowlist sanitizer: the last step before any user-written HTML is stored.

    Code blocks then get tabindex="0" (our own attribute, added after cleaning): a block wider
    than the page scrolls sideways, and keyboard users must be able to reach it to scroll.
    """
    return _PRE.sub('<pre tabindex="0"', _clean(html))


def user_id(anchor: str) -> str:
    """The id a user-given anchor gets on the page (already prefixed ones stay as they are)."""
    return anchor if anchor.startswith(USER_ID_PREFIX) else USER_ID_PREFIX + anchor


def user_toc(toc: list[Heading]) -> list[Heading]:
    """Table-of-contents entries pointing at the prefixed ids the sanitizer writes."""
    return [Heading(level=h.level, id=user_id(h.id), title=h.title) for h in toc]


def _fragment_to_user_id(_tag: str, attribute: str, value: str) -> str:
    """`href="#name"` points at the prefixed id; nh3 prefixes the ids themselves (id_prefix)."""
    if attribute == "href" and len(value) > 1 and value.startswith("#"):
        return "#" + user_id(value[1:])
    return value


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_fragment_to_user_id,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        id_prefix=USER_ID_PREFIX,
    )


def render_document(text: str, *, link_mentions: bool = False) -> Rendered:
    """Render Markdown to safe HTML and collect the headings for a table of contents.

    With link_mentions, `RFC 12` and `DR-0001` become links (meeting notes use this).
    """
    text = clean_text(text or "")
    check_size(text)
    md = _parser()
    env: dict = {"link_mentions": link_mentions}
    tokens = md.parse(text, env)
    toc = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            inline = tokens[index + 1]
            title = "".join(
                child.content for child in inline.children or [] if child.type in {"text", "code_inline"}
            )
            toc.append(Heading(level=int(token.tag[1]), id=str(token.attrGet("id")), title=title))
    html = md.renderer.render(tokens, md.options, env)
    return Rendered(html=sanitize(html), toc=user_toc(toc))


def render(text: str) -> str:
    """Markdown to sanitized HTML (interface: DESIGN.md section 7)."""
    return render_document(text).html


def pygments_css(style: str = "xcode") -> str:
    """The stylesheet for highlighted code; `static/css/pygments.css` is generated from it.

    xcode is the bundled style whose every colour keeps 4.5:1 contrast on a light background.
    """
    return HtmlFormatter(style=style).get_style_defs(".highlight")
