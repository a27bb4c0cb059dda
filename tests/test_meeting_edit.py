"""/meetings/<pk>/edit/: correcting saved notes without losing statuses, other people's saves or data."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from decisions.meetings import saving as meetings_module
from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import (
    ActionItem,
    DecisionMeeting,
    Meeting,
    MeetingLink,
    MeetingSeries,
    Person,
    Remark,
    Topic,
)
from tests.factories import WASMTIME_NOTES, make_decision

pytestmark = pytest.mark.django_db

# The shared notes with a link and a second action item.
NOTES = (
    WASMTIME_NOTES.replace(
        "feature flag.\n\n## Action items",
        "feature flag.\n\nSee [the RFC draft](https://example.org/rfc-draft).\n\n## Action items",
    )
    + "- [ ] Nick F: check the feature flag names\n"
)

EDITED = NOTES.replace(
    "- **Nick F**: keep it in tree behind a feature flag.",
    "- **Nick F**: keep it in tree behind a feature flag, off by default.",
).replace(
    "See [the RFC draft](https://example.org/rfc-draft).",
    "See [the RFC](https://example.org/rfc-final).\n\n### Release process\n\n- **Till S**: cut 21.0 on the 20th.",
)


@pytest.fixture
def submitter() -> User:
    return User.objects.create_user("till", password="pw")


@pytest.fixture
def meeting(submitter) -> Meeting:
    series = MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    return save_meeting(
        parse_meeting(NOTES),
        series=series,
        date=datetime.date(2023, 3, 30),
        source_text=NOTES,
        user=submitter,
    )


@pytest.fixture
def signed_in(client, submitter):
    client.force_login(submitter)
    return client


def edit_url(meeting: Meeting) -> str:
    return reverse("decisions:meeting-edit", args=[meeting.pk])


def post(
    client,
    meeting: Meeting,
    notes: str,
    *,
    version: int | None = None,
    action: str = "save",
    headers: dict | None = None,
    **extra,
):
    data = {
        "series": meeting.series_id,
        "date": meeting.date.isoformat(),
        "title": meeting.title,
        "notes": notes,
        "version": meeting.version if version is None else version,
        "action": action,
        **extra,
    }
    return client.post(edit_url(meeting), data, headers=headers or {})


def snapshot() -> dict:
    """Everything an edit could touch, as plain values, to compare before and after."""
    return {
        "meetings": list(
            Meeting.objects.order_by("pk").values_list(
                "pk", "series_id", "date", "title", "source_text", "source_html", "version"
            )
        ),
        "topics": list(
            Topic.objects.order_by("pk").values_list("pk", "meeting_id", "order", "title", "body")
        ),
        "remarks": list(Remark.objects.order_by("pk").values_list("pk", "topic_id", "speaker_id", "text")),
        "items": list(ActionItem.objects.order_by("pk").values_list("pk", "owner_name", "text", "status")),
        "links": list(MeetingLink.objects.order_by("pk").values_list("pk", "url", "text")),
        "attendees": list(
            Meeting.attendees.through.objects.order_by("pk").values_list("meeting_id", "person_id")
        ),
        "people": list(Person.objects.order_by("pk").values_list("pk", "name", "aliases")),
        "discussions": list(DecisionMeeting.objects.order_by("pk").values_list("decision_id", "topic_id")),
    }


def textarea(body: str, name: str = "notes") -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', body, re.S)
    assert match, f"no {name} textarea"
    return unescape(match[1])


# Who sees and opens the editor ------------------------------------------------------------------


def test_the_submitter_sees_the_edit_link_and_the_notes_in_the_form(signed_in, meeting):
    page = signed_in.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{edit_url(meeting)}"' in page
    response = signed_in.get(edit_url(meeting))
    body = response.content.decode()
    assert response.status_code == 200
    assert textarea(body) == NOTES
    assert '<input type="hidden" name="version" value="1"' in body
    assert '<label for="id_notes">Notes</label>' in body and "Save changes" in body


def test_strangers_get_no_link_and_no_editor(client, meeting):
    assert f'href="{edit_url(meeting)}"' not in client.get(meeting.get_absolute_url()).content.decode()
    assert client.get(edit_url(meeting))["Location"].startswith("/accounts/login/")
    client.force_login(User.objects.create_user("outsider", password="pw"))
    assert f'href="{edit_url(meeting)}"' not in client.get(meeting.get_absolute_url()).content.decode()
    assert client.get(edit_url(meeting)).status_code == 403


def test_an_attendee_may_edit_the_notes(client, meeting):
    user = User.objects.create_user("nick", password="pw")
    Person.objects.filter(name="Nick F").update(user=user)
    client.force_login(user)
    assert client.get(edit_url(meeting)).status_code == 200


# Saving -----------------------------------------------------------------------------------------


def test_saving_reparses_the_notes_and_the_page_shows_the_new_structure(signed_in, meeting):
    response = post(signed_in, meeting, EDITED)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.source_text == EDITED and meeting.version == 2
    assert list(meeting.topics.values_list("title", flat=True)) == [
        "Shared WASI implementations",
        "Release process",
    ]
    assert Remark.objects.filter(text="keep it in tree behind a feature flag, off by default.").exists()
    assert list(meeting.links.values_list("url", flat=True)) == ["https://example.org/rfc-final"]
    page = signed_in.get(meeting.get_absolute_url()).content.decode()
    assert "Release process" in page and "cut 21.0 on the 20th." in page
    assert "Saved your changes" in page
    assert "rfc-draft" not in page


def test_a_done_action_item_stays_done_and_a_reworded_one_starts_open(signed_in, meeting):
    ActionItem.objects.filter(text="write the RFC").update(status="done")
    ActionItem.objects.filter(text="check the feature flag names").update(status="dropped")
    reworded = EDITED.replace("check the feature flag names", "check the feature flag names twice")
    assert post(signed_in, meeting, reworded).status_code == 302
    statuses = dict(meeting.action_items.values_list("text", "status"))
    assert statuses == {"write the RFC": "done", "check the feature flag names twice": "open"}


def test_a_topic_linked_to_a_decision_on_the_site_keeps_its_link(signed_in, meeting):
    decision = make_decision(number=7)
    DecisionMeeting.objects.create(decision=decision, meeting=meeting, topic=meeting.topics.get())
    assert post(signed_in, meeting, EDITED).status_code == 302
    link = DecisionMeeting.objects.get(decision=decision)
    assert link.topic.title == "Shared WASI implementations" and link.topic.meeting_id == meeting.pk


def test_changing_the_title_and_date_moves_the_meeting(signed_in, meeting):
    response = post(signed_in, meeting, NOTES, title="Wasmtime call (rescheduled)", date="2023-03-31")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.date) == ("Wasmtime call (rescheduled)", datetime.date(2023, 3, 31))
    assert Meeting.objects.count() == 1


def test_moving_the_notes_to_a_day_the_series_already_met_is_refused(signed_in, meeting):
    other = Meeting.objects.create(
        series=meeting.series, date=datetime.date(2023, 4, 6), title="Cranelift side call"
    )
    before = snapshot()
    response = post(signed_in, meeting, NOTES, date="2023-04-06")
    body = unescape(response.content.decode())
    assert response.status_code == 422
    assert "already has a meeting on this date (“Cranelift side call”" in body
    assert f"/meetings/{other.pk}/" in body
    assert snapshot() == before


# Preview ----------------------------------------------------------------------------------------


def test_the_preview_shows_what_will_be_saved_and_writes_nothing(signed_in, meeting):
    ActionItem.objects.filter(text="write the RFC").update(status="done")
    before = snapshot()
    response = post(signed_in, meeting, EDITED, action="preview", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="preview"')
    assert "Topics (2)" in body and re.search(
        r"<strong>Release process</strong>\s*<span[^>]*>1 remark<", body
    )
    item = re.search(
        r'<li class="item-found">((?:(?!</li>).)*value="write the RFC"(?:(?!</li>).)*)</li>', body, re.S
    )
    assert "keeps its status" in item[1] and 'status-done">Done</span>' in item[1]
    assert snapshot() == before


# Refusals that keep what was typed --------------------------------------------------------------


def test_a_stale_save_is_refused_with_409_and_the_text_is_kept(signed_in, meeting):
    theirs = Client()
    theirs.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    assert post(theirs, meeting, EDITED, version=1).status_code == 302  # they saved first

    mine = NOTES + "\n### My own addition\n\n- **Till S**: typed for a long time.\n"
    before = snapshot()
    response = post(signed_in, meeting, mine, version=1)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved these notes after you opened them" in body
    assert textarea(body) == mine  # nothing typed is lost
    assert "cut 21.0 on the 20th." in body  # and their version is shown to merge from
    assert '<input type="hidden" name="version" value="2"' in body
    assert snapshot() == before

    # Saving again from the refused form (now at their version) goes through.
    assert post(signed_in, meeting, mine, version=2).status_code == 302
    assert meeting.topics.filter(title="My own addition").exists()


def test_an_import_over_the_meeting_makes_an_open_editor_stale(signed_in, meeting):
    save_meeting(parse_meeting(EDITED), series=meeting.series, date=meeting.date, source_text=EDITED)
    assert Meeting.objects.get().version == 2
    assert post(signed_in, meeting, NOTES, version=1).status_code == 409


def test_a_nul_character_is_refused_with_its_line_and_nothing_is_written(signed_in, meeting):
    before = snapshot()
    broken = NOTES.replace("several hosts", "several\x00 hosts")
    response = post(signed_in, meeting, broken)
    body = response.content.decode()
    assert response.status_code == 422
    line = broken[: broken.index("\x00")].count("\n") + 1
    assert f"Line {line} contains a NUL character" in body
    assert snapshot() == before


def test_empty_notes_are_refused_with_the_reason_and_nothing_is_written(signed_in, meeting):
    before = snapshot()
    response = post(signed_in, meeting, "  \n\n")
    assert response.status_code == 422
    assert "The notes are empty" in response.content.decode()
    assert snapshot() == before


def test_notes_over_the_size_limit_are_refused(signed_in, meeting, settings):
    settings.MARKDOWN_MAX_BYTES = 2048
    before = snapshot()
    response = post(signed_in, meeting, NOTES + "- more\n" * 400)
    assert response.status_code == 422
    assert "the limit is 2 KB" in response.content.decode()
    assert snapshot() == before


def test_a_failure_in_the_middle_of_the_save_leaves_everything_as_it_was(signed_in, meeting, monkeypatch):
    ActionItem.objects.filter(text="write the RFC").update(status="done")
    before = snapshot()

    def broken_links(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # Topics, remarks and action items are already replaced when the links fail.
    monkeypatch.setattr(meetings_module, "_save_links", broken_links)
    with pytest.raises(RuntimeError, match="the disk is full"):
        post(signed_in, meeting, EDITED.replace("Nick F", "Newcomer N"))
    assert snapshot() == before
    monkeypatch.undo()
    assert post(signed_in, meeting, EDITED).status_code == 302  # the version was not used up
