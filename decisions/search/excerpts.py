"""Excerpts of a hit, bounded whatever the text repeats, with the query's matches marked.

Excerpts come from a window of each text, never from all of it: both engines' excerpt functions
grow faster than the text on a repeated word (SQLite's snippet() is quadratic in a row's matches,
"zq " * 40,000 took 10 s; PostgreSQL's ts_headline of a phrase took 5 s and gigabytes at 60 KB).
The window starts a little before the first place a query word starts. The whole text is still
matched and ranked; a word found only past the window gets an unmarked excerpt.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from decisions.search.query import WORDY, ParsedQuery

# Characters that can never occur in indexed text (decisions.search.text.UNSAFE), so they can
# mark the matches in excerpts.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_TOKENS = 24
EXCERPT_BEFORE, EXCERPT_CHARS = 200, 2000
# At most this many query words place the window (each costs a scan of the text).
EXCERPT_WORDS = 8


def prefixes(parsed: ParsedQuery) -> list[str]:
    """How the words of the query start (a crude stem: `migrating` gives `migra`), sorted."""
    words = {word.casefold() for group in parsed.wanted().groups for t in group for word in t.text.split()}
    found = sorted({fold(word[: max(4, len(word) - 3)]) for word in words if WORDY.search(word)})
    return found[:EXCERPT_WORDS]


def fold(text: str) -> str:
    """Casefolded without accents, as the SQLite index compares (remove_diacritics)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def _fold_lowered(ch: str) -> tuple[str, str]:
    """A character lowered and folded, once per character seen."""
    return ch.lower(), fold(ch)


def _folded_in_place(window: str) -> str | None:
    """fold(window) when each character folds to exactly one (so positions hold), else None.

    ASCII folds by lowering. Other text (a third of RFCs hold a curly quote or a dash) is lowered
    too, and only its characters that fold to something else (é to e) are replaced after: folding
    word by word took most of a page's excerpt time.
    """
    lowered = window.lower()
    if window.isascii():
        return lowered
    if len(lowered) != len(window):  # İ lowers to two characters
        return None
    changed = {}
    for ch in set(window):
        if ch.isascii():
            continue
        low, folded = _fold_lowered(ch)
        if len(folded) != 1:
            return None
        if folded != low:
            if low.isascii():  # replacing it would change the ASCII letters too
                return None
            changed[low] = folded
    if not changed:
        return lowered
    pattern = _chars_pattern("".join(sorted(changed)))
    return pattern.sub(lambda found: changed[found[0]], lowered)


@lru_cache(maxsize=256)
def _chars_pattern(chars: str) -> re.Pattern:
    return re.compile(f"[{re.escape(chars)}]")


@lru_cache(maxsize=64)
def _starts_pattern(starts: tuple[str, ...]) -> re.Pattern:
    """A word beginning with one of `starts` (shortest first, so any that fits is found)."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(start) for start in starts) + ")")


_PUNCTUATION = re.compile(r"[^\w\s]*")


def excerpt_of(text: str, starts: list[str]) -> str:
    """The excerpt of a whole text: from its window (a little before the first place a query word
    starts, at most EXCERPT_CHARS long), so linear in the text whatever it repeats."""
    lowered = text.lower()
    if len(lowered) != len(text):  # İ lowers to two characters: lower the ASCII letters only
        lowered = text.translate(_ASCII_LOWER)
    found = [at for at in (lowered.find(start) for start in starts) if at >= 0]
    begin = max(0, min(found) - EXCERPT_BEFORE) if found else 0
    window = text[begin : begin + EXCERPT_CHARS]
    return excerpt(window, starts, clipped_start=begin > 0, clipped_end=begin + EXCERPT_CHARS < len(text))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _words_until(window: str, position: int) -> tuple[list[re.Match], bool]:
    """The words of the window up to `position` and enough after it for any run that holds a word
    there (an excerpt only needs those), and whether they are all of the window's words."""
    words: list[re.Match] = []
    after = 0
    for word in _WORD.finditer(window):
        words.append(word)
        if word.start() > position:
            after += 1
            if after > SNIPPET_TOKENS + 2:
                return words, False
    return words, True


def excerpt(window: str, starts: list[str], *, clipped_start: bool, clipped_end: bool) -> str:
    """SNIPPET_TOKENS words of a window with the most words starting like a query word, marked.

    Linear in the window (which is at most EXCERPT_CHARS), whatever it repeats.
    """
    wanted_starts = tuple(starts)
    folded = _folded_in_place(window)
    found_at: list[int] = []
    if folded is not None:
        # The window folded character for character keeps every position: one search of it
        # finds the words that start like a query word (a start with a character that is not a
        # letter or digit never fits inside a word).
        fitting = sorted((start for start in wanted_starts if _WORD.fullmatch(start)), key=len)
        if fitting:
            found_at = [found.start() for found in _starts_pattern(tuple(fitting)).finditer(folded)]
        words, whole = _words_until(window, found_at[-1] if found_at else -1)
    else:
        words, whole = list(_WORD.finditer(window)), True
    # A window cut out of a longer text may begin or end inside a word.
    if clipped_start and words and words[0].start() == 0:
        words = words[1:]
    if whole and clipped_end and words and words[-1].end() == len(window):
        words = words[:-1]
    if not words:
        return ""
    if folded is not None:
        at = {word.start(): i for i, word in enumerate(words)}
        hits = [at[position] for position in found_at if position in at]
    else:
        hits = [i for i, word in enumerate(words) if fold(word[0]).startswith(wanted_starts)]
    first = 0
    if hits:
        # The run of SNIPPET_TOKENS words from a hit holding the most hits, centred on its hits
        # and moved back when it would run past the end, so short texts are shown whole.
        def held(h: int) -> int:
            return bisect.bisect_left(hits, h + SNIPPET_TOKENS) - bisect.bisect_left(hits, h)

        best = max(hits, key=held)
        span = hits[bisect.bisect_left(hits, best) + held(best) - 1] - best + 1
        first = max(0, min(best - (SNIPPET_TOKENS - span) // 2, len(words) - SNIPPET_TOKENS))
    last = min(len(words), first + SNIPPET_TOKENS)
    pieces, position, wanted = [], words[first].start(), set(hits)
    for i in range(first, last):
        word = words[i]
        pieces.append(window[position : word.start()])
        pieces.append(f"{MARK_START}{word[0]}{MARK_END}" if i in wanted else word[0])
        position = word.end()
    pieces.append(_PUNCTUATION.match(window, position)[0])  # the full stop after the last word
    lead = "…" if first > 0 or clipped_start else ""
    tail = "…" if last < len(words) or clipped_end else ""
    return lead + "".join(pieces) + tail


def readable(text: str) -> str:
    """One line: blocks (a line each in the index) run on, with a dot where no punctuation ends one."""
    lines = [" ".join(line.split()) for line in (text or "").split("\n")]
    out = ""
    for line in filter(None, lines):
        ends = out.replace(MARK_END, "").rstrip()[-1:]
        out += line if not out else (" " if ends in ".!?:;…" else " · ") + line
    return out


def marked(text: str) -> SafeString:
    """Escape everything, then turn the engine's match markers into <mark> tags."""
    escaped = escape(readable(text))
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def best_snippet(*candidates: str) -> str:
    """The excerpt with the most matches; the first non-empty one when none has any."""
    best = max(candidates, key=lambda text: text.count(MARK_START))
    return best if MARK_START in best else next((text for text in candidates if text.strip()), "")
