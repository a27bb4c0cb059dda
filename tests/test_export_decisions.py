"""manage.py export_decisions and export.export_all: one file per record plus an index."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import (
    ActionItem,
    Decision,
    DecisionMeeting,
    DecisionPrecedent,
    DecisionStatusChange,
    PendingReference,
    Precedent,
)
from decisions.records import export
from tests.factories import make_area, make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db


def make_full_decisions(count: int, start: int = 1) -> None:
    """Records with something in every relation the export reads."""
    owner, rfc, area = make_person(f"Owner {start}"), make_rfc(), make_area()
    meeting = make_meeting(datetime.date(2023, 3, start))
    precedent = Precedent.objects.create(title=f"Precedent {start}", url=f"https://example.org/{start}")
    for number in range(start, start + count):
        decision = make_decision(f"Decision {number}", number=number, owner=owner, options=6, criteria=8)
        decision.related_rfcs.add(rfc)
        decision.areas.add(area)
        DecisionMeeting.objects.create(decision=decision, meeting=meeting)
        DecisionPrecedent.objects.create(decision=decision, precedent=precedent, note="Applies.")
        DecisionStatusChange.objects.create(decision=decision, to_status="open", changed_on="2023-03-30")
        PendingReference.objects.create(decision=decision, kind="rfc", key="999", label="RFC 999")
        ActionItem.objects.create(decision=decision, owner=owner, text="Follow up")
        if number > start:
            decision.supersedes_id = decision.pk - 1
            decision.save()


def queries_to_export_all() -> int:
    with CaptureQueriesContext(connection) as context:
        export.export_all()
    return len(context.captured_queries)


def test_exporting_runs_the_same_number_of_queries_for_3_or_30_records():
    make_full_decisions(3)
    few = queries_to_export_all()
    make_full_decisions(27, start=4)
    assert queries_to_export_all() == few


def test_one_record_takes_as_many_queries_with_a_big_matrix_as_with_a_small_one():
    make_full_decisions(2)
    small = make_decision(number=3, options=1, criteria=1)
    counts = []
    for decision in (Decision.objects.get(number=2), small):
        with CaptureQueriesContext(connection) as context:
            export.decision_to_markdown(decision)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_the_command_writes_one_file_per_record_and_an_index(tmp_path):
    make_decision("Where do shared WASI API implementations live?", number=1)
    make_decision("Do we auto-assign reviewers?", number=2)
    out = io.StringIO()
    call_command("export_decisions", str(tmp_path), "--json", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1]) == {"written": 2, "dir": str(tmp_path)}
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "0001-where-do-shared-wasi-api-implementations-live.md",
        "0002-do-we-auto-assign-reviewers.md",
        "README.md",
    ]


def test_a_renamed_record_leaves_no_stale_file_behind(tmp_path):
    decision = make_decision("Old title", number=1)
    (tmp_path / "notes.md").write_text("kept\n")
    export.write_folder(tmp_path)
    decision.title = "New title"
    decision.save()
    export.write_folder(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["0001-new-title.md", "README.md", "notes.md"]


def test_without_json_the_command_says_what_it_wrote(tmp_path):
    make_decision(number=1)
    out = io.StringIO()
    call_command("export_decisions", str(tmp_path / "records"), stdout=out)
    assert out.getvalue() == f"Wrote 1 decision record(s) and README.md to {tmp_path / 'records'}.\n"


def test_an_empty_site_exports_just_the_index(tmp_path):
    assert list(export.export_all()) == ["README.md"]
