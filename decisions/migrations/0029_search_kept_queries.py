"""PostgreSQL: any search with many matches keeps its ranking, not only a one-word search.

0028 kept the count and best entries of a common word, and a trigger ranked every written entry
against each kept word. ts_rank of any query depends on the entry alone, so the ranking of any
query can be kept the same way; but a trigger would then test each write against every kept
query. Instead each write of an entry, while anything is kept, leaves a row in a change log with
the entry as it was before (decisions_searchchange), and a search reads its kept list and
applies the changes made since (decisions.search.common says why that stays exact).
"""

import importlib

from django.db import migrations

# What decisions.search.common says too: the advisory lock a list being made takes alone and
# each write of an entry takes shared, the entries a list holds, the changes a search reads on
# top of one, and the queries kept at most.
LOCK_KEY = 0x5EA7C4
TOP_HELD = 200
CHANGES_HELD = 256
QUERIES_HELD = 1000

FORWARD = [
    "DROP TRIGGER decisions_searchword_keep ON decisions_searchentry",
    "DROP FUNCTION decisions_searchword_keep()",
    "DROP TABLE decisions_searchtop",
    "DROP TABLE decisions_searchword",
    # A kept query: its key (query and kinds), the last change it has seen, its count then.
    """
    CREATE TABLE decisions_searchkept (
        query text PRIMARY KEY,
        since bigint NOT NULL,
        docs integer NOT NULL,
        made timestamp with time zone NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE decisions_searchkepttop (
        query text NOT NULL REFERENCES decisions_searchkept (query) ON DELETE CASCADE,
        rank real NOT NULL,
        date date NULL,
        entry_id bigint NOT NULL,
        PRIMARY KEY (query, entry_id)
    )
    """,
    # The ranking's own order (rank, newer first, then key), so a page is an index range scan.
    """
    CREATE INDEX decisions_searchkepttop_order
    ON decisions_searchkepttop (query, rank DESC, date DESC NULLS LAST, entry_id)
    """,
    # One row per write of an entry: the entry as it was before it (no kind and vector: it did
    # not exist).
    """
    CREATE TABLE decisions_searchchange (
        seq bigserial PRIMARY KEY,
        entry_id bigint NOT NULL,
        kind varchar(10) NULL,
        vector tsvector NULL
    )
    """,
    f"""
    CREATE FUNCTION decisions_searchchange_log() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- rebuild_index writes every entry with this off, then forgets every kept query.
        IF current_setting('decisions.search_rebuilding', true) = 'on' THEN
            RETURN NULL;
        END IF;
        -- A list being made waits for the writes under way, and writes wait for it: taken
        -- before looking whether anything is kept, so no list is made from data a write
        -- that logs nothing is changing.
        PERFORM pg_advisory_xact_lock_shared({LOCK_KEY});
        IF NOT EXISTS (SELECT FROM decisions_searchkept) THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' AND (OLD.id, OLD.kind, OLD.date, OLD.title, OLD.summary, OLD.body)
            IS NOT DISTINCT FROM (NEW.id, NEW.kind, NEW.date, NEW.title, NEW.summary, NEW.body) THEN
            RETURN NULL;  -- nothing a search reads has changed
        END IF;
        IF TG_OP <> 'INSERT' THEN
            INSERT INTO decisions_searchchange (entry_id, kind, vector) VALUES (OLD.id, OLD.kind, OLD.vector);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.id <> OLD.id) THEN
            INSERT INTO decisions_searchchange (entry_id) VALUES (NEW.id);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    # TRUNCATE fires no row trigger: emptying the entries (manage.py flush, a test's flush)
    # forgets what is kept of them too.
    """
    CREATE FUNCTION decisions_searchkept_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE decisions_searchkepttop, decisions_searchkept, decisions_searchchange;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER decisions_searchkept_forget
    AFTER TRUNCATE ON decisions_searchentry
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_searchkept_forget()
    """,
    # Called by a search that ranked every match (decisions.search.common.keep_sql).
    f"""
    CREATE FUNCTION decisions_search_keep(q text, ranked text, matched text, kinds text[])
    RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
        seen bigint;
    BEGIN
        -- Its old list goes, and the oldest beyond QUERIES_HELD, and those so far behind that
        -- their next search would rank anyway. Forgetting is always safe: it needs no lock.
        DELETE FROM decisions_searchkept k WHERE k.query = q
            OR k.query IN (SELECT o.query FROM decisions_searchkept o ORDER BY o.made DESC OFFSET {QUERIES_HELD})
            OR k.since < (SELECT max(c.seq) FROM decisions_searchchange c) - {CHANGES_HELD};
        -- Not while a write is under way (it logged nothing if nothing was kept when it
        -- began): the next search keeps the query instead. Waiting would hold up every later
        -- write behind this one. Later writes wait for this transaction's end.
        IF NOT pg_try_advisory_xact_lock({LOCK_KEY}) THEN
            RETURN false;
        END IF;
        -- Each statement from here reads afresh: every write that held the lock is in, and so
        -- is a list another search kept meanwhile, which this one replaces.
        DELETE FROM decisions_searchkept k WHERE k.query = q;
        SELECT COALESCE(max(c.seq), 0) INTO seen FROM decisions_searchchange c;
        WITH matches AS MATERIALIZED (
            SELECT e.id, e.date, ts_rank(e.rank_vector, websearch_to_tsquery('english', ranked)) AS rank
            FROM decisions_searchentry e
            WHERE e.vector @@ websearch_to_tsquery('english', matched)
              AND (kinds IS NULL OR e.kind = ANY (kinds))
        ), made AS (
            INSERT INTO decisions_searchkept (query, since, docs)
            SELECT q, seen, count(*) FROM matches
        )
        INSERT INTO decisions_searchkepttop (query, rank, date, entry_id)
        SELECT q, m.rank, m.date, m.id
        FROM (SELECT * FROM matches ORDER BY rank DESC, date DESC NULLS LAST, id LIMIT {TOP_HELD}) m;
        -- The log keeps only what some kept list has not seen.
        DELETE FROM decisions_searchchange c
        WHERE c.seq <= (SELECT min(k.since) FROM decisions_searchkept k);
        RETURN true;
    END
    $$
    """,
    """
    CREATE TRIGGER decisions_searchchange_log
    AFTER INSERT OR UPDATE OR DELETE ON decisions_searchentry
    FOR EACH ROW EXECUTE FUNCTION decisions_searchchange_log()
    """,
]
BACKWARD = [
    "DROP TRIGGER decisions_searchkept_forget ON decisions_searchentry",
    "DROP FUNCTION decisions_searchkept_forget()",
    "DROP TRIGGER decisions_searchchange_log ON decisions_searchentry",
    "DROP FUNCTION decisions_searchchange_log()",
    "DROP FUNCTION decisions_search_keep(text, text, text, text[])",
    "DROP TABLE decisions_searchchange",
    "DROP TABLE decisions_searchkepttop",
    "DROP TABLE decisions_searchkept",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)
        # 0028's kept words again, empty (its next searches keep them).
        for statement in importlib.import_module("decisions.migrations.0028_search_common_words").FORWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0028_search_common_words")]

    operations = [migrations.RunPython(forward, backward)]
