"""One meeting per series and day (issue 13): the session that makes room for a second one, and
what the last import read.

A series used to allow one meeting per series, date *and title*, so notes pasted twice under two
titles made two meetings. The next migration makes (series, date, session) unique. Meetings that
already share a series and a date are not merged here, since deciding which text, statuses and
links win is a person's call: the oldest keeps the empty session and each later one is given the
session "duplicate N", which this migration prints and `manage.py check --database default`
lists until a person merges it (deletes it in the admin) or names its session.

Meetings with a source path are taken to hold the text their import read (their digest is
stored), so importing the same files again updates them as before; pasted meetings have none.
"""

import hashlib

from django.db import migrations, models
from django.db.models import Count

DUPLICATE = "duplicate {}"


def mark_duplicates(apps, schema_editor):
    Meeting = apps.get_model("decisions", "Meeting")
    days = (
        Meeting.objects.values("series_id", "date")
        .annotate(meetings=Count("id"))
        .filter(meetings__gt=1)
        .order_by("series_id", "date")
    )
    for day in days:
        rows = list(
            Meeting.objects.filter(series_id=day["series_id"], date=day["date"])
            .select_related("series")
            .order_by("pk")
        )
        for number, meeting in enumerate(rows[1:], start=2):
            meeting.session = DUPLICATE.format(number)
            meeting.save(update_fields=["session"])
            print(
                f"\n  Meeting {meeting.pk} “{meeting.title}” shares {meeting.series.name}, {meeting.date} "
                f"with meeting {rows[0].pk}: marked session “{meeting.session}”. Merge it into "
                f"/meetings/{rows[0].pk}/ and delete it, or name its session in the admin.",
                end="",
            )


def store_import_digests(apps, schema_editor):
    Meeting = apps.get_model("decisions", "Meeting")
    batch = []
    for meeting in Meeting.objects.exclude(source_path="").only("pk", "source_text").iterator(chunk_size=200):
        meeting.imported_digest = hashlib.sha256(
            meeting.source_text.encode("utf-8", errors="surrogatepass")
        ).hexdigest()
        batch.append(meeting)
        if len(batch) == 200:
            Meeting.objects.bulk_update(batch, ["imported_digest"])
            batch = []
    Meeting.objects.bulk_update(batch, ["imported_digest"])


def forward(apps, schema_editor):
    mark_duplicates(apps, schema_editor)
    store_import_digests(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0011_option_summaries_as_short_text")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="session",
            field=models.CharField(
                blank=True,
                help_text="Only when the series met more than once that day, e.g. “evening”; empty otherwise.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="imported_digest",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="SHA-256 of the notes the last import read: other notes here were edited on the site.",
                max_length=64,
            ),
        ),
        # Rows only; the constraint follows in its own migration (on PostgreSQL an ALTER TABLE after
        # row updates in one transaction meets the data-state triggers' pending events).
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
