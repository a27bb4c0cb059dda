"""The options a topic's discussion names: what a decision record opened from the notes starts with.

Options are read from the wordings people use to put alternatives on the table: a list after
"options:" or "alternatives:", bullets under an "Options" line, "X vs Y", "either X or Y",
"between X and Y", "where it lives: X or Y", a proposal's label ("Strawman: X", "Middle ground:
X", "Then RPC: ..."), a suggestion asked as a question ("Could the CLI load them as dylibs?"),
and the in-tree / out-of-tree pair. They are suggestions: the prefilled form shows them for a
person to edit. Pure, like the rest of the parser.
"""

from __future__ import annotations

import re

from decisions.meetings.parsing.results import ParsedTopic

MAX_OPTIONS = 10
MAX_WORDS = 6

_LIST_RE = re.compile(
    r"\b(?:options?|alternatives?|choices?|candidates?)\s*(?:are|were|include|:)\s*(.+)$", re.I
)
_HEADER_RE = re.compile(
    r"^\W*(?:the\s+)?(?:options?|alternatives?|choices?|candidates?)\b[^.]{0,40}:?\s*$", re.I
)
_VS_RE = re.compile(
    r"([\w+/.'-]+(?:\s+[\w+/.'-]+){0,4})\s+(?:vs\.?|versus)\s+([\w+/.'-]+(?:\s+[\w+/.'-]+){0,4})", re.I
)
_EITHER_RE = re.compile(r"\beither\s+(.+?)\s*,?\s+or\s+(.+?)(?:[.;,?]|$)", re.I)
_BETWEEN_RE = re.compile(r"\bbetween\s+(.+?)\s+and\s+(.+?)(?:[.;,?]|$)", re.I)
_COLON_OR_RE = re.compile(r":\s*([^:;.?]{2,60}?)\s+or\s+([^:;.?]{2,60}?)(?:[.;?]|$)", re.I)
_PROPOSAL_RE = re.compile(
    r"^\W*(?:strawman|straw man|middle ground|compromise|alternative(?:ly)?|proposal|option\s+\w+|"
    r"(?:then|or|otherwise|plan b)\s+([\w+/.-]+(?:\s+[\w+/.-]+){0,3}))\s*:\s*(.*)$",
    re.I,
)
_AS_RE = re.compile(
    r"\b(?:plug(?:ged)? in|load(?:ed)?|run|ship(?:ped)?|built|implemented|live|living|packaged|distributed)"
    r"\s+(?:\w+\s+){0,3}?as\s+(?:an?\s+|the\s+)?([\w+/-]+(?:\s+(?!at\b|in\b|on\b|for\b|with\b|to\b|from\b|by\b)[\w+/-]+)?)",
    re.I,
)
_ASKED_RE = re.compile(r"^\W*(?:could|can|should|shall|what about|how about|why not|what if)\b", re.I)
_TREE_RE = re.compile(r"\b(in|out[ -]of)[ -]tree\b", re.I)
_LEADING_RE = re.compile(
    r"^(?:(?:we|they|you)\s+(?:could|can|should)\s+|to\s+|use\s+|using\s+|the\s+|an?\s+|just\s+|maybe\s+)+",
    re.I,
)
_TRAILING_RE = re.compile(r"\s+(?:instead|too|either|then|now|later|first|here)$", re.I)
# A clause, not a thing to choose: "either someone duplicates that work or nobody does it".
_PRONOUN_RE = re.compile(r"(?:someone|somebody|nobody|no one|everyone|we|it|they|you|i|he|she|there)\b")
_NOT_OPTIONS = {
    "yes",
    "no",
    "not",
    "it",
    "this",
    "that",
    "them",
    "something",
    "anything",
    "nothing",
    "later",
    "now",
}


def options_in(topic: ParsedTopic, only: str | None = None) -> list[str]:
    """The options the topic's remarks name, in order of first mention, at most MAX_OPTIONS."""
    texts = [only] if only is not None else [topic.title, *(r.text for r in topic.remarks)]
    found: list[str] = []
    remarks = topic.remarks if only is None else []
    for index, remark in enumerate(remarks):
        if _HEADER_RE.match(_plain(remark.text)):
            found.extend(_bullets_under(remarks, index))
    for text in texts:
        found.extend(_options_in_text(_plain(text)))
    return _distinct(found)[:MAX_OPTIONS]


def _bullets_under(remarks: list, index: int) -> list[str]:
    depth = remarks[index].depth
    out = []
    for remark in remarks[index + 1 :]:
        if remark.depth <= depth:
            break
        if remark.depth == depth + 1:
            out.append(re.split(r"\s*(?::|\s-\s|\(|,|;|\.\s)", _plain(remark.text), maxsplit=1)[0])
    return out


def _options_in_text(text: str) -> list[str]:
    out: list[str] = []
    pairs = (_EITHER_RE, _BETWEEN_RE, _COLON_OR_RE)
    if match := _LIST_RE.search(text):
        out.extend(re.split(r"\s*(?:,|;|\bor\b|\band\b|/)\s*", match.group(1).rstrip(".")))
        pairs = ()  # the list said it all: "Options: A, B or C" is not also the pair "A, B" or "C"
    for match in _VS_RE.finditer(text):
        out.extend([_tail(match.group(1)), _head(match.group(2))])
    for pattern in pairs:
        if match := pattern.search(text):
            out.extend([match.group(1), match.group(2)])
    for tree in _TREE_RE.finditer(text):
        out.append(f"{tree.group(1).lower().replace(' ', '-')}-tree")
    proposal = _PROPOSAL_RE.match(text)
    if proposal and proposal.group(1):
        out.append(proposal.group(1))
    elif proposal:
        rest = proposal.group(2)
        named = _AS_RE.search(rest)
        out.append(_singular(named.group(1)) if named else re.split(r"[,;(]|\s-\s", rest, maxsplit=1)[0])
    elif _ASKED_RE.match(text) and text.endswith("?") and (named := _AS_RE.search(text)):
        out.append(_singular(named.group(1)))
    return out


def _head(phrase: str) -> str:
    return " ".join(phrase.split()[:3])


def _tail(phrase: str) -> str:
    return " ".join(phrase.split()[-3:])


def _singular(phrase: str) -> str:
    words = phrase.split()
    last = words[-1]
    if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")) and last.islower():
        words[-1] = last[:-1]
    return " ".join(words)


def _clean(option: str) -> str:
    option = _LEADING_RE.sub("", option.strip(" \t-*:.,;\"'“”()"))
    option = _TRAILING_RE.sub("", option)
    return option.strip(" .,;:")


def _distinct(options: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for option in map(_clean, options):
        key = option.lower()
        if (
            not key
            or key in _NOT_OPTIONS
            or len(option.split()) > MAX_WORDS
            or len(option) < 2
            or _PRONOUN_RE.match(key)
        ):
            continue
        seen.setdefault(key, option)
    return list(seen.values())


def _plain(text: str) -> str:
    return " ".join(re.sub(r"\*\*|__|`", "", text).split())
