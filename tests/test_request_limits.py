"""How much one request and one meeting may hold: refused early, and said clearly.

A 200 MB upload was read whole before an anonymous visitor was sent to sign in, and notes with
15,000 topics previewed for 10 s and then could never be saved.
"""

from __future__ import annotations

import datetime
import io

import html5lib
import pytest
from django.contrib.auth.models import User
from django.test import Client

from decisions.meetings.limits import MAX_ACTION_ITEMS, MAX_TOPICS
from decisions.models import Meeting, MeetingSeries

pytestmark = pytest.mark.django_db


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test as soon as anything reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        raise AssertionError("the request body was read")


def test_a_huge_post_by_an_anonymous_visitor_is_refused_without_reading_its_body():
    client = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check reads the form
    response = client.generic(
        "POST",
        "/meetings/new/",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "What you sent is too large" in body and "This request is 200.0 MB" in body
    assert 'class="site-header"' in body  # the site's own page, not a bare error


def test_a_request_within_the_limit_reaches_the_page():
    response = Client().post("/meetings/new/", {"notes": "x" * 1000})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.fixture
def editor(client) -> MeetingSeries:
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    return MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime")


def notes_with(topics: int = 1, items: int = 0) -> str:
    text = "# Call\n\n" + "".join(f"## Topic {i}\n\n- **Till S**: point {i}\n\n" for i in range(topics))
    if items:
        text += "## Action items\n\n" + "".join(f"- [ ] Till S: task {i}\n" for i in range(items))
    return text


def test_notes_with_more_topics_than_a_meeting_holds_are_refused_at_preview(client, editor):
    notes = notes_with(topics=MAX_TOPICS + 1)
    response = client.post("/meetings/new/", {"series": editor.pk, "date": "2023-03-30", "notes": notes})
    assert response.status_code == 422
    assert f"These notes have {MAX_TOPICS + 1:,} topics; a meeting holds at most {MAX_TOPICS:,}." in (
        response.content.decode()
    )
    assert "Topic 1</" not in response.content.decode()  # nothing previewed that cannot be saved


def test_notes_with_more_action_items_than_a_meeting_holds_are_refused_at_preview(client, editor):
    notes = notes_with(items=MAX_ACTION_ITEMS + 1)
    response = client.post("/meetings/new/", {"series": editor.pk, "date": "2023-03-30", "notes": notes})
    assert response.status_code == 422
    assert f"These notes have {MAX_ACTION_ITEMS + 1:,} action items; a meeting holds at most" in (
        response.content.decode()
    )


def test_an_edit_that_grows_past_the_limit_is_refused_and_changes_nothing(client, editor):
    from decisions.meetings.parsing import parse_meeting
    from decisions.meetings.saving import save_meeting

    text = notes_with(topics=2)
    meeting = save_meeting(
        parse_meeting(text), series=editor, date=datetime.date(2023, 3, 30), source_text=text
    )
    data = {"series": editor.pk, "date": "2023-03-30", "title": meeting.title, "version": meeting.version,
            "notes": notes_with(topics=MAX_TOPICS + 1), "action": "save"}  # fmt: skip
    response = client.post(f"/meetings/{meeting.pk}/edit/", data)
    assert response.status_code == 422
    assert "a meeting holds at most" in response.content.decode()
    assert Meeting.objects.get().topics.count() == 2


def preview_fields(html: str) -> dict[str, str]:
    """Every field of the page's form as a browser submits it (no button pressed)."""
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    data = {}
    for field in tree.iter("input"):
        name, kind = field.get("name"), field.get("type", "text")
        if (
            name
            and kind not in {"file", "submit"}
            and (kind != "checkbox" or field.get("checked") is not None)
        ):
            data[name] = field.get("value", "on" if kind == "checkbox" else "")
    for field in tree.iter("textarea"):
        data[field.get("name")] = field.text or ""
    for field in tree.iter("select"):
        options = list(field.iter("option"))
        chosen = [o for o in options if o.get("selected") is not None] or options[:1]
        if chosen:
            data[field.get("name")] = chosen[0].get("value", chosen[0].text or "")
    return data


def test_a_meeting_with_as_many_action_items_as_allowed_is_saved_as_a_browser_sends_it(client, editor):
    notes = notes_with(items=MAX_ACTION_ITEMS)
    preview = client.post("/meetings/new/", {"series": editor.pk, "date": "2023-03-30", "notes": notes})
    assert preview.status_code == 200
    data = preview_fields(preview.content.decode())
    assert sum(name.endswith("-text") and name.startswith("item-") for name in data) == MAX_ACTION_ITEMS
    response = client.post("/meetings/new/", {**data, "notes": notes, "action": "save"})
    assert response.status_code == 302, response.status_code
    assert Meeting.objects.get().action_items.count() == MAX_ACTION_ITEMS


@pytest.mark.parametrize(
    ("notes", "said"),
    [
        (
            "# Call\n\n" + "## T\n\n- **A**: x\n\n" * 15_000,
            "These notes have 15,001 headings; a meeting holds at most 500 topics.",
        ),
        ("# Call\n\n## T\n\n" + "- **A**: r\n" * 40_000, "These notes have 40,000 list items;"),
    ],
    ids=["15,000 topics", "40,000 remarks"],
)
def test_notes_far_past_the_limits_are_refused_before_they_are_parsed(client, editor, notes, said):
    from unittest import mock

    with mock.patch("decisions.meetings.views.parse_meeting") as parse:
        response = client.post("/meetings/new/", {"series": editor.pk, "date": "2023-03-30", "notes": notes})
    assert response.status_code == 422
    assert said in response.content.decode()
    assert parse.call_count == 0


def test_import_meeting_refuses_a_notes_file_with_more_action_items_than_a_meeting_holds(tmp_path):
    from django.core.management import CommandError, call_command

    notes = tmp_path / "2024-03-05.md"
    items = "".join(f"- AI (Till): item {n}\n" for n in range(MAX_ACTION_ITEMS + 1))
    notes.write_text(f"# Call\n\n## Topic\n\n{items}")
    with pytest.raises(CommandError, match="action items"):
        call_command("import_meeting", str(notes), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Meeting.objects.exists()
