"""import_meeting, import_meetings and save_meeting: notes become meetings, once, all or nothing."""

from __future__ import annotations

import datetime
import io
import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from decisions import markdown
from decisions.meetings.parsing import ParsedActionItem, parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import (
    ActionItem,
    ActionItemStatus,
    DecisionMeeting,
    Meeting,
    MeetingLink,
    MeetingSeries,
    Person,
    Remark,
    Topic,
)
from decisions.people.names import PeopleIndex, match_people
from tests.conftest import DATA
from tests.factories import make_decision, make_person, make_rfc

pytestmark = pytest.mark.django_db

NOTES = DATA / "meetings"
CALL = NOTES / "wasmtime" / "2023" / "wasmtime-03-30.md"
PYTHON = NOTES / "SIG-Guest-Languages" / "Python" / "2023" / "guest-python-04-06.md"


def run(command: str, *args: str) -> dict:
    out = io.StringIO()
    call_command(command, *args, "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def counts() -> dict[str, int]:
    models = [Meeting, MeetingSeries, Topic, Remark, ActionItem, MeetingLink, Person, DecisionMeeting]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def series() -> MeetingSeries:
    return MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")


def save(text: str, series: MeetingSeries, **options: object) -> Meeting:
    options.setdefault("date", datetime.date(2023, 3, 30))
    return save_meeting(parse_meeting(text), series=series, source_text=text, **options)  # type: ignore[arg-type]


# import_meeting ---------------------------------------------------------------------------------


def test_import_meeting_prints_what_it_saved_as_json():
    data = run("import_meeting", str(CALL))
    meeting = Meeting.objects.get()
    assert data["meeting"] == meeting.get_absolute_url()
    assert data["title"] == "March 30 Wasmtime project call"
    assert data["date"] == "2023-03-30"
    assert data["series"] == "Wasmtime"
    assert data["attendees"] == ["Till Brennecke", "Nick Fallow", "Joel Dunmore", "Victor Lindqvist"]
    assert data["speakers"] == ["Nick", "Till", "Joel", "Victor"]
    assert data["topics"] == [
        {
            "title": "Reviewer auto-assignment",
            "speakers": ["Nick", "Till"],
            "remarks": 4,
            "found": "section",
            "confidence": 1.0,
        },
        {
            "title": "Shared WASI implementations",
            "speakers": ["Till", "Joel", "Victor", "Nick"],
            "remarks": 4,
            "found": "section",
            "confidence": 1.0,
        },
    ]
    assert [item["owner"] for item in data["action_items"]] == ["Victor", "Nick", "Till", "Nick", "Joel"]
    assert data["action_items"][2] == {
        "owner": "Till",
        "text": "get the RFC written",
        "done": False,
        "found": "section",
        "confidence": 1.0,
    }
    assert data["suggested_action_items"] == []
    assert data["links"][0] == {"url": "https://mozilla.github.io/cargo-vet/", "text": "the vet docs"}


def test_import_meeting_saves_topics_remarks_people_and_action_items():
    run("import_meeting", str(CALL))
    meeting = Meeting.objects.get()
    assert meeting.source_path == "wasmtime/2023/wasmtime-03-30.md"
    assert list(meeting.topics.values_list("order", "title")) == [
        (1, "Reviewer auto-assignment"),
        (2, "Shared WASI implementations"),
    ]
    till = Person.objects.get(name="Till Brennecke")
    assert Remark.objects.filter(speaker=till).count() == 2
    assert set(meeting.attendees.values_list("name", flat=True)) == {
        "Till Brennecke",
        "Nick Fallow",
        "Joel Dunmore",
        "Victor Lindqvist",
    }
    done = ActionItem.objects.get(status=ActionItemStatus.DONE)
    assert (done.owner.name, done.text, done.topic) == (
        "Nick Fallow",
        "turn on reviewer auto-assignment",
        None,
    )
    victor = ActionItem.objects.get(owner__name="Victor Lindqvist")
    assert victor.due_on == datetime.date(2023, 4, 14) and victor.topic.title == "Shared WASI implementations"


def test_import_meeting_takes_the_date_and_the_series_from_the_path():
    data = run("import_meeting", str(PYTHON))
    assert data["date"] == "2023-04-06"
    assert data["series"] == "SIG Guest Languages: Python"
    assert data["title"] == "SIG Guest Languages: Python, April 6, 2023"


def test_the_date_and_series_options_win_over_the_path():
    data = run("import_meeting", str(CALL), "--date", "2023-04-01", "--series", "Team sync")
    assert data["date"] == "2023-04-01" and data["series"] == "Team sync"
    assert Meeting.objects.get().series.name == "Team sync"


def test_import_meeting_with_dry_run_writes_nothing():
    data = run("import_meeting", str(CALL), "--dry-run")
    assert data["meeting"] is None and len(data["topics"]) == 2
    assert set(counts().values()) == {0}


def test_importing_the_same_file_twice_changes_nothing():
    run("import_meeting", str(CALL))
    first = counts()
    run("import_meeting", str(CALL))
    assert counts() == first
    assert first["Meeting"] == 1 and first["Topic"] == 2


def test_a_file_that_is_not_utf8_is_refused_with_its_name_and_line(tmp_path):
    bad = tmp_path / "2023" / "call-03-30.md"
    bad.parent.mkdir()
    bad.write_bytes(b"# Call\n\nTill: caf\xe9\n")
    with pytest.raises(CommandError, match=r"call-03-30\.md: not valid UTF-8 \(line 3"):
        call_command("import_meeting", str(bad), stdout=io.StringIO())


def test_a_file_with_a_nul_byte_is_refused_with_its_line(tmp_path):
    bad = tmp_path / "2023" / "call-03-30.md"
    bad.parent.mkdir()
    bad.write_bytes(b"# Call\n\nTill: a\x00b\n")
    with pytest.raises(CommandError, match=r"call-03-30\.md: contains a NUL character \(line 3\)"):
        call_command("import_meeting", str(bad), stdout=io.StringIO())


def test_an_empty_file_is_refused_with_a_clear_message(tmp_path):
    empty = tmp_path / "2023" / "call-03-30.md"
    empty.parent.mkdir()
    empty.write_text("\n")
    with pytest.raises(CommandError, match="The notes are empty"):
        call_command("import_meeting", str(empty), stdout=io.StringIO())


def test_notes_without_any_date_ask_for_one(tmp_path):
    undated = tmp_path / "ideas.md"
    undated.write_text("# Ideas\n\nTill: hello\n")
    with pytest.raises(CommandError, match="pass --date"):
        call_command("import_meeting", str(undated), stdout=io.StringIO())


def test_the_summary_without_json_names_the_meeting():
    out = io.StringIO()
    call_command("import_meeting", str(CALL), stdout=out)
    assert "Created “March 30 Wasmtime project call”, Wasmtime, 2023-03-30" in out.getvalue()


# import_meetings --------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "meetings"
    shutil.copytree(NOTES, root)
    return root


def test_import_meetings_reports_imported_failed_and_skipped_as_json(folder):
    data = run("import_meetings", str(folder))
    assert (data["imported"], data["failed"], data["skipped"]) == (2, [], 4)
    assert set(Meeting.objects.values_list("series__name", "date")) == {
        ("Wasmtime", datetime.date(2023, 3, 30)),
        ("SIG Guest Languages: Python", datetime.date(2023, 4, 6)),
    }


def test_a_bad_file_is_reported_and_the_others_import(folder):
    (folder / "wasmtime" / "2023" / "wasmtime-04-13.md").write_bytes(b"# April 13\n\xff\n")
    (folder / "wasmtime" / "2023" / "wasmtime-04-27.md").write_text("   \n")
    data = run("import_meetings", str(folder))
    assert data["imported"] == 2
    assert [f["path"] for f in data["failed"]] == [
        "wasmtime/2023/wasmtime-04-13.md",
        "wasmtime/2023/wasmtime-04-27.md",
    ]
    assert "not valid UTF-8 (line 2" in data["failed"][0]["error"]
    assert "empty" in data["failed"][1]["error"]


def test_import_meetings_with_dry_run_writes_nothing(folder):
    data = run("import_meetings", str(folder), "--dry-run")
    assert data["imported"] == 2 and data["dry_run"] is True
    assert set(counts().values()) == {0}


def test_importing_a_folder_twice_updates_instead_of_duplicating(folder):
    run("import_meetings", str(folder))
    first = counts()
    data = run("import_meetings", str(folder))
    assert (data["created"], data["updated"]) == (0, 2)
    assert counts() == first


def test_a_single_import_and_a_folder_import_find_the_same_meeting(folder):
    run("import_meeting", str(folder / "wasmtime" / "2023" / "wasmtime-03-30.md"))
    run("import_meetings", str(folder))
    assert Meeting.objects.filter(series__name="Wasmtime").count() == 1


def test_importing_a_series_or_a_year_folder_finds_the_same_meetings(folder):
    run("import_meetings", str(folder))
    first = counts()
    for part in (folder / "wasmtime", folder / "wasmtime" / "2023"):
        data = run("import_meetings", str(part))
        assert (data["created"], data["updated"], data["skipped"]) == (0, 1, data["skipped"])
    assert counts() == first
    assert set(Meeting.objects.values_list("series__name", flat=True)) == {
        "Wasmtime",
        "SIG Guest Languages: Python",
    }


def test_a_missing_folder_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        call_command("import_meetings", str(tmp_path / "nowhere"), stdout=io.StringIO())


# save_meeting -----------------------------------------------------------------------------------

TEXT = """# Wasmtime project call

## Attendees
- Till Brennecke
- Nick Fallow

## Notes

### Shared WASI implementations

- **Till**: One crate per proposal; tracked as DR-0001, see RFC 6 and RFC 77.
- **Nick**: Testing is the strongest argument.

### Trampolines

- **Jamey**: The rework is mostly done.

## Action items

- [ ] Till: get the RFC written
- [x] Nick: turn on reviewer auto-assignment
"""


def test_saving_the_same_source_path_again_replaces_the_topics(series):
    first = save(TEXT, series, source_path="wasmtime/2023/call.md")
    shorter = TEXT.replace("### Trampolines\n\n- **Jamey**: The rework is mostly done.\n", "")
    again = save(shorter, series, source_path="wasmtime/2023/call.md")
    assert again.pk == first.pk and Meeting.objects.count() == 1
    assert list(again.topics.values_list("title", flat=True)) == ["Shared WASI implementations"]
    assert Remark.objects.count() == 2 and ActionItem.objects.count() == 2


def test_the_same_series_date_and_title_update_a_meeting_without_a_path(series):
    first = save(TEXT, series)
    assert save(TEXT, series).pk == first.pk and Meeting.objects.count() == 1


def test_speakers_are_matched_by_an_alias_in_any_case(series):
    till = make_person("Till Brennecke", aliases=["TILL"])
    save(TEXT, series)
    assert Remark.objects.get(speaker_name="Till").speaker == till


def test_a_first_name_only_one_person_has_is_matched():
    jamey = make_person("Jamey Cortland")
    assert match_people(["jamey", "Jamey C", "Nobody"]) == {"jamey": jamey, "Jamey C": jamey, "Nobody": None}


def test_a_first_name_two_people_share_matches_nobody():
    make_person("Chris Marwood")
    make_person("Chris Fallow")
    assert match_people(["Chris"]) == {"Chris": None}


def test_people_are_matched_by_slug_and_by_a_near_spelling():
    till = make_person("Till Brennecke")
    assert match_people(["till-brennecke", "Till Brenecke"]) == {
        "till-brennecke": till,
        "Till Brenecke": till,
    }


def test_unknown_names_become_people_with_the_written_name_as_alias(series):
    save(TEXT, series)
    jamey = Person.objects.get(name="Jamey")
    assert jamey.aliases == ["Jamey"] and jamey.slug == "jamey"
    assert Remark.objects.get(speaker_name="Jamey").speaker == jamey
    assert Person.objects.get(name="Till Brennecke").aliases == ["Till Brennecke"]


def test_unknown_names_stay_as_written_when_people_may_not_be_created(series):
    save(TEXT, series, create_people=False)
    assert Person.objects.count() == 0
    assert set(Remark.objects.values_list("speaker_name", flat=True)) == {"Till", "Nick", "Jamey"}
    assert set(ActionItem.objects.values_list("owner_name", flat=True)) == {"Till", "Nick"}


def test_a_new_persons_slug_does_not_clash_with_an_existing_one():
    make_person("Chris Marwood", slug="chris")
    index = PeopleIndex()
    first, second = index.create("Chris", ["Chris"]), index.create("Chris.", ["Chris."])
    assert (first.slug, second.slug) == ("chris-2", "chris-3")


def test_rfc_and_decision_mentions_that_exist_are_linked(series):
    rfc = make_rfc("Shared WASI implementations", number=6)
    decision = make_decision(number=1)
    meeting = save(TEXT, series)
    assert list(meeting.rfcs.all()) == [rfc]
    link = DecisionMeeting.objects.get()
    assert (link.decision, link.meeting, link.topic.title) == (
        decision,
        meeting,
        "Shared WASI implementations",
    )


def test_the_submitted_text_is_kept_byte_for_byte(series):
    text = "\ufeff" + TEXT.replace("\n", "\r\n") + "\t  \r\n"
    meeting = save(text, series)
    meeting.refresh_from_db()
    assert meeting.source_text == text
    assert meeting.topics.count() == 2


def test_a_failure_half_way_leaves_nothing_written(series, monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Remark.objects, "bulk_create", broken)
    before = counts()
    with pytest.raises(RuntimeError, match="disk full"):
        save(TEXT, series, source_path="wasmtime/2023/call.md")
    assert counts() == before


def test_edited_action_items_replace_the_parsed_ones(series):
    parsed = parse_meeting(TEXT)
    edited = [
        ParsedActionItem(
            owner="Till", text="get the RFC written", due=datetime.date(2023, 4, 15), done=False, line=0
        ),
        ParsedActionItem(owner="Victor", text="send the migration links", due=None, done=True, line=0),
    ]
    save_meeting(
        parsed, series=series, date=datetime.date(2023, 3, 30), source_text=TEXT, action_items=edited
    )
    rows = {item.text: item for item in ActionItem.objects.all()}
    assert set(rows) == {"get the RFC written", "send the migration links"}
    assert rows["get the RFC written"].due_on == datetime.date(2023, 4, 15)
    assert rows["send the migration links"].status == ActionItemStatus.DONE
    assert rows["send the migration links"].owner.name == "Victor"


def test_a_ticked_item_is_done_and_an_open_one_is_open(series):
    save(TEXT, series)
    assert dict(ActionItem.objects.values_list("owner_name", "status")) == {
        "Till": ActionItemStatus.OPEN,
        "Nick": ActionItemStatus.DONE,
    }


def test_the_submitter_is_recorded_when_the_meeting_is_created(series):
    author = get_user_model().objects.create_user("author")
    meeting = save(TEXT, series, user=author)
    assert meeting.submitted_by == author
    assert save(TEXT, series, user=get_user_model().objects.create_user("editor")).submitted_by == author


def test_markdown_is_rendered_for_topics_remarks_and_the_agenda(series):
    text = TEXT.replace("## Notes", "## Agenda\n\n1. **Shared** WASI\n\n## Notes")
    meeting = save(text, series)
    remark = Remark.objects.get(speaker_name="Nick")
    assert remark.text_html == markdown.render(remark.text)
    assert "<strong>Till</strong>" in meeting.topics.first().body_html
    assert "<strong>Shared</strong>" in meeting.agenda_html and meeting.source_html


def test_a_status_set_on_the_site_survives_a_reimport(series):
    save(TEXT, series, source_path="call.md")
    ActionItem.objects.filter(owner_name="Till").update(status=ActionItemStatus.DROPPED)
    save(TEXT, series, source_path="call.md")
    assert ActionItem.objects.get(owner_name="Till").status == ActionItemStatus.DROPPED


def test_a_decision_linked_to_a_topic_by_hand_survives_a_reimport(series):
    meeting = save(TEXT, series, source_path="call.md")
    decision = make_decision(number=7)
    DecisionMeeting.objects.create(
        decision=decision, meeting=meeting, topic=meeting.topics.get(title="Trampolines")
    )
    save(TEXT, series, source_path="call.md")
    assert DecisionMeeting.objects.get(decision=decision).topic.title == "Trampolines"


def test_a_decision_mention_removed_from_the_notes_is_unlinked_on_reimport(series):
    make_decision(number=1)
    save(TEXT, series, source_path="call.md")
    save(TEXT.replace("tracked as DR-0001, ", ""), series, source_path="call.md")
    assert DecisionMeeting.objects.count() == 0


def test_a_dry_run_shows_the_title_notes_without_one_will_get():
    assert (
        run("import_meeting", str(PYTHON), "--dry-run")["title"]
        == "SIG Guest Languages: Python, April 6, 2023"
    )


def test_import_meeting_given_a_folder_points_to_import_meetings():
    with pytest.raises(CommandError, match="import_meetings reads every notes file"):
        call_command("import_meeting", str(NOTES), stdout=io.StringIO())


def test_an_item_for_everyone_keeps_its_owner_as_written_and_makes_nobody_a_person(series):
    text = "# Call\n\n## Action items\n\n- all: review the phases PR\n- Radu: open the discussion\n"
    meeting = save(text, series)
    everyone = meeting.action_items.get(text="review the phases PR")
    assert (everyone.owner, everyone.owner_name) == (None, "all")
    assert list(Person.objects.values_list("name", flat=True)) == ["Radu"]
