"""User text in a record's Markdown body: escaped so it cannot break the body's structure, and read back.

`inline` puts a short text on one line of a sentence, heading, list item or table cell;
`unescape` turns it back into the text. `block` writes a Markdown field as written, closing a
code fence or HTML block left open so it cannot swallow the sections after it.
"""

from __future__ import annotations

import re

_INLINE_SPECIAL = re.compile(r"[\\`*\[\]<>|~$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|&(?=#?\w+;)|#+(?=\s*$)")
_MAYBE_SPECIAL = re.compile(r"[\\`*\[\]<>|~$_&#\r\n]")
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.*?[^`].*?)(?<!`)\1(?!`)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HTML_BLOCKS = [
    (re.compile(r"^ {0,3}<(script|pre|style|textarea)(\s|>|$)", re.IGNORECASE), None),
    (re.compile(r"^ {0,3}<!--"), "-->"),
    (re.compile(r"^ {0,3}<\?"), "?>"),
    (re.compile(r"^ {0,3}<![A-Za-z]"), ">"),
    (re.compile(r"^ {0,3}<!\[CDATA\["), "]]>"),
]


def _escape(text: str, *, quoted: bool = False) -> str:
    text = _INLINE_SPECIAL.sub(lambda m: "".join("\\" + ch for ch in m.group()), text)
    return text.replace('"', '\\"') if quoted else text


def inline(text: str, *, in_table: bool = False, quoted: bool = False) -> str:
    """User text inside a sentence, heading, list item or table cell, on one line, stripped.

    Markdown punctuation is escaped, except inside `code spans`, which are kept: people write
    them in notes, and on one line they cannot break the structure around them. quoted=True
    also escapes `"` (the text sits between quotes), again only outside code spans, where a
    backslash is a character of the code and would not read back.
    """
    if not _MAYBE_SPECIAL.search(text) and not (quoted and '"' in text):
        return text.strip()
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    parts, start = [], 0
    for match in _CODE_SPAN.finditer(text):
        code = match.group().replace("|", "\\|") if in_table else match.group()
        parts += [_escape(text[start : match.start()], quoted=quoted), code]
        start = match.end()
    parts.append(_escape(text[start:], quoted=quoted))
    return "".join(parts).strip()


def unescape(text: str, *, in_table: bool = False) -> str:
    """The text `inline` wrote: backslash escapes removed outside code spans (in a table, `\\|`
    inside them too)."""
    text = text.strip()
    if "\\" not in text:
        return text
    parts, start = [], 0
    for match in _CODE_SPAN.finditer(text):
        code = match.group().replace("\\|", "|") if in_table else match.group()
        parts += [_ESCAPED.sub(r"\1", text[start : match.start()]), code]
        start = match.end()
    parts.append(_ESCAPED.sub(r"\1", text[start:]))
    return "".join(parts)


def strong(text: str) -> str:
    inner = inline(text)
    return f"**{inner}**" if inner else "(unnamed)"


def cell(text: str) -> str:
    return inline(text, in_table=True) or " "


def normal(text: str) -> str:
    """A Markdown field as the body holds it: LF line ends, no blank lines around it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()


def _html_block_closer(line: str) -> str | None:
    for pattern, closer in _HTML_BLOCKS:
        match = pattern.match(line)
        if match:
            end = closer or f"</{match.group(1).lower()}>"
            return None if end in line[match.end() :].lower() else end
    return None


def unclosed(text: str) -> str | None:
    """The line that closes a code fence or HTML block the text leaves open, if it does."""
    fence, closer = None, None
    for line in text.split("\n"):
        if fence:
            match = _FENCE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None if not match.group(2).strip() else fence
        elif closer:
            if closer in line.lower():
                closer = None
        elif (match := _FENCE.match(line)) and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
        else:
            closer = _html_block_closer(line)
    return fence or closer


def block(text: str) -> str:
    """A Markdown field as written, with a code fence or HTML block left open at its end closed."""
    text = normal(text)
    if not text.strip():
        return ""
    closer = unclosed(text)
    return f"{text}\n{closer}" if closer else text
