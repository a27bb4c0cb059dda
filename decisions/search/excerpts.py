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
from itertools import islice

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
    return _excerpt_from(text, starts, _first_start(text, starts))


def hit_excerpt(summary: str, body: str, starts: list[str]) -> str:
    """best_snippet(excerpt_of(summary), excerpt_of(body)), without cutting an excerpt of a body
    that holds no query word when the summary's would be shown anyway (a hit by its title)."""
    summarised = excerpt_of(summary, starts)
    found = _first_start(body, starts)
    # Found by lowering: an ASCII body none of whose words starts like a query word has no match
    # to mark (a word that only folds to one, "résumé", needs the excerpt to be looked at).
    if found is None and summarised.strip() and body.isascii():
        return summarised
    return best_snippet(summarised, _excerpt_from(body, starts, found))


def _first_start(text: str, starts: list[str]) -> int | None:
    """Where the first word starting like a query word may be, in the text's own positions."""
    found = None
    # Lowering a part gives the start of the whole lowered when no character lowers to two (İ,
    # which makes the whole text lowered the ASCII way) and none by what follows it (Σ).
    if len(text) > SEEK_CHARS and "\u0130" not in text and "\u03a3" not in text[:SEEK_CHARS]:
        found = _first_found(text[:SEEK_CHARS], starts)
    # A word found near the part's end may come later than one cut off by it.
    if found is None or found > SEEK_CHARS - max(map(len, starts), default=0) - 1:
        found = _first_found(text, starts)
    return found


def _excerpt_from(text: str, starts: list[str], found: int | None) -> str:
    begin = max(0, found - EXCERPT_BEFORE) if found is not None else 0
    window = text[begin : begin + EXCERPT_CHARS]
    return excerpt(window, starts, clipped_start=begin > 0, clipped_end=begin + EXCERPT_CHARS < len(text))


# Where the first query word is sought first: most texts have one early, and lowering all of a
# long text cost more than the rest of its excerpt.
SEEK_CHARS = 4096


def _first_found(text: str, starts: list[str]) -> int | None:
    """Where the first of `starts` occurs in the lowered text."""
    lowered = text.lower()
    if len(lowered) != len(text):  # İ lowers to two characters: lower the ASCII letters only
        lowered = text.translate(_ASCII_LOWER)
    found = [at for at in (lowered.find(start) for start in starts) if at >= 0]
    return min(found) if found else None


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# bytes.translate table: an ASCII word character (what \\w matches) to "a", anything else to " ".
_WORD_MASK = bytes(
    ord("a") if i < 128 and (chr(i).isalnum() or chr(i) == "_") else ord(" ") for i in range(256)
)
# A window with more distinct non-ASCII characters than this is cut the slower way (word by word).
MASK_OTHER_CHARS = 32


def _word_mask(window: str) -> bytes | None:
    """b"a" where the window holds a word character, b" " elsewhere, position for position; None
    when it holds too many kinds of non-ASCII characters to replace them one kind at a time.

    A regex over the window costs ~40 ns a character; counting and finding in this mask runs
    in C at a fraction of that (\\w is str.isalnum() or "_", as the re module defines it).
    """
    if not window.isascii():
        others = {ch for ch in set(window) if not ch.isascii()}
        if len(others) > MASK_OTHER_CHARS:
            return None
        for ch in others:
            window = window.replace(ch, "a" if ch.isalnum() else " ")
    return window.encode("ascii").translate(_WORD_MASK)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def excerpt(window: str, starts: list[str], *, clipped_start: bool, clipped_end: bool) -> str:
    """SNIPPET_TOKENS words of a window with the most words starting like a query word, marked.

    Linear in the window (which is at most EXCERPT_CHARS), whatever it repeats. Only the words
    shown are cut out: the others are counted (word n of the window is what places a match).
    """
    folded = _folded_in_place(window)
    mask = _word_mask(window) if folded is not None else None
    if folded is None or mask is None:
        return _excerpt_by_words(window, starts, folded, clipped_start=clipped_start, clipped_end=clipped_end)
    # Words are counted from the word starts: a word character after a non-word one (or first).
    first_is_word = mask[:1] == b"a"
    dropped = 1 if clipped_start and first_is_word else 0  # a window may begin inside a word
    total = mask.count(b" a") + first_is_word - dropped
    if total > 0 and clipped_end and mask[-1:] == b"a":
        total -= 1  # or end inside one
    if total <= 0:
        return ""

    # The places the window folded character for character (positions hold) has a word starting
    # like a query word (a start with a character that is not a letter or digit never fits).
    found: set[int] = set()
    for start in starts:
        if not _WORD.fullmatch(start):
            continue
        at = folded.find(start)
        while at >= 0:
            # A word starts here, in the window and in its folded form (mask: 97 "a", 32 " ").
            if mask[at] == 97 and (at == 0 or (mask[at - 1] == 32 and not _is_word(folded[at - 1]))):
                found.add(at)
            at = folded.find(start, at + 1)
    # Which word of the count each starts: the word starts (" a") before it, counted on from the
    # one before (a start at `before` is itself the " a" at before - 1).
    placed, before, starts_before = [], 0, 0
    for at in sorted(found):
        starts_before += mask.count(b" a", max(before - 1, 0), at) if at else 0
        before = at
        i = starts_before + (first_is_word and at > 0) - dropped
        if 0 <= i < total:
            placed.append((i, at))
    hits = [i for i, _ in placed]
    first = _first_shown(hits, total)
    last = min(total, first + SNIPPET_TOKENS)
    # The shown words, found from the nearest match before them (or the window's start).
    # Word 0 of the count: at position 0, unless the window begins between words or was dropped.
    i, position = 0, 0 if first_is_word and not dropped else mask.find(b" a") + 1
    for at_index, at in placed:
        if at_index > first:
            break
        i, position = at_index, at
    while i < first:
        position = mask.find(b" a", position) + 1
        i += 1
    shown = list(islice(_WORD.finditer(window, position), last - first))
    return _joined(window, shown, first, last, total, set(hits), clipped_start, clipped_end)


