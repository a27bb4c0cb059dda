# Optimistic concurrency for meeting notes edited in the browser (issue 6).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0005_rfc_series"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="version",
            field=models.PositiveIntegerField(
                default=1, editable=False, help_text="Bumped on every save; stale edits are refused."
            ),
        ),
    ]
