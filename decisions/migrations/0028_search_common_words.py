"""PostgreSQL: what a common word's search needs kept, so it is not ranked from all its matches.

A word found in a third of 115,000 entries took 150 ms and more to search: counting its
matches read every matching row (the GIN index's bitmap must be checked against the heap), and
ranking read each one's rank_vector. decisions.search.common keeps, for a word searched once
and found in many entries, how many entries hold it (decisions_searchword) and its best
entries in ranking order (decisions_searchtop); the trigger here keeps both true on every write
of an entry. See decisions/search/common.py for what they hold and why it stays exact.
"""

from django.db import migrations

# Entries a word's list holds at most (decisions.search.common.TOP_HELD says the same).
TOP_HELD = 200

FORWARD = [
    """
    CREATE TABLE decisions_searchword (
        lexeme text PRIMARY KEY,
        docs integer NOT NULL
    )
    """,
    """
    CREATE TABLE decisions_searchtop (
        lexeme text NOT NULL,
        rank real NOT NULL,
        date date NULL,
        entry_id bigint NOT NULL,
        PRIMARY KEY (lexeme, entry_id)
    )
    """,
    # The ranking's own order (rank, newer first, then key), so a page is an index range scan.
    """
    CREATE INDEX decisions_searchtop_order
    ON decisions_searchtop (lexeme, rank DESC, date DESC NULLS LAST, entry_id)
    """,
    "CREATE INDEX decisions_searchtop_entry ON decisions_searchtop (entry_id)",
    f"""
    CREATE FUNCTION decisions_searchword_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        word text;
        query tsquery;
        score real;
        worst record;
        held integer;
    BEGIN
        -- rebuild_index writes every entry with this off, then forgets every kept word.
        IF current_setting('decisions.search_rebuilding', true) = 'on' THEN
            RETURN NULL;
        END IF;
        -- A list being made (decisions.search.common) waits for the writes under way, and
        -- writes wait for it, so none is made from data a write is changing.
        PERFORM pg_advisory_xact_lock_shared({0x5EA7C4});
        IF TG_OP <> 'INSERT' THEN
            UPDATE decisions_searchword w SET docs = docs - 1
            FROM unnest(tsvector_to_array(OLD.vector)) u(lexeme) WHERE w.lexeme = u.lexeme;
            DELETE FROM decisions_searchtop WHERE entry_id = OLD.id;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN NULL;
        END IF;
        -- Joined, not `= ANY (array)`: a long entry holds thousands of lexemes.
        UPDATE decisions_searchword w SET docs = docs + 1
        FROM unnest(tsvector_to_array(NEW.vector)) u(lexeme) WHERE w.lexeme = u.lexeme;
        FOR word IN
            SELECT w.lexeme FROM unnest(tsvector_to_array(NEW.vector)) u(lexeme)
            JOIN decisions_searchword w ON w.lexeme = u.lexeme
        LOOP
            query := ('''' || word || '''')::tsquery;
            score := ts_rank(NEW.rank_vector, query);
            SELECT t.rank, t.date, t.entry_id INTO worst FROM decisions_searchtop t
            WHERE t.lexeme = word ORDER BY t.rank, t.date NULLS FIRST, t.entry_id DESC LIMIT 1;
            -- A list holds the best entries down to its last: one that ranks after the last
            -- may have others between them, so it is not added.
            CONTINUE WHEN NOT FOUND;
            IF score > worst.rank OR (score = worst.rank AND (
                (NEW.date IS NOT NULL AND (worst.date IS NULL OR NEW.date > worst.date))
                OR (NEW.date IS NOT DISTINCT FROM worst.date AND NEW.id < worst.entry_id)
            )) THEN
                INSERT INTO decisions_searchtop (lexeme, rank, date, entry_id)
                VALUES (word, score, NEW.date, NEW.id);
                SELECT count(*) INTO held FROM decisions_searchtop t WHERE t.lexeme = word;
                IF held > {TOP_HELD} THEN
                    DELETE FROM decisions_searchtop t
                    WHERE t.lexeme = word AND t.entry_id = worst.entry_id;
                END IF;
            END IF;
        END LOOP;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER decisions_searchword_keep
    AFTER INSERT OR UPDATE OR DELETE ON decisions_searchentry
    FOR EACH ROW EXECUTE FUNCTION decisions_searchword_keep()
    """,
]
BACKWARD = [
    "DROP TRIGGER decisions_searchword_keep ON decisions_searchentry",
    "DROP FUNCTION decisions_searchword_keep()",
    "DROP TABLE decisions_searchtop",
    "DROP TABLE decisions_searchword",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0027_search_rank_vector_inline")]

    operations = [migrations.RunPython(forward, backward)]
