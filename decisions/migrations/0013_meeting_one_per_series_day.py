"""A meeting is its series and date (and, only when a person says so, its session); see 0012."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("decisions", "0012_meeting_session_imported_digest")]

    operations = [
        migrations.RemoveConstraint(model_name="meeting", name="meeting_unique_per_series_day"),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.UniqueConstraint(
                fields=("series", "date", "session"), name="meeting_one_per_series_day"
            ),
        ),
    ]
