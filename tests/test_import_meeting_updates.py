"""import_meeting and import_meetings over meetings already on the site: one meeting per series and
day, updated in place and said so, and never over notes a person edited on the site."""

from __future__ import annotations

import datetime
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import ActionItem, Meeting, MeetingSeries, Topic
from tests.conftest import DATA

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 3, 30)


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "meetings"
    shutil.copytree(DATA / "meetings", root)
    return root


@pytest.fixture
def call(folder) -> Path:
    return folder / "wasmtime" / "2023" / "wasmtime-03-30.md"


def run(*args: str) -> tuple[dict, str, str]:
    """The command's JSON, and what a person sees on stdout and stderr without --json."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, "--json", stdout=out, stderr=err)
    data = json.loads(out.getvalue().strip().splitlines()[-1])
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, "--dry-run", stdout=out, stderr=err)  # the same run, described, writing nothing
    return data, out.getvalue(), err.getvalue()


def edit_on_site(meeting: Meeting, text: str) -> None:
    """What the edit page does with a person's corrected notes."""
    save_meeting(
        parse_meeting(text), series=meeting.series, date=meeting.date, source_text=text,
        source_path=meeting.source_path, meeting=meeting, expected_version=meeting.version,
    )  # fmt: skip


def snapshot() -> list:
    return [
        list(
            Meeting.objects.order_by("pk").values_list("pk", "title", "source_text", "source_path", "version")
        ),
        list(Topic.objects.order_by("pk").values_list("pk", "title")),
        list(ActionItem.objects.order_by("pk").values_list("pk", "text", "status")),
    ]


def test_importing_a_file_again_updates_its_meeting_in_place_and_says_so(call):
    first, _, _ = run("import_meeting", str(call))
    meeting = Meeting.objects.get()
    assert (first["created"], first["updated"], first["kept"]) == (True, False, None)
    call.write_text(
        call.read_text().replace(
            "## Action items", "### Release process\n\n- **Till**: soon.\n\n## Action items"
        )
    )
    out = io.StringIO()
    call_command("import_meeting", str(call), stdout=out)
    assert "Updated in place “March 30 Wasmtime project call”, Wasmtime, 2023-03-30" in out.getvalue()
    assert "changes: 1 topic added; notes +4 -0 lines" in out.getvalue()
    again, _, _ = run("import_meeting", str(call))
    assert (again["created"], again["updated"], again["meeting"]) == (False, True, meeting.get_absolute_url())
    assert again["changes"]["topics"] == {"added": [], "removed": []}
    assert Meeting.objects.get().topics.count() == 3


def test_a_file_for_a_day_a_pasted_meeting_has_with_other_notes_is_kept_and_reported(call):
    series = MeetingSeries.objects.create(name="Wasmtime", slug="wasmtime")
    pasted_text = call.read_text().replace("get the RFC written", "get the RFC written by Friday")
    pasted = save_meeting(parse_meeting(pasted_text), series=series, date=DAY, source_text=pasted_text)
    before = snapshot()
    data, dry_out, dry_err = run("import_meeting", str(call))
    assert snapshot() == before  # nothing written
    assert (data["created"], data["updated"], data["kept"]) == (False, False, "edited on the site")
    assert data["meeting"] == pasted.get_absolute_url()
    assert "-- [ ] Till: get the RFC written" in "\n".join(data["diff"])
    assert "+- [ ] Till: get the RFC written by Friday" in "\n".join(data["diff"])
    assert data["diff"][0] == "--- wasmtime/2023/wasmtime-03-30.md"
    assert (
        f"warning: kept: wasmtime/2023/wasmtime-03-30.md: /meetings/{pasted.pk}/ was edited on the site"
        in dry_err
    )
    assert "would not be overwritten" in dry_err and "@@ -" in dry_err
    assert dry_out == ""


