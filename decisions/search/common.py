"""PostgreSQL: a search with many matches keeps its count and best entries, so the next one
(after any writes) ranks nothing.

ts_rank depends on the entry and the query alone (not on the other entries, unlike SQLite's
bm25), so a ranking made once stays true for every entry not written since. Migration 0029
keeps, per query (its text and kinds):

- decisions_searchkept: how many entries matched it, and the last change it has seen;
- decisions_searchkepttop: its best TOP_HELD entries then, in the ranking's order (rank, newer
  first, then key);
- decisions_searchchange: one row per write of an entry since the oldest kept list, holding the
  entry as it was before the write (kind and match vector; none for a new entry).

A search of a kept query reads, in its one statement, the list, and the entries changed since
(the first change of each holds the entry as the list saw it):

- the count is the kept one, less the changed entries that matched then, plus those that match
  now;
- the page comes from the list less the changed entries, and the changed ones that match now,
  ranked as they are now, down to the list's last entry. Every other match is unchanged and was
  ranked after that last entry when the list was made, so it still is: when at least the page's
  end lies before it, the page is the top of the full ranking, exactly.

Otherwise (nothing kept, more than CHANGES_HELD changes since, or the page lies past what is
sure), every match is ranked, and the query is kept again (keep_sql()): it takes an advisory lock
that each write of an entry takes shared, so later writes wait for it, ranks once more and
stores the list with the last change it has seen. It keeps nothing while a write is under way
(that write may have logged nothing), and the next search tries again. A write logs nothing
while nothing is kept. rebuild_index forgets every kept query (decisions.search.index).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

# Entries a query's list holds at most (ten pages of 20): deeper pages rank every match.
TOP_HELD = 200
# A query is kept from this many matching entries: below it ranking them all costs little.
KEEP_FROM = 2000
# Changes a search reads on top of a list; past it the query is ranked and kept again.
CHANGES_HELD = 256
# Kept queries at most: making a list forgets the oldest beyond it.
QUERIES_HELD = 1000
# The advisory lock a list being made takes alone and each write of an entry takes shared.
LOCK_KEY = 0x5EA7C4
PG_CONFIG = "english"
# The ranking's order as one row value, smallest first: rank descending, newer first (undated
# last), then key. Compared with <=, it says which entries rank before or at another.
ORDER_KEY = "ROW(-{t}.rank, {t}.date IS NULL, -COALESCE({t}.date - DATE '2000-01-01', 0), {t}.{id})"


def key(websearch: str, kinds: list[str]) -> str:
    """What a kept ranking is kept under: the query as PostgreSQL reads it and the kinds asked."""
    return ",".join(sorted(kinds)) + ":" + websearch  # no kind holds a colon: unambiguous


def read_sql(
    query_key: str, ranked: str, matched: str, kinds: list[str] | None, need: int
) -> tuple[str, list[object]]:
    """The CTEs that read a kept ranking, and their parameters (`ranked` and `matched`: the
    query in websearch syntax without and with its exclusions; `kinds`: None for every kind).

    `kept_whole` says whether they give the page; `kept_page` holds the sure entries (id, rank,
    date) and `kept_count` the count, both meaningful only then.
    """
    in_kinds = f" IN ({', '.join(['%s'] * len(kinds))})" if kinds is not None else ""
    last = ORDER_KEY.format(t="last", id="entry_id")
    sql = f"""
        kept AS MATERIALIZED (
            SELECT k.query, k.since, k.docs,
                   websearch_to_tsquery('{PG_CONFIG}'::regconfig, %s) AS ranked,
                   websearch_to_tsquery('{PG_CONFIG}'::regconfig, %s) AS matched
            FROM decisions_searchkept k WHERE k.query = %s
        ), recent AS MATERIALIZED (
            SELECT c.seq, c.entry_id, c.kind, c.vector FROM kept
            JOIN decisions_searchchange c ON c.seq > kept.since
            ORDER BY c.seq LIMIT {CHANGES_HELD + 1}
        ), changed AS MATERIALIZED (
            SELECT DISTINCT ON (entry_id) entry_id, kind, vector FROM recent ORDER BY entry_id, seq
        ), fresh AS MATERIALIZED (
            -- Each changed entry by its key (OFFSET 0 keeps the planner from matching all
            -- entries through the GIN index to join them).
            SELECT e.id, e.date, ts_rank(e.rank_vector, kept.ranked) AS rank
            FROM kept, changed, LATERAL (
                SELECT * FROM decisions_searchentry e WHERE e.id = changed.entry_id OFFSET 0
            ) e
            WHERE e.vector @@ kept.matched{" AND e.kind" + in_kinds if in_kinds else ""}
        ), last AS MATERIALIZED (
            SELECT t.rank, t.date, t.entry_id FROM kept JOIN decisions_searchkepttop t ON t.query = kept.query
            ORDER BY t.rank, t.date NULLS FIRST, t.entry_id DESC LIMIT 1
        ), kept_page AS MATERIALIZED (
            SELECT c.id, c.rank, c.date FROM last, (
                (SELECT t.entry_id AS id, t.rank, t.date FROM kept
                 JOIN decisions_searchkepttop t ON t.query = kept.query
                 WHERE t.entry_id NOT IN (SELECT entry_id FROM changed)
                 ORDER BY t.rank DESC, t.date DESC NULLS LAST, t.entry_id LIMIT %s)
                UNION ALL
                SELECT id, rank, date FROM fresh
            ) c
            WHERE {ORDER_KEY.format(t="c", id="id")} <= {last}
        ), kept_whole AS MATERIALIZED (
            SELECT EXISTS (SELECT FROM kept) AND (SELECT count(*) FROM recent) <= {CHANGES_HELD}
                   AND (SELECT count(*) FROM kept_page) >= %s AS whole
        ), kept_count AS MATERIALIZED (
            SELECT (SELECT docs FROM kept)
                   - (SELECT count(*) FROM kept, changed
                      WHERE changed.vector @@ kept.matched{" AND changed.kind" + in_kinds if in_kinds else ""})
                   + (SELECT count(*) FROM fresh) AS n
        )"""
    kind_params = list(kinds or [])
    return sql, [ranked, matched, query_key, *kind_params, need, need, *kind_params]


def keep_sql(
    query_key: str, ranked: str, matched: str, kinds: list[str] | None, need: int
) -> tuple[str, list[object]]:
    """An expression for the search's own statement, after it ranked every match (`whole` false,
    `n` their count): keep the query's count and best entries when it has many. Its function
    (migration 0029) forgets the old list, takes the lock (or keeps nothing while a write holds
    it), and ranks again under it: a function marked VOLATILE reads each of its statements' data
    afresh, so it sees every write that took the lock before it, and the search costs one
    statement whatever happens."""
    sql = (
        f"CASE WHEN NOT whole AND n >= {int(KEEP_FROM)} AND %s <= {TOP_HELD}"
        " THEN decisions_search_keep(%s, %s, %s, %s::text[]) END"
    )
    return sql, [need, query_key, ranked, matched, kinds]


@contextmanager
def rebuilding(using: str, *, forget: bool = True) -> Iterator[None]:
    """While rebuild_index rewrites every entry (inside its transaction): the trigger is off and
    (with `forget`) every kept query is forgotten, to be kept again from its next search, instead
    of logging every row. The parallel writers of a rebuild pass forget=False: the queries were
    forgotten before them, and a TRUNCATE in each writer's transaction would make the writers
    wait for one another."""
    if connections[using].vendor != "postgresql":
        yield
        return
    forgetting = (
        "; TRUNCATE decisions_searchkepttop, decisions_searchkept, decisions_searchchange" if forget else ""
    )
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT set_config('decisions.search_rebuilding', 'on', true)" + forgetting)
    yield
    with connections[using].cursor() as cursor:
        # Only this block: later writes in the same transaction log their changes again.
        cursor.execute("SELECT set_config('decisions.search_rebuilding', 'off', true)")
