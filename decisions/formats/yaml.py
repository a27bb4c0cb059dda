"""YAML in and out of files: the one bounded, line-aware loader and the one fast emitter.

Every importer that reads YAML from files loads it with load() here, which

- refuses flow collections nested more than MAX_NESTING deep before libyaml recurses on them
  (it can crash);
- refuses aliases that stand for too much before any value is built: an alias is a reference,
  so loading "a billion laughs" (each level a list of nine aliases to the level before) is
  cheap, but anything that walks the value afterwards (a repr() in an error message, a copy, a
  JSON dump) walks 9**n items and runs out of time and memory. refuse_large_aliases() reads the
  event stream once, counts how many values each anchor stands for once expanded, and refuses
  the first alias that takes the document past ALIAS_BUDGET expanded values;
- raises YAMLLoadError with the line in the file (the YAML text may start further down, as
  front matter does: first_line says where).

Two loaders, for the two kinds of files read: TextDatesLoader (plain dicts and lists, dates kept
as the text written, for RFC headers) and RecordLoader (mappings and lists that remember the
line of each key and item, duplicate keys refused, 0012 read as twelve, for decision records).

dump() writes front matter that load() with RecordLoader reads back exactly.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

import yaml

# Values that aliases may add to a document, all aliases together. Written-out values are not
# limited here (the file size bounds them); a record that repeats a few small values by alias
# stays far below this.
ALIAS_BUDGET = 10_000

_CSafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Flow collections nested deeper than this are refused before libyaml sees them.
MAX_NESTING = 100


class LargeAlias(ValueError):
    """An alias past the budget; line is counted from 0 in the text given."""

    def __init__(self, line: int, alias: str) -> None:
        self.line = line
        self.alias = alias
        super().__init__(
            f"the alias *{alias} makes the document more than {ALIAS_BUDGET:,} values long once "
            "expanded; aliases to large values are refused (write the values out)"
        )


def refuse_large_aliases(text: str) -> None:
    """Raise LargeAlias at the first alias past the budget; YAML errors pass through."""
    sizes: dict[str, int] = {}  # anchor -> values it stands for, expanded
    stack: list[tuple[str | None, int]] = []  # open collections: (anchor, values so far)
    added = 0
    for event in yaml.parse(text, Loader=_CSafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append((event.anchor, 0))
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, count = stack.pop()
            count += 1
            if anchor:
                sizes[anchor] = count
        elif isinstance(event, yaml.ScalarEvent):
            count = 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            count = sizes.get(event.anchor, 1)
            added += count
            if added > ALIAS_BUDGET:
                raise LargeAlias(event.start_mark.line, event.anchor)
        else:
            continue
        if stack:
            parent, total = stack[-1]
            stack[-1] = (parent, min(total + count, ALIAS_BUDGET + 1))


class YAMLLoadError(ValueError):
    """YAML that cannot be loaded: line is its line in the file (None when YAML did not say), and
    problem what is wrong; context and context_line, when given, say what was being read and
    where it started. str() is the reason, for "invalid YAML: <reason>"."""

    def __init__(
        self,
        line: int | None,
        problem: str | None,
        context: str | None = None,
        context_line: int | None = None,
    ) -> None:
        self.line = line
        self.problem = problem
        self.context = context
        self.context_line = context_line
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        reason = f"{self.problem or self.context}"
        if self.context and self.context_line is not None and self.problem and self.context_line != self.line:
            reason += f" ({self.context} started on line {self.context_line})"
        return reason

    def __str__(self) -> str:
        return self.reason


def check_nesting(text: str, first_line: int = 1) -> None:
    """Raise YAMLLoadError at the first flow collection nested more than MAX_NESTING deep."""
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1 if depth else 0
        if depth > MAX_NESTING:
            line = first_line + text.count("\n", 0, match.start())
            raise YAMLLoadError(line, f"nested more than {MAX_NESTING} levels deep")


class TextDatesLoader(_CSafeLoader):  # type: ignore[misc, valid-type]
    """Safe loading that keeps dates as the text written: an impossible date must not fail the file."""


TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LinedMap(dict):
    """A YAML mapping that remembers its line and the line of each key, for error messages."""

    line: int = 0
    lines: dict


class LinedList(list):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int = 0
    lines: list


class RecordLoader(_CSafeLoader):  # type: ignore[misc, valid-type]
    """Safe loading into LinedMap and LinedList, refusing duplicate keys and reading 0012 as twelve."""

    first_line = 1


def _construct_map(loader: Any, node: yaml.MappingNode) -> Any:
    data = LinedMap()
    data.line, data.lines = loader.first_line + node.start_mark.line, {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | datetime.date | None):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word", key_node.start_mark
            )
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = loader.first_line + key_node.start_mark.line


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> Any:
    data = LinedList()
    data.line = loader.first_line + node.start_mark.line
    data.lines = [loader.first_line + item.start_mark.line for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    # YAML 1.1 reads 0012 as octal 10; a person writing a record number means twelve.
    value = loader.construct_scalar(node).replace("_", "")
    if re.fullmatch(r"[-+]?0[0-9]+", value):
        return int(value, 10)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


RecordLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
RecordLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
RecordLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load(text: str, *, first_line: int = 1, loader: type = TextDatesLoader) -> Any:
    """The value of one YAML document, or YAMLLoadError with the line in the file.

    first_line is the file line of the text's first line; loader is TextDatesLoader or
    RecordLoader (whose line numbers then count from first_line too).
    """
    check_nesting(text, first_line)
    try:
        refuse_large_aliases(text)
        reader = loader(text)
        reader.first_line = first_line
        try:
            return reader.get_single_data()
        finally:
            reader.dispose()
    except LargeAlias as error:
        raise YAMLLoadError(first_line + error.line, str(error)) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        context_line = first_line + error.context_mark.line if error.context_mark else None
        raise YAMLLoadError(
            first_line + mark.line if mark else None, error.problem, error.context, context_line
        ) from error
    except yaml.YAMLError as error:
        raise YAMLLoadError(None, str(error)) from error
    except RecursionError as error:
        raise YAMLLoadError(None, "nested too deeply") from error


# Writing ---------------------------------------------------------------------------------

# The front matter is written by a small emitter for its fixed shape (a mapping of scalars and
# lists of flat mappings) instead of yaml.dump: PyYAML's representer costs about 3 s for 1,000
# records, this about 0.2 s. It writes three scalar styles, each read back exactly by YAML:
# plain when the text reads back as the same string, a literal block (`|`) for multi-line text,
# and double quotes, with escapes, for everything else.
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


def _quoted(text: str) -> str:
    def escape(match: re.Match) -> str:
        char = match.group()
        if char in _QUOTED_ESCAPES:
            return _QUOTED_ESCAPES[char]
        code = ord(char)
        return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"

    return '"' + _NOT_QUOTABLE.sub(escape, text) + '"'


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
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
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
    pad = " " * (indent + 2)
    return [f"|{hint}{chomp}", *(pad + line if line else "" for line in text.split("\n"))]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _scalar_line(str(value))


def _emit_value(out: list[str], prefix: str, value: Any, indent: int) -> None:
    if type(value) is str:
        if "\n" not in value:
            out.append(f"{prefix} {_scalar_line(value)}")
            return
        block = _literal(value, indent)
        if block:
            out.append(f"{prefix} {block[0]}")
            out.extend(block[1:])
            return
    out.append(f"{prefix} {_scalar(value)}")


def dump(data: dict) -> str:
    """YAML for a mapping of scalars, lists of scalars and lists of one-level mappings (front matter)."""
    out: list[str] = []
    for key, value in data.items():
        if not isinstance(value, list):
            _emit_value(out, f"{key}:", value, 0)
        elif not value:
            out.append(f"{key}: []")
        else:
            out.append(f"{key}:")
            for item in value:
                if not isinstance(item, dict):
                    _emit_value(out, "-", item, 0)
                    continue
                prefix = "- "
                for name, field_value in item.items():
                    _emit_value(out, f"{prefix}{name}:", field_value, 2)
                    prefix = "  "
    return "\n".join(out) + "\n"
