"""Reading what a person typed into a search: websearch syntax, the same for both databases.

Queries use websearch syntax: "a quoted phrase", -word to exclude, `or` for either side. One
parser reads them for both databases, so both agree on what a query means and nothing a person
types can become a syntax error: every term reaches the engine quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from decisions.search.text import UNSAFE

MAX_QUERY_CHARS = 500
MAX_TERMS = 32


@dataclass(frozen=True)
class Term:
    text: str
    excluded: bool = False


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class ParsedQuery:
    """Groups joined by `or`; in a group every term must match, except the excluded ones."""

    groups: tuple[tuple[Term, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def wanted(self) -> ParsedQuery:
        """Without the exclusions: what to rank and highlight by (ts_rank scores `!word` as 0)."""
        return ParsedQuery(tuple(tuple(t for t in group if not t.excluded) for group in self.groups))

    def websearch(self) -> str:
        """The query again in websearch syntax, every term quoted, for websearch_to_tsquery."""
        return " or ".join(
            " ".join(("-" if term.excluded else "") + _quoted(term.text) for term in group)
            for group in self.groups
        )

    def fts5(self) -> str:
        """The query in FTS5 syntax: `("a" AND "b c") NOT "d" OR ("e")`."""
        parts = []
        for group in self.groups:
            wanted = " AND ".join(_quoted(term.text) for term in group if not term.excluded)
            unwanted = "".join(f" NOT {_quoted(term.text)}" for term in group if term.excluded)
            parts.append(f"({wanted}){unwanted}")
        return " OR ".join(parts)


# An optional minus, then a "quoted phrase" (closed by the end when unbalanced) or a bare word.
_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
WORDY = re.compile(r"[^\W_]")


def clean_query(text: str) -> str:
    return UNSAFE.sub(" ", text or "")[:MAX_QUERY_CHARS].strip()


def parse(text: str) -> ParsedQuery:
    """Read websearch syntax the way PostgreSQL's websearch_to_tsquery does, forgivingly.

    Terms without a letter or digit are dropped (they match nothing on either database), as
    is a group with nothing but exclusions, which neither database can answer the same way.
    """
    groups: list[list[Term]] = [[]]
    count = 0
    for match in _TOKEN.finditer(clean_query(text)):
        minus, phrase, word = match.groups()
        if phrase is None and not minus and word.casefold() == "or":
            groups.append([])
            continue
        value = " ".join((phrase if phrase is not None else word).split())
        term = Term(value, excluded=bool(minus))
        # A term repeated adds nothing to the query but work for the engine (per match).
        if count < MAX_TERMS and WORDY.search(value) and term not in groups[-1]:
            groups[-1].append(term)
            count += 1
    return ParsedQuery(tuple(tuple(group) for group in groups if any(not term.excluded for term in group)))
