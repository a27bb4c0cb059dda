"""Migrations 0012-0013 on a database that already has two meetings of one series on one day."""

from __future__ import annotations

import datetime

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("decisions", "0011_option_summaries_as_short_text")]
AFTER = [("decisions", "0013_meeting_one_per_series_day")]
DAY = datetime.date(2023, 3, 30)


@pytest.fixture
def old_schema():
    """The database as it was before sessions, given back migrated (with its triggers) afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    call_command("migrate", verbosity=0)


def migrate_forward() -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    return executor.loader.project_state(AFTER).apps


def test_meetings_sharing_a_day_are_kept_marked_and_listed_not_merged(old_schema, capsys):
    Series, Meeting = (
        old_schema.get_model("decisions", "MeetingSeries"),
        old_schema.get_model("decisions", "Meeting"),
    )
    series = Series.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    other = Series.objects.create(name="Cranelift", slug="cranelift")
    first = Meeting.objects.create(series=series, date=DAY, title="Wasmtime call", source_text="# Call\n")
    second = Meeting.objects.create(
        series=series, date=DAY, title="Wasmtime call (notes)", source_text="# Notes\n"
    )
    third = Meeting.objects.create(series=series, date=DAY, title="Third", source_text="# Third\n")
    alone = Meeting.objects.create(series=other, date=DAY, title="Cranelift call", source_path="c/03-30.md",
                                   source_text="# Cranelift\n")  # fmt: skip

    apps = migrate_forward()

    Meeting = apps.get_model("decisions", "Meeting")
    rows = dict(Meeting.objects.values_list("pk", "session"))
    assert rows == {first.pk: "", second.pk: "duplicate 2", third.pk: "duplicate 3", alone.pk: ""}
    assert Meeting.objects.get(pk=second.pk).source_text == "# Notes\n"  # nothing lost
    printed = capsys.readouterr().out
    assert f"Meeting {second.pk} “Wasmtime call (notes)” shares Wasmtime project call, 2023-03-30" in printed
    assert f"Merge it into /meetings/{first.pk}/ and delete it, or name its session in the admin" in printed
    # Only the pasted meetings count as edited on the site: imported ones keep re-importing.
    assert Meeting.objects.get(pk=alone.pk).imported_digest != ""
    assert Meeting.objects.get(pk=first.pk).imported_digest == ""

    warnings = [m for m in run_checks(databases=["default"]) if m.id == "decisions.W001"]
    assert [w.obj.pk for w in warnings] == [second.pk, third.pk]
    assert f"Merge what it adds into /meetings/{first.pk}/" in warnings[0].hint


def test_a_database_without_shared_days_migrates_without_a_word(old_schema, capsys):
    Series, Meeting = (
        old_schema.get_model("decisions", "MeetingSeries"),
        old_schema.get_model("decisions", "Meeting"),
    )
    series = Series.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    Meeting.objects.create(series=series, date=DAY, title="Wasmtime call")
    Meeting.objects.create(series=series, date=DAY + datetime.timedelta(days=14), title="Wasmtime call")
    migrate_forward()
    assert "shares" not in capsys.readouterr().out
    assert not [m for m in run_checks(databases=["default"]) if m.id == "decisions.W001"]
