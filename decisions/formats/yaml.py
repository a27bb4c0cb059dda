"""YAML aliases that stand for too much, refused before any value is built.

An alias is a reference, so loading "a billion laughs" (each level a list of nine aliases to
the level before) is cheap, but anything that walks the value afterwards (a repr() in an error
message, a copy, a JSON dump) walks 9**n items and runs out of time and memory. Every importer
that reads YAML from files calls refuse_large_aliases() on the text first: it reads the event
stream once, counts how many values each anchor stands for once expanded, and refuses the
first alias that takes the document past ALIAS_BUDGET expanded values.
"""

from __future__ import annotations

from typing import Any

import yaml

# Values that aliases may add to a document, all aliases together. Written-out values are not
# limited here (the file size bounds them); a record that repeats a few small values by alias
# stays far below this.
ALIAS_BUDGET = 10_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    for event in yaml.parse(text, Loader=_Loader):
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
