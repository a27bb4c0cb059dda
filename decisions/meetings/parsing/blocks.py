"""Notes as markdown-it blocks (headings, paragraphs, code, tables) and the text, links and mentions in them."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from decisions.meetings.parsing.results import ParsedLink
from decisions.meetings.parsing.words import DECISION_RE, EMOJI_RE, ESCAPE_RE, RFC_RES, URL_RE, URL_TRAILING


@dataclass
class Item:
    id: int
    parent: int | None
    depth: int
    line: int
    end: int
    has_sublist: bool = False
    head: Block | None = None
    blocks: int = 0


@dataclass
class Block:
    kind: str  # heading | para | code | table | html
    line: int  # 0-based first line
    end: int  # 0-based line after the block
    text: str = ""
    level: int = 0
    inline: Token | None = None
    item: int | None = None
    depth: int = -1
    first_in_item: bool = False
    quoted: bool = False
    rows: list[list[Token]] = field(default_factory=list)
    # Filled by the structure pass.
    section: str = ""
    topic: int | None = None
    head: str = ""  # "all" / "line": the paragraph / its first line is a topic title; "label": its bold label


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def read_blocks(text: str) -> tuple[list[Block], dict[int, Item]]:
    tokens = _markdown().parse(text)
    blocks: list[Block] = []
    items: dict[int, Item] = {}
    stack: list[int] = []
    quote = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "list_item_open":
            parent = stack[-1] if stack else None
            start, end = token.map or (0, 0)
            item = Item(id=len(items), parent=parent, depth=len(stack), line=start, end=end)
            items[item.id] = item
            stack.append(item.id)
        elif kind == "list_item_close":
            stack.pop()
        elif kind in {"bullet_list_open", "ordered_list_open"} and stack:
            items[stack[-1]].has_sublist = True
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in {"heading_open", "paragraph_open"}:
            inline = tokens[index + 1]
            start, end = token.map or (0, 0)
            block = Block(
                kind="heading" if kind == "heading_open" else "para",
                line=start,
                end=end,
                text=inline.content,
                level=int(token.tag[1]) if kind == "heading_open" else 0,
                inline=inline,
                quoted=quote > 0,
            )
            _place(block, stack, items)
            blocks.append(block)
            index += 3
            continue
        elif kind in {"fence", "code_block", "html_block"}:
            start, end = token.map or (0, 0)
            block = Block(
                kind="code" if kind != "html_block" else "html", line=start, end=end, quoted=quote > 0
            )
            _place(block, stack, items)
            blocks.append(block)
        elif kind == "table_open":
            start, end = token.map or (0, 0)
            rows: list[list[Token]] = []
            while index < len(tokens) and tokens[index].type != "table_close":
                if tokens[index].type == "tr_open":
                    rows.append([])
                elif tokens[index].type == "inline" and rows:
                    rows[-1].append(tokens[index])
                index += 1
            block = Block(kind="table", line=start, end=end, rows=rows, quoted=quote > 0)
            _place(block, stack, items)
            blocks.append(block)
        index += 1
    return blocks, items


def _place(block: Block, stack: list[int], items: dict[int, Item]) -> None:
    if not stack:
        return
    item = items[stack[-1]]
    block.item = item.id
    block.depth = item.depth
    if item.blocks == 0 and block.kind == "para":
        block.first_in_item = True
        item.head = block
    item.blocks += 1


def plain(inline: Token | None, first_line_only: bool = False) -> str:
    """The readable text of an inline token: link texts, code without backticks, no markup."""
    if inline is None:
        return ""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline"} or child.type == "image":
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            if first_line_only:
                break
            parts.append(" ")
    text = EMOJI_RE.sub("", "".join(parts))
    return re.sub(r"\s+", " ", text).strip()


def unescape(text: str) -> str:
    return ESCAPE_RE.sub(r"\1", text)


@lru_cache(maxsize=32768)
def strip_markup(text: str) -> str:
    """A line without emphasis markers and backslash escapes, for label and placeholder tests."""
    text = unescape(text.strip())
    # Spans are bounded: "_a _a _a ..." with no closer would otherwise take time squared in its length.
    text = re.sub(r"(\*\*|__)(.{1,300}?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])([*_])(\S(?:.{0,300}?\S)?)\1(?![\w*])", r"\2", text)
    return text.strip()


def block_text(block: Block) -> str:
    if block.kind == "table":
        return "\n".join(cell.content for row in block.rows for cell in row)
    return block.text if block.kind in {"para", "heading"} else ""


def block_links(block: Block) -> list[ParsedLink]:
    if block.kind == "table":
        return [link for row in block.rows for cell in row for link in _inline_links(cell)]
    return _inline_links(block.inline) if block.kind in {"para", "heading"} else []


def distinct_links(links: object) -> list[ParsedLink]:
    found: dict[str, ParsedLink] = {}
    for link in links:  # type: ignore[attr-defined]
        found.setdefault(link.url, link)
    return list(found.values())


def _inline_links(inline: Token | None) -> list[ParsedLink]:
    """Markdown links, autolinks and bare URLs; only absolute http(s) links are kept."""
    links: list[ParsedLink] = []
    children = (inline.children or []) if inline is not None else []
    index = 0
    while index < len(children):
        child = children[index]
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            parts = []
            index += 1
            while index < len(children) and children[index].type != "link_close":
                if children[index].type in {"text", "code_inline"}:
                    parts.append(children[index].content)
                index += 1
            if re.match(r"https?://\S", href, re.I) and len(href) <= 1000:
                text = "".join(parts).strip()
                links.append(ParsedLink(url=href, text="" if text == href else text[:500]))
        elif child.type == "text":
            for match in URL_RE.finditer(child.content):
                url = _trim_url(match.group(0))
                if len(url) <= 1000 and len(url) > len("https://"):
                    links.append(ParsedLink(url=url))
        index += 1
    return links


def _trim_url(url: str) -> str:
    while url and url[-1] in URL_TRAILING:
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def mentions_in(texts: list[str]) -> tuple[list[int], list[int]]:
    rfcs: dict[int, None] = {}
    decisions: dict[int, None] = {}
    for text in texts:
        if not text:
            continue
        hits = sorted((m.start(), int(m[1])) for regex in RFC_RES for m in regex.finditer(text))
        for _, number in hits:
            if number > 0:
                rfcs.setdefault(number, None)
        for match in DECISION_RE.finditer(text):
            if int(match[1]) > 0:
                decisions.setdefault(int(match[1]), None)
    return list(rfcs), list(decisions)


def dedent(lines: list[str]) -> str:
    return textwrap.dedent("\n".join(lines)).strip("\n")
