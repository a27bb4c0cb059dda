"""Reading YAML from files: the one bounded, line-aware loader every importer uses.

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

decisions/formats/emitter.py writes what load() with RecordLoader reads back exactly.
"""

from __future__ import annotations

import datetime
import re
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
