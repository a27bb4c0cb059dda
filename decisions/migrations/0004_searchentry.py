"""The search index (decisions/search.py): a SearchEntry per record, indexed per database.

PostgreSQL: a tsvector column generated from title (weight A), summary (B) and body (C), so it
is computed by the same INSERT or UPDATE as the row, with a GIN index. SQLite: an FTS5 table
over the same three columns, reading its text from the entries table (external content) and
kept in step by triggers, so it changes in the same transaction. Neither is a model field, so
each is created only on its own database.
"""

from django.db import migrations, models

POSTGRES = [
    (
        """
        ALTER TABLE decisions_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title), 'A')
            || setweight(to_tsvector('english'::regconfig, summary), 'B')
            || setweight(to_tsvector('english'::regconfig, body), 'C')
        ) STORED
        """,
        "ALTER TABLE decisions_searchentry DROP COLUMN vector",
    ),
    (
        "CREATE INDEX decisions_searchentry_vector ON decisions_searchentry USING gin (vector)",
        "DROP INDEX decisions_searchentry_vector",
    ),
]

_OLD = "old.id, old.title, old.summary, old.body"
_NEW = "new.id, new.title, new.summary, new.body"
_FTS = "decisions_searchentry_fts"
SQLITE = [
    (
        f"""
        CREATE VIRTUAL TABLE {_FTS} USING fts5(
            title, summary, body,
            content='decisions_searchentry', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )
        """,
        f"DROP TABLE {_FTS}",
    ),
    (
        f"""
        CREATE TRIGGER {_FTS}_insert AFTER INSERT ON decisions_searchentry BEGIN
            INSERT INTO {_FTS}(rowid, title, summary, body) VALUES ({_NEW});
        END
        """,
        f"DROP TRIGGER {_FTS}_insert",
    ),
    (
        f"""
        CREATE TRIGGER {_FTS}_delete AFTER DELETE ON decisions_searchentry BEGIN
            INSERT INTO {_FTS}({_FTS}, rowid, title, summary, body) VALUES ('delete', {_OLD});
        END
        """,
        f"DROP TRIGGER {_FTS}_delete",
    ),
    (
        f"""
        CREATE TRIGGER {_FTS}_update AFTER UPDATE ON decisions_searchentry BEGIN
            INSERT INTO {_FTS}({_FTS}, rowid, title, summary, body) VALUES ('delete', {_OLD});
            INSERT INTO {_FTS}(rowid, title, summary, body) VALUES ({_NEW});
        END
        """,
        f"DROP TRIGGER {_FTS}_update",
    ),
]
STATEMENTS = {"postgresql": POSTGRES, "sqlite": SQLITE}


def create_index(apps, schema_editor):
    for forward, _ in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(forward, params=None)


def drop_index(apps, schema_editor):
    for _, backward in reversed(STATEMENTS.get(schema_editor.connection.vendor, [])):
        schema_editor.execute(backward, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0003_meeting_submitter_topic_anchor'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('rfc', 'RFC'), ('meeting', 'Meeting'), ('decision', 'Decision'), ('precedent', 'Precedent')], max_length=10)),
                ('object_id', models.BigIntegerField()),
                ('date', models.DateField(blank=True, null=True)),
                ('url', models.CharField(max_length=500)),
                ('title', models.TextField()),
                ('summary', models.TextField(blank=True)),
                ('body', models.TextField(blank=True)),
            ],
            options={
                'verbose_name_plural': 'search entries',
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
