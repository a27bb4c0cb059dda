"""PostgreSQL: a common word's count and best entries, kept so its search ranks nothing.

A search of one word (no exclusion, every kind) ranks by ts_rank of that one lexeme, which
depends on the entry alone (not on the other entries, unlike SQLite's bm25). So the ranking of
a word's matches can be kept, and kept exact, as entries are written:

- decisions_searchword: how many entries hold the word (their `vector` does): the count;
- decisions_searchtop: the word's best entries, in the ranking's order (rank, newer first,
  then key), at most TOP_HELD: a page among them is an index range scan.

Migration 0028 creates both and the trigger that keeps them true on every write of an entry:
a count moves by one; a written entry joins a list when it ranks before the list's last entry
(so the list is still the exact top of the ranking, one longer, and is cut back to TOP_HELD),
and a removed or rewritten entry leaves its lists (each is then the exact top, one shorter).
A list is only read when it holds the whole page asked for; otherwise the matches are ranked.

The first search of a word found in at least KEEP_FROM entries makes its row and list (once per
word, not per write): it takes an advisory lock that each write of an entry takes shared, so it
waits for the writes under way and later writes wait for it, then ranks the matches once more
(about as long again as the search) and stores the top. rebuild_index forgets every word
(decisions.search.index), to be kept again by its next search.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

from decisions.search.documents import KINDS
from decisions.search.query import ParsedQuery

# Entries a word's list holds at most (ten pages of 20); migration 0028's trigger cuts to it.
TOP_HELD = 200
# A word is kept from this many matching entries: below it ranking them all costs little.
KEEP_FROM = 2000
# The advisory lock a list being made takes alone and each write of an entry takes shared.
LOCK_KEY = 0x5EA7C4
PG_CONFIG = "english"
# The one lexeme of a one-word query, when it is letters and digits only (as a kept word is).
WORD_SQL = f"""
    SELECT btrim(q::text, '''') AS lexeme FROM websearch_to_tsquery('{PG_CONFIG}'::regconfig, %s) q
    WHERE numnode(q) = 1 AND q::text ~ '^''[[:alnum:]]+''$'
"""


def one_word(parsed: ParsedQuery, kinds: list[str]) -> str | None:
    """The word of a query whose ranking a kept list can give: one word, nothing excluded, every
    kind (whether it is one lexeme, the database says)."""
    if len(kinds) < len(KINDS) or len(parsed.groups) != 1 or len(parsed.groups[0]) != 1:
        return None
    term = parsed.groups[0][0]
    # A quoted phrase is never one lexeme: not worth the database's look.
    return None if term.excluded or len(term.text.split()) != 1 else parsed.websearch()


def keep(using: str, word: str | None, total: int, need: int, listed: bool) -> None:
    """After a search that ranked every match: keep this word's count and best entries when it is
    common and not kept yet (or its list got shorter than the page asked for).

    Two statements whatever happens (taking the lock when needed, then writing what is missing),
    so a search's query count does not depend on the data.
    """
    wanted = word is not None and not listed and total >= KEEP_FROM and need <= TOP_HELD
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT CASE WHEN %s THEN pg_advisory_xact_lock(%s)::text END", [wanted, LOCK_KEY])
        # Ranked again after the lock: what the trigger keeps from now on starts from here. A
        # list cut short by writes is the top of this one, so only what it lacks is added.
        cursor.execute(
            f"""
            WITH word AS MATERIALIZED ({WORD_SQL}),
            matched AS MATERIALIZED (
                SELECT e.id, e.date, ts_rank(e.rank_vector, q.query) AS rank
                FROM word, decisions_searchentry e,
                     LATERAL (SELECT ('''' || word.lexeme || '''')::tsquery) q(query)
                WHERE %s AND e.vector @@ q.query
            ),
            counted AS (
                INSERT INTO decisions_searchword (lexeme, docs)
                SELECT word.lexeme, (SELECT count(*) FROM matched) FROM word WHERE %s
                ON CONFLICT (lexeme) DO NOTHING
            )
            INSERT INTO decisions_searchtop (lexeme, rank, date, entry_id)
            SELECT word.lexeme, m.rank, m.date, m.id FROM word,
                (SELECT * FROM matched ORDER BY rank DESC, date DESC NULLS LAST, id LIMIT %s) m
            ON CONFLICT (lexeme, entry_id) DO NOTHING
            """,
            [word or "", wanted, wanted, TOP_HELD],
        )


@contextmanager
def rebuilding(using: str, *, forget: bool = True) -> Iterator[None]:
    """While rebuild_index rewrites every entry (inside its transaction): the trigger is off and
    (with `forget`) every kept word is forgotten, to be kept again from its next search, instead
    of moving the counts and lists row by row. The parallel writers of a rebuild pass
    forget=False: the words were forgotten before them, and a TRUNCATE in each writer's
    transaction would make the writers wait for one another."""
    if connections[using].vendor != "postgresql":
        yield
        return
    forgetting = "; TRUNCATE decisions_searchtop, decisions_searchword" if forget else ""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT set_config('decisions.search_rebuilding', 'on', true)" + forgetting)
    yield
    with connections[using].cursor() as cursor:
        # Only this block: later writes in the same transaction keep the words again.
        cursor.execute("SELECT set_config('decisions.search_rebuilding', 'off', true)")
