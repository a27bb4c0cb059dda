"""Writing YAML: the one emitter for every YAML file the site exports, records' and RFCs' front matter.

dump() lays out block mappings and sequences as PyYAML does (the same indents, indentless
sequences under a key, `[]` and `{}` for empty ones, `? ` for keys too long or multi-line to
stand alone) and picks each string's style by one of two policies:

- records (width None): plain when the text reads back as the same string, a literal block
  (`|`) for multi-line text, double quotes with escapes for everything else; never folded.
  Hand-written rather than yaml.dump because PyYAML's representer costs about 3 s for 1,000
  records and this about 0.2 s; lines are cached. decisions/formats/yaml.py's load() with
  RecordLoader reads it back exactly.
- safe_dump (width N): the choices yaml.safe_dump(..., allow_unicode=True, width=N) makes, so
  the RFC export keeps its bytes: plain when YAML allows it, else single quotes, else double
  quotes, long lines folded at spaces past column N. tests/test_formats.py compares it with
  yaml.safe_dump on generated values.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

import yaml

_PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_PLAIN_TEXT = re.compile(f"[{_PRINTABLE}]+")
_LITERAL_TEXT = re.compile(f"[{_PRINTABLE}\n]+")
_PLAIN_FIRST = set("-?:,[]{}#&*!|>'\"%@` ")
_QUOTED_ESCAPES = {
    "\\": "\\\\", '"': '\\"', "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n",
    "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\e", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P",
}  # fmt: skip
_NOT_QUOTABLE = re.compile(f'[^{_PRINTABLE}]|["\\\\]')
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_BREAKS = "\n\x85\u2028\u2029"
_TAGS = {str: "!!str", int: "!!int", bool: "!!bool", float: "!!float", type(None): "!!null"}
_SPACE_OR_BREAK = "\0 \t\r\n\x85\u2028\u2029"


def _escape(char: str) -> str:
    if char in _QUOTED_ESCAPES:
        return _QUOTED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"


def _quoted(text: str) -> str:
    return '"' + _NOT_QUOTABLE.sub(lambda match: _escape(match.group()), text) + '"'


@lru_cache(maxsize=65536)
def _scalar_line(text: str) -> str:
    """A one-line string as a plain scalar when YAML reads it back unchanged, else quoted."""
    if (
        text
        and text[0] not in _PLAIN_FIRST
        and text[-1] not in " :"
        and ": " not in text
        and " #" not in text
        and _PLAIN_TEXT.fullmatch(text)
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR
    ):
        return text
    return _quoted(text)


def _literal(text: str, indent: int) -> list[str] | None:
    """A multi-line string as a literal block: header and lines, or None when one cannot hold it.

    Tabs, control characters, Unicode line separators and spaces at the end of a line do not
    survive a literal block unchanged, so such text is quoted instead.
    """
    if not _LITERAL_TEXT.fullmatch(text) or " \n" in text or text.endswith(" ") or not text.strip():
        return None
    if text.endswith("\n\n"):
        chomp, text = "+", text[:-1]
    elif text.endswith("\n"):
        chomp, text = "", text[:-1]
    else:
        chomp = "-"
    # An explicit indentation when the first line starts with a space (or is empty), which
    # YAML would otherwise take for indentation.
    hint = "2" if text[:1] in (" ", "\n") else ""
    pad = " " * indent
    return [f"|{hint}{chomp}", *(pad + line if line else "" for line in text.split("\n"))]


def _record_scalar(value: Any, indent: int) -> str:
    """A scalar in the records' styles; multi-line text as a literal block indented by indent."""
    if type(value) is str:
        if "\n" in value:
            block = _literal(value, indent)
            if block:
                return "\n".join(block)
        return _scalar_line(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _scalar_line(str(value))  # what is neither text, a number nor a date is written as text


class _Styles:
    """Which styles YAML allows for one string, as PyYAML's emitter works them out."""

    __slots__ = ("multiline", "plain", "single")

    def __init__(self, text: str) -> None:
        self.multiline = any(char in _BREAKS for char in text)
        if not text:
            self.plain, self.single = True, True
            return
        block_indicator = text.startswith(("---", "..."))
        special = space_break = break_space = False
        previous_space = previous_break = False
        last = len(text) - 1
        for index, char in enumerate(text):
            followed_by_space = index == last or text[index + 1] in _SPACE_OR_BREAK
            if index == 0:
                if char in "#,[]{}&*!|>'\"%@`" or (char in "?:-" and followed_by_space):
                    block_indicator = True
            elif (char == ":" and followed_by_space) or (char == "#" and text[index - 1] in _SPACE_OR_BREAK):
                block_indicator = True
            if char == "\ufeff" or not (
                char == "\n"
                or "\x20" <= char <= "\x7e"
                or char == "\x85"
                or "\xa0" <= char <= "\ud7ff"
                or "\ue000" <= char <= "\ufffd"
                or "\U00010000" <= char < "\U0010ffff"
            ):
                special = True
            if char == " ":
                break_space = break_space or previous_break
                previous_space, previous_break = True, False
            elif char in _BREAKS:
                space_break = space_break or previous_space
                previous_space, previous_break = False, True
            else:
                previous_space = previous_break = False
        edges = text[0] in " " + _BREAKS or text[-1] in " " + _BREAKS
        self.single = not (break_space or space_break or special)
        self.plain = self.single and not (edges or self.multiline or block_indicator)


class _Emitter:
    """Block-style YAML for nested dicts, lists and scalars; width None for the records' styles."""

    def __init__(self, width: int | None) -> None:
        self.width = width
        self.out: list[str] = []
        self.column = 0
        self.whitespace = True  # the last thing written was a space or a line break
        self.indention = True  # only indentation on this line so far
        self.indent: int | None = None

    def write(self, data: str) -> None:
        self.out.append(data)
        self.column += len(data)

    def indicator(
        self, indicator: str, need_space: bool, whitespace: bool = False, indention: bool = False
    ) -> None:
        self.write(indicator if self.whitespace or not need_space else " " + indicator)
        self.whitespace = whitespace
        self.indention = self.indention and indention

    def line_break(self, data: str = "\n") -> None:
        self.out.append(data)
        self.whitespace = self.indention = True
        self.column = 0

    def write_indent(self) -> None:
        indent = self.indent or 0
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.line_break()
        if self.column < indent:
            self.whitespace = True
            self.write(" " * (indent - self.column))

    def node(self, value: Any, mapping: bool = False) -> None:
        if not isinstance(value, dict | list | tuple):
            self.scalar(value, False)
            return
        if not value:
            self.indicator("[" if isinstance(value, list | tuple) else "{", True, whitespace=True)
            self.indicator("]" if isinstance(value, list | tuple) else "}", False)
            return
        outer = self.indent
        if isinstance(value, dict):
            self.indent = 0 if outer is None else outer + 2
            self.mapping(value)
        else:
            indentless = mapping and not self.indention
            self.indent = indent = 0 if outer is None else outer if indentless else outer + 2
            for item in value:
                self.write_indent()
                if self.width is None and not isinstance(item, dict | list | tuple):
                    self.finish(("-" if self.whitespace else " -") + " " + _record_scalar(item, indent + 2))
                    continue
                self.indicator("-", True, indention=True)
                self.node(item)
        self.indent = outer

    def mapping(self, data: dict) -> None:
        indent = self.indent or 0
        if self.width is None:
            # The records' keys are field names, written as they are; write_indent() inlined,
            # since this loop writes most of every record.
            pad = "\n" + " " * indent
            for key, value in data.items():
                if self.indention and self.column <= indent and (self.column < indent or self.whitespace):
                    start = " " * (indent - self.column)
                else:
                    start = pad
                if isinstance(value, dict | list | tuple):
                    self.finish(f"{start}{key}:")
                    self.node(value, mapping=True)
                else:
                    self.finish(f"{start}{key}: {_record_scalar(value, indent + 2)}")
            return
        for key, value in data.items():
            self.write_indent()
            text = self.text(key)
            # PyYAML counts the key's tag (!!str, !!int...) in the 128 characters a key may take.
            if (
                len(text) + len(_TAGS.get(type(key), "!!timestamp")) < 128
                and text
                and not any(char in _BREAKS for char in text)
            ):
                self.scalar(key, True)
                self.indicator(":", False)
            else:
                self.indicator("?", True, indention=True)
                self.scalar(key, False)
                self.write_indent()
                self.indicator(":", True, indention=True)
            self.node(value, mapping=True)

    def finish(self, text: str) -> None:
        """Write text that ends a line's content (a scalar, maybe a literal block, or a key)."""
        self.out.append(text)
        last_break = text.rfind("\n")
        self.column = len(text) - last_break - 1 if last_break >= 0 else self.column + len(text)
        self.whitespace = self.indention = False

    def text(self, value: Any) -> str:
        """The scalar's text before quoting: what PyYAML's safe representer writes for it."""
        if isinstance(value, str):
            return value
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if value != value:
                return ".nan"
            if value in (float("inf"), float("-inf")):
                return ".inf" if value > 0 else "-.inf"
            text = repr(value).lower()
            return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text
        if isinstance(value, datetime.datetime):
            return value.isoformat(" ")
        if isinstance(value, datetime.date):
            return value.isoformat()
        raise TypeError(f"cannot write {type(value).__name__} as YAML")

    def scalar(self, value: Any, simple_key: bool) -> None:
        outer = self.indent
        self.indent = indent = 2 if outer is None else outer + 2
        if self.width is None:
            self.finish(("" if self.whitespace else " ") + _record_scalar(value, indent))
        elif not isinstance(value, str):
            self.plain(self.text(value), not simple_key)
        else:
            styles = _Styles(value)
            if (
                styles.plain
                and not (simple_key and (not value or styles.multiline))
                and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR
            ):
                self.plain(value, not simple_key)
            elif styles.single and not (simple_key and styles.multiline):
                self.single_quoted(value, not simple_key)
            else:
                self.double_quoted(value, not simple_key)
        self.indent = outer

    # The three writers below follow PyYAML's emitter step by step, so they fold where it does.

    def fold(self) -> bool:
        return self.width is not None and self.column > self.width

    def breaks(self, text: str) -> None:
        if text[0] == "\n":
            self.line_break()
        for char in text:
            self.line_break("\n" if char == "\n" else char)
        self.write_indent()

    def plain(self, text: str, split: bool) -> None:
        if not text:
            return
        if not self.whitespace:
            self.write(" ")
        self.whitespace = self.indention = False
        if not split or self.width is None or " " not in text:
            self.write(text)
            return
        spaces = False
        start = end = 0
        while end <= len(text):
            char = text[end] if end < len(text) else None
            if spaces:
                if char != " ":
                    # A single space between words becomes a line break once past the width.
                    if start + 1 == end and self.fold():
                        self.write_indent()
                        self.whitespace = self.indention = False
                    else:
                        self.write(text[start:end])
                    start = end
            elif char is None or char == " ":
                self.write(text[start:end])
                start = end
            if char is not None:
                spaces = char == " "
            end += 1

    def single_quoted(self, text: str, split: bool) -> None:
        self.indicator("'", True)
        spaces = breaks = False
        start = end = 0
        while end <= len(text):
            char = text[end] if end < len(text) else None
            if spaces:
                if char is None or char != " ":
                    if start + 1 == end and self.fold() and split and start != 0 and end != len(text):
                        self.write_indent()
                    else:
                        self.write(text[start:end])
                    start = end
            elif breaks:
                if char is None or char not in _BREAKS:
                    self.breaks(text[start:end])
                    start = end
            elif (char is None or char in " '" + _BREAKS) and start < end:
                self.write(text[start:end])
                start = end
            if char == "'":
                self.write("''")
                start = end + 1
            if char is not None:
                spaces, breaks = char == " ", char in _BREAKS
            end += 1
        self.indicator("'", False)

    def double_quoted(self, text: str, split: bool) -> None:
        self.indicator('"', True)
        start = end = 0
        while end <= len(text):
            char = text[end] if end < len(text) else None
            if (
                char is None
                or char in '"\\\x85\u2028\u2029\ufeff'
                or not (
                    "\x20" <= char <= "\x7e" or "\xa0" <= char <= "\ud7ff" or "\ue000" <= char <= "\ufffd"
                )
            ):
                if start < end:
                    self.write(text[start:end])
                    start = end
                if char is not None:
                    self.write(_escape(char))
                    start = end + 1
            if (
                split
                and self.width is not None
                and 0 < end < len(text) - 1
                and (char == " " or start >= end)
                and self.column + (end - start) > self.width
            ):
                self.write(text[start:end] + "\\")
                start = max(start, end)
                self.write_indent()
                self.whitespace = self.indention = False
                if text[start] == " ":
                    self.write("\\")
            end += 1
        self.indicator('"', False)


def dump(data: dict, *, width: int | None = None) -> str:
    """YAML for a mapping of scalars, lists and mappings: the records' styles, or safe_dump's at width."""
    emitter = _Emitter(width)
    emitter.node(data)
    emitter.write_indent()
    return "".join(emitter.out)
