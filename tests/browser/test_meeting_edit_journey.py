"""Whoever submitted a meeting's notes corrects them: edit, preview, save, see the new topic."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import ActionItem, Meeting, MeetingSeries
from tests.browser.conftest import htmx_request, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = """# Wasmtime project call

## Attendees

- Till S
- Nick F

## Notes

### Shared WASI implementations

- **Till S**: several hosts need the same wasi-http glue.
- **Nick F**: keep it in tree behind a feature flag.

## Action items

- [ ] Till S: write the RFC
"""

ADDED = """
### Release process

- **Till S**: cut 21.0 on the 20th.
"""


@pytest.fixture
def meeting() -> Meeting:
    """Notes submitted by an ordinary account (no editor permissions), whose item is already done."""
    submitter = User.objects.create_user("till", password="a-long-test-password")
    series = MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    meeting = save_meeting(
        parse_meeting(NOTES),
        series=series,
        date=datetime.date(2023, 3, 30),
        source_text=NOTES,
        user=submitter,
    )
    ActionItem.objects.filter(meeting=meeting).update(status="done")
    return meeting


def test_the_submitter_edits_the_notes_previews_and_saves(page, meeting):
    page.goto(f"/accounts/login/?next=/meetings/{meeting.pk}/")
    page.get_by_label("Username").fill("till")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Edit notes").click()
    expect(page.get_by_role("heading", name="Edit meeting notes")).to_be_visible()
    notes = page.get_by_label("Notes", exact=True)
    expect(notes).to_have_value(NOTES)
    notes.fill(NOTES.replace("## Action items", ADDED.strip() + "\n\n## Action items"))

    with htmx_request(page, lambda url: url.endswith(f"/meetings/{meeting.pk}/edit/"), method="POST"):
        page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="What will be saved")
    expect(preview).to_contain_text("Topics (2)")
    expect(preview).to_contain_text("Release process 1 remark")
    item = preview.locator(".item-edits > li", has=page.locator('input[value="write the RFC"]'))
    expect(item).to_contain_text("keeps its status Done")  # its status survives the save
    screenshot(page, "meeting-edit-preview")
    assert not meeting.topics.filter(title="Release process").exists()  # the preview wrote nothing

    save = page.get_by_role("button", name="Save changes")
    save.focus()
    page.keyboard.press("Enter")  # the whole form works from the keyboard
    expect(page).to_have_url(f"{page.url.split('/meetings/')[0]}/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", level=2, name="Release process")).to_be_visible()
    expect(page.get_by_text("Saved your changes")).to_be_visible()
    items = page.locator("section", has=page.get_by_role("heading", name="Action items"))
    expect(items).to_contain_text("Done")
    screenshot(page, "meeting-edit-saved")
    assert ActionItem.objects.get(meeting=meeting).status == "done"
    assert Meeting.objects.get(pk=meeting.pk).version == 2
