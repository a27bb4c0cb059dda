"""/meetings/new/: notes for a series and day that already have their meeting update it, never a second."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth.models import User

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import ActionItem, Meeting, MeetingSeries
from tests.factories import WASMTIME_NOTES

pytestmark = pytest.mark.django_db

URL = "/meetings/new/"
DAY = datetime.date(2023, 3, 30)
# The same call, written up again: a topic and an action item more, one line changed.
AGAIN = (
    WASMTIME_NOTES.replace(
        "keep it in tree behind a feature flag.", "keep it in tree behind a feature flag, off by default."
    ).replace(
        "## Action items\n",
        "### Release process\n\n- **Till S**: cut 21.0 on the 20th.\n\n## Action items\n",
    )
    + "- [ ] Nick F: draft the release notes\n"
)


@pytest.fixture
def series() -> MeetingSeries:
    return MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")


@pytest.fixture
def editor(client) -> User:
    user = User.objects.create_superuser("editor", password="pw")
    client.force_login(user)
    return user


def form(series: MeetingSeries, notes: str, action: str = "preview", **extra: str) -> dict[str, str]:
    """What a browser sends: the fields, and no corrections made in the preview."""
    data = {
        "series": str(series.pk), "date": DAY.isoformat(), "notes": notes, "action": action, "corrections": "",
    }  # fmt: skip
    return data | extra


def hidden(body: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', body)
    assert found, f"no {name} in the page"
    return found[1]


def saved_once(client, series: MeetingSeries, notes: str) -> Meeting:
    response = client.post(URL, form(series, notes, "save"))
    assert response.status_code == 302, unescape(response.content.decode())[:3000]
    return Meeting.objects.get()


def test_the_preview_of_notes_for_a_day_with_a_meeting_shows_it_and_what_would_change(client, editor, series):
    meeting = saved_once(client, series, WASMTIME_NOTES)
    response = client.post(URL, form(series, AGAIN, title="Wasmtime call, again"))
    body = unescape(response.content.decode())
    assert response.status_code == 200
    assert "This meeting is already on the site" in body
    assert f'href="/meetings/{meeting.pk}/"' in body
    assert "Update the existing meeting" in body and "Save meeting</button>" not in body
    assert "<del>Wasmtime project call</del>" in body and "<ins>Wasmtime call, again</ins>" in body
    assert "added:</span> Release process" in body
    assert "added:</span> Nick F: draft the release notes" in body
    assert '+6</span> <span class="diffstat-del">−1</span> lines' in body
    assert "+- **Nick F**: keep it in tree behind a feature flag, off by default." in body  # the diff
    assert Meeting.objects.get().version == meeting.version  # the preview wrote nothing


def test_pasting_the_same_series_and_day_twice_updates_the_one_meeting(client, editor, series):
    meeting = saved_once(client, series, WASMTIME_NOTES)
    preview = client.post(URL, form(series, AGAIN, title="Wasmtime call, again")).content.decode()
    response = client.post(
        URL,
        form(series, AGAIN, "save", title="Wasmtime call, again",
             update_meeting=hidden(preview, "update_meeting"), update_version=hidden(preview, "update_version")),
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain == [(f"/meetings/{meeting.pk}/", 302)]
    assert f"Updated the notes of {series.name}, 2023-03-30" in response.content.decode()
    updated = Meeting.objects.get()
    assert (updated.pk, updated.title, updated.source_text) == (meeting.pk, "Wasmtime call, again", AGAIN)
    assert list(updated.topics.values_list("title", flat=True)) == [
        "Shared WASI implementations",
        "Release process",
    ]
    assert ActionItem.objects.count() == 2


def test_a_status_set_on_the_site_survives_an_update_from_pasted_notes(client, editor, series):
    saved_once(client, series, WASMTIME_NOTES)
    ActionItem.objects.update(status="done")
    preview = client.post(URL, form(series, AGAIN)).content.decode()
    client.post(URL, form(series, AGAIN, "save", update_meeting=hidden(preview, "update_meeting"),
                          update_version=hidden(preview, "update_version")))  # fmt: skip
    assert ActionItem.objects.get(text="write the RFC").status == "done"


def test_saving_notes_for_a_day_with_a_meeting_without_seeing_it_is_refused(client, editor, series):
    meeting = saved_once(client, series, WASMTIME_NOTES)
    response = client.post(URL, form(series, AGAIN, "save", title="Another title"))
    body = unescape(response.content.decode())
    assert response.status_code == 409
    assert "This series already has a meeting on this date, so nothing was saved" in body
    assert "Update the existing meeting" in body and "added:</span> Release process" in body
    assert Meeting.objects.get().source_text == WASMTIME_NOTES and Meeting.objects.get().pk == meeting.pk


def test_a_double_submit_of_new_notes_makes_one_meeting_and_leads_to_it(client, editor, series):
    first = client.post(URL, form(series, WASMTIME_NOTES, "save"))
    second = client.post(URL, form(series, WASMTIME_NOTES, "save"), follow=True)
    meeting = Meeting.objects.get()
    assert first["Location"] == f"/meetings/{meeting.pk}/"
    assert second.redirect_chain == [(f"/meetings/{meeting.pk}/", 302)]
    assert "already saved as the notes of" in second.content.decode()
    assert meeting.version == 1 and ActionItem.objects.count() == 1


def test_a_double_submit_of_an_update_saves_it_once(client, editor, series):
    meeting = saved_once(client, series, WASMTIME_NOTES)
    preview = client.post(URL, form(series, AGAIN)).content.decode()
    update = form(series, AGAIN, "save", update_meeting=hidden(preview, "update_meeting"),
                  update_version=hidden(preview, "update_version"))  # fmt: skip
    assert client.post(URL, update).status_code == 302
    again = client.post(URL, update)  # the same version: the first click moved the meeting past it
    assert again.status_code == 302 and again["Location"] == f"/meetings/{meeting.pk}/"
    assert Meeting.objects.get().version == meeting.version + 1
    assert ActionItem.objects.count() == 2


def test_an_update_over_a_meeting_someone_saved_since_the_preview_is_refused(client, editor, series):
    meeting = saved_once(client, series, WASMTIME_NOTES)
    preview = client.post(URL, form(series, AGAIN)).content.decode()
    theirs = WASMTIME_NOTES.replace("write the RFC", "write the RFC by Friday")
    save_meeting(parse_meeting(theirs), series=series, date=DAY, source_text=theirs, meeting=meeting)
    response = client.post(URL, form(series, AGAIN, "save", update_meeting=hidden(preview, "update_meeting"),
                                     update_version=hidden(preview, "update_version")))  # fmt: skip
    body = unescape(response.content.decode())
    assert response.status_code == 409
    assert "Someone saved this meeting after your preview, so nothing was saved" in body
    assert "removed:</span> Till S: write the RFC by Friday" in body  # against the meeting as it is now
    assert hidden(body, "update_version") == str(meeting.version + 1)
    assert Meeting.objects.get().source_text == theirs


def test_htmx_previews_swap_in_the_existing_meeting_and_the_update_button(client, editor, series):
    saved_once(client, series, WASMTIME_NOTES)
    body = client.post(URL, form(series, AGAIN), headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="preview"')
    assert '<div id="meeting-exists" hx-swap-oob="true">' in body
    assert re.search(
        r'<button[^>]*id="save-button" hx-swap-oob="true">Update the existing meeting</button>', body
    )
    other_day = client.post(URL, form(series, AGAIN, date="2023-04-06"), headers={"HX-Request": "true"})
    assert re.search(r'id="save-button" hx-swap-oob="true">Save meeting</button>', other_day.content.decode())
    assert '<div id="meeting-exists" hx-swap-oob="true">\n\n</div>' in other_day.content.decode()


def test_a_second_meeting_that_day_is_made_only_when_a_person_names_its_session(client, editor, series):
    first = saved_once(client, series, WASMTIME_NOTES)
    preview = client.post(URL, form(series, AGAIN, session="evening")).content.decode()
    assert "These notes will be saved as the “evening” session of that day" in unescape(preview)
    response = client.post(URL, form(series, AGAIN, "save", session="evening"))
    evening = Meeting.objects.exclude(pk=first.pk).get()
    assert response["Location"] == f"/meetings/{evening.pk}/"
    assert (evening.session, str(evening)) == ("evening", "Wasmtime project call, 2023-03-30 (evening)")
    assert Meeting.objects.get(pk=first.pk).source_text == WASMTIME_NOTES


def test_notes_saved_by_someone_else_for_that_day_during_the_save_are_not_duplicated(
    client, editor, series, monkeypatch
):
    from decisions.meetings import views

    real = views.existing_meeting
    lookups = iter([None])  # the view looked before the other save committed; the save looks again
    monkeypatch.setattr(views, "existing_meeting", lambda *a, **k: next(lookups, None) or real(*a, **k))
    theirs = save_meeting(parse_meeting(WASMTIME_NOTES), series=series, date=DAY, source_text=WASMTIME_NOTES)
    response = client.post(URL, form(series, AGAIN, "save"))
    assert response.status_code == 409
    assert "This series already has a meeting on this date, so nothing was saved" in unescape(
        response.content.decode()
    )
    assert list(Meeting.objects.values_list("pk", "source_text")) == [(theirs.pk, WASMTIME_NOTES)]
