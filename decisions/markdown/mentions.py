"""`RFC 12`, `rfcs#12` and `DR-0001` in meeting notes become links to this site's pages."""

from __future__ import annotations

import re

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

MENTION = re.compile(r"\b(?:RFC\s?#?(?P<rfc>\d{1,5})|rfcs#(?P<rfcs>\d{1,5})|DR-(?P<dr>\d{1,5}))\b")


def link_mentions(state: StateCore) -> None:
    """A markdown-it core rule: turn mentions in text (not already in a link) into links, when
    the document was rendered with link_mentions."""
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