def _first_shown(hits: list[int], total: int) -> int:
    """The first of the run of SNIPPET_TOKENS words from a hit holding the most hits, centred on
    its hits and moved back when it would run past the end, so short texts are shown whole."""
    if not hits:
        return 0

    def held(h: int) -> int:
        return bisect.bisect_left(hits, h + SNIPPET_TOKENS) - bisect.bisect_left(hits, h)

    best = max(hits, key=held)
    span = hits[bisect.bisect_left(hits, best) + held(best) - 1] - best + 1
    return max(0, min(best - (SNIPPET_TOKENS - span) // 2, total - SNIPPET_TOKENS))


def _joined(
    window: str,
    shown: list[re.Match],
    first: int,
    last: int,
    total: int,
    wanted: set[int],
    clipped_start: bool,
    clipped_end: bool,
) -> str:
    """The shown words (word `first` to `last` of `total`) with the text between them, marked."""
    pieces, position = [], shown[0].start()
    for i, word in enumerate(shown, first):
        pieces.append(window[position : word.start()])
        pieces.append(f"{MARK_START}{word[0]}{MARK_END}" if i in wanted else word[0])
        position = word.end()
    pieces.append(_PUNCTUATION.match(window, position)[0])  # the full stop after the last word
    lead = "…" if first > 0 or clipped_start else ""
    tail = "…" if last < total or clipped_end else ""
    return lead + "".join(pieces) + tail


def _excerpt_by_words(
    window: str, starts: list[str], folded: str | None, *, clipped_start: bool, clipped_end: bool
) -> str:
    """excerpt() for a window that does not fold in place or holds many kinds of characters:
    every word cut out and compared."""
    words = list(_WORD.finditer(window))
    if clipped_start and words and words[0].start() == 0:
        words = words[1:]
    if clipped_end and words and words[-1].end() == len(window):
        words = words[:-1]
    if not words:
        return ""
    wanted_starts = tuple(starts)
    if folded is not None:
        fitting = sorted((start for start in wanted_starts if _WORD.fullmatch(start)), key=len)
        found_at = (
            [found.start() for found in _starts_pattern(tuple(fitting)).finditer(folded)] if fitting else []
        )
        at = {word.start(): i for i, word in enumerate(words)}
        hits = [at[position] for position in found_at if position in at]
    else:
        hits = [i for i, word in enumerate(words) if fold(word[0]).startswith(wanted_starts)]
    first = _first_shown(hits, len(words))
    last = min(len(words), first + SNIPPET_TOKENS)
    return _joined(window, words[first:last], first, last, len(words), set(hits), clipped_start, clipped_end)


def marked_words(text: str, starts: list[str]) -> str:
    """A short text (a title) whole, with every word that starts like a query word marked: the
    same words the excerpts mark. The engines' own marking (highlight(), ts_headline) matched the
    page's rows a second time, about a millisecond a page for a rare phrase at 100,000 documents."""
    fitting = tuple(sorted((start for start in starts if _WORD.fullmatch(start)), key=len))
    if not text or not fitting:
        return text
    folded = _folded_in_place(text)
    if folded is not None:
        at = {found.start() for found in _starts_pattern(fitting).finditer(folded)}
        wanted = [word for word in _WORD.finditer(text) if word.start() in at]
    else:  # a character that folds to two: compare word by word
        wanted = [word for word in _WORD.finditer(text) if fold(word[0]).startswith(fitting)]
    if not wanted:
        return text
    pieces, position = [], 0
    for word in wanted:
        pieces += [text[position : word.start()], MARK_START, word[0], MARK_END]
        position = word.end()
    return "".join(pieces) + text[position:]


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
