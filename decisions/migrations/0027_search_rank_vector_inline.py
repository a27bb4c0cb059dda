"""PostgreSQL: keep the small rank_vector (0008) inline in the row, moving the long columns out.

Every match's rank_vector is read to rank it. Left to the default (EXTENDED), the vectors of
longer records went to the TOAST table, so ranking a word found in 37,000 of 115,000 entries read
144,000 buffers (a TOAST index look-up per row); kept in the row (MAIN: compressed, moved out
only when nothing else can be), the same ranking reads 23,000. Rows written from now on are
stored so; `manage.py rebuild_search_index` rewrites the existing ones.
"""

from django.db import migrations

FORWARD = "ALTER TABLE decisions_searchentry ALTER COLUMN rank_vector SET STORAGE MAIN"
BACKWARD = "ALTER TABLE decisions_searchentry ALTER COLUMN rank_vector SET STORAGE EXTENDED"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0026_decision_stored_markdown")]

    operations = [migrations.RunPython(forward, backward)]
