"""Move the RFC's text columns (body, body_html, toc) behind the short ones.

SQLite stores a row's columns in order and a long text spills onto overflow pages; reading a
column stored after it (series, status, updated_at...) walks those pages. The RFC list reads the
short columns of 50 rows: 8.9 ms with the texts first, 0.5 ms with them last (10,000 RFCs).
The texts are copied to new columns, which are added at the end, then take the old names.
PostgreSQL keeps long values out of line anyway; there this only rewrites the table once.
"""

from django.db import migrations, models
from django.db.models import F


def copy_texts(apps, schema_editor):
    RFC = apps.get_model("decisions", "RFC")
    RFC.objects.update(moved_body=F("body"), moved_body_html=F("body_html"), moved_toc=F("toc"))


def copy_back(apps, schema_editor):
    RFC = apps.get_model("decisions", "RFC")
    RFC.objects.update(body=F("moved_body"), body_html=F("moved_body_html"), toc=F("moved_toc"))


class Migration(migrations.Migration):
    dependencies = [("decisions", "0008_search_rank_vector")]

    operations = [
        migrations.AddField("rfc", "moved_body", models.TextField(blank=True, default="")),
        migrations.AddField("rfc", "moved_body_html", models.TextField(blank=True, default="")),
        migrations.AddField("rfc", "moved_toc", models.JSONField(blank=True, default=list)),
        migrations.RunPython(copy_texts, copy_back),
        migrations.RemoveField("rfc", "body"),
        migrations.RemoveField("rfc", "body_html"),
        migrations.RemoveField("rfc", "toc"),
        migrations.RenameField("rfc", "moved_body", "body"),
        migrations.RenameField("rfc", "moved_body_html", "body_html"),
        migrations.RenameField("rfc", "moved_toc", "toc"),
        migrations.AlterField(
            "rfc",
            "body",
            models.TextField(blank=True, help_text="Markdown (or reStructuredText for imported PEPs)."),
        ),
        migrations.AlterField("rfc", "body_html", models.TextField(blank=True, editable=False)),
        migrations.AlterField("rfc", "toc", models.JSONField(blank=True, default=list, editable=False)),
    ]