def test_a_meeting_edited_on_the_site_since_its_import_is_not_overwritten(call):
    run("import_meeting", str(call))
    meeting = Meeting.objects.get()
    corrected = meeting.source_text.replace("Nick", "Nick F")
    edit_on_site(meeting, corrected)
    call.write_text(call.read_text() + "\n- [ ] Joel: one more thing\n")
    err = io.StringIO()
    call_command("import_meeting", str(call), stdout=io.StringIO(), stderr=err)  # exits 0: no CommandError
    assert Meeting.objects.get().source_text == corrected
    assert "was not overwritten" in err.getvalue()
    assert "To keep the site's notes, copy them into the file" in err.getvalue()


def test_a_pasted_meeting_with_exactly_the_files_notes_is_left_as_it_is_and_then_follows_the_file(call):
    series = MeetingSeries.objects.create(name="Wasmtime", slug="wasmtime")
    text = call.read_text()
    pasted = save_meeting(parse_meeting(text), series=series, date=DAY, source_text=text)
    ActionItem.objects.filter(text="get the RFC written").update(text="get the RFC written (corrected)")
    data, _, _ = run("import_meeting", str(call))
    assert (data["created"], data["updated"], data["kept"]) == (False, False, None)
    assert ActionItem.objects.filter(text="get the RFC written (corrected)").exists()  # not parsed again
    call.write_text(text + "\n- [ ] Joel: one more thing\n")
    data, _, _ = run("import_meeting", str(call))
    assert data["updated"] is True and Meeting.objects.get().pk == pasted.pk
    assert "Joel: one more thing" in data["changes"]["action_items"]["added"]


def test_a_moved_file_updates_the_meeting_of_its_day_and_names_the_old_path(call, folder):
    run("import_meeting", str(call))
    moved = folder / "wasmtime" / "2023" / "2023-03-30-wasmtime.md"
    call.rename(moved)
    data, _, _ = run("import_meeting", str(moved))
    assert (data["updated"], data["previous_path"]) == (True, "wasmtime/2023/wasmtime-03-30.md")
    assert Meeting.objects.get().source_path == "wasmtime/2023/2023-03-30-wasmtime.md"


def test_a_folder_import_lists_kept_meetings_and_updates_the_others(folder, call):
    run("import_meetings", str(folder))
    meeting = Meeting.objects.get(series__name="Wasmtime")
    edit_on_site(meeting, meeting.source_text + "\nA correction made on the site.\n")
    call.write_text(call.read_text() + "\n- [ ] Joel: one more thing\n")
    data, dry_out, dry_err = run("import_meetings", str(folder))
    assert (data["imported"], data["created"], data["updated"]) == (1, 0, 1)
    assert [(k["path"], k["meeting"], k["reason"]) for k in data["kept"]] == [
        ("wasmtime/2023/wasmtime-03-30.md", meeting.get_absolute_url(), "edited on the site")
    ]
    assert "+A correction made on the site." in data["kept"][0]["diff"]
    assert "A correction made on the site." in Meeting.objects.get(pk=meeting.pk).source_text
    assert "warning: kept: wasmtime/2023/wasmtime-03-30.md" in dry_err
    assert "Would import 1 meeting(s) (0 new, 1 updated in place, 0 unchanged)" in dry_out


def test_two_files_of_one_series_and_day_in_a_folder_make_one_meeting_and_a_failure(folder, call):
    shutil.copy(call, call.with_name("wasmtime-03-30-draft.md"))
    data, _, _ = run("import_meetings", str(folder))
    assert Meeting.objects.filter(series__name="Wasmtime").count() == 1
    assert [f["path"] for f in data["failed"]] == ["wasmtime/2023/wasmtime-03-30.md"]
    assert (
        "is also wasmtime/2023/wasmtime-03-30-draft.md: one meeting per series and day"
        in data["failed"][0]["error"]
    )


def test_a_dry_run_over_a_meeting_reports_the_update_it_would_make(call):
    run("import_meeting", str(call))
    call.write_text(call.read_text() + "\n- [ ] Joel: one more thing\n")
    before = snapshot()
    out = io.StringIO()
    call_command("import_meeting", str(call), "--dry-run", stdout=out)
    assert "Would update in place “March 30 Wasmtime project call”" in out.getvalue()
    assert "changes: 1 action item added; notes +2 -0 lines" in out.getvalue()
    assert snapshot() == before
