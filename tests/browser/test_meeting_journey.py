"""An editor pastes meeting notes, corrects an action item in the preview, saves, and closes it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from decisions.models import ActionItem, Meeting, MeetingSeries
from tests.browser.conftest import htmx_request, screenshot
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = """# Wasmtime project call

## Attendees

- Till
- Nick
- Victor

## Notes

### Where should shared WASI implementations live?

- **Till**: several of us are writing wasi-http hosts; we should share one.
- **Nick**: keep it in tree behind a feature flag, like RFC 6 says.
    - **Victor**: Kubernetes moved volume plugins out of tree and it took years.

## Action items

- [ ] Till: get the RFC written
- [ ] Victor: send the Kubernetes in-tree/out-of-tree history
"""


@pytest.fixture
def editor():
    MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    make_person("Till Brennecke", aliases=["Till"])
    make_person("Nick Fallow", aliases=["Nick"])
    return User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


def test_an_editor_submits_notes_fixes_an_owner_and_closes_the_item(page, editor):
    page.goto("/accounts/login/?next=/meetings/new/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Submit meeting notes")).to_be_visible()

    page.get_by_label("Series", exact=True).select_option(label="Wasmtime project call")
    page.get_by_label("Date").fill("2023-03-30")
    page.get_by_label("Notes", exact=True).fill(NOTES)
    with htmx_request(page, "/meetings/new/", method="POST"):
        page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Topics (1)")
    expect(preview).to_contain_text("Where should shared WASI implementations live? 3 remarks")
    expect(preview.locator("#preview-attendees")).to_contain_text("Victor (new)")
    owner = preview.get_by_label("Owner of action item 2")
    expect(owner).to_have_value("Victor")
    owner.fill("Nick")
    screenshot(page, "meeting-preview")
    assert not Meeting.objects.exists()  # the preview wrote nothing

    page.get_by_role("button", name="Save meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(
        page.get_by_role("heading", level=2, name="Where should shared WASI implementations live?")
    ).to_be_visible()
    items = page.locator("section", has=page.get_by_role("heading", name="Action items"))
    expect(items).to_contain_text("Nick Fallow: send the Kubernetes in-tree/out-of-tree history")
    screenshot(page, "meeting-detail")

    item = ActionItem.objects.get(text__icontains="Kubernetes")
    assert item.owner.name == "Nick Fallow"
    row = page.locator(f"#action-item-{item.pk}")
    # In place by htmx (the page has just loaded: htmx_request waits for it to bind the form).
    with htmx_request(page, lambda url: url.endswith(f"/action-items/{item.pk}/status/"), method="POST"):
        row.get_by_role("button", name="Mark done").click()
    expect(page.locator(f"#action-item-{item.pk}")).to_contain_text("Done")
    item.refresh_from_db()
    assert item.status == "done"
    assert Meeting.objects.get().source_text == NOTES
