"""An editor corrects the parser in the notes preview (a name, topics, action items), saves, and
finds on the meeting page exactly what the preview showed; the preview passes axe-core and fits
a 390 px screen."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from decisions.meetings import views
from decisions.meetings.parsing import ParsedActionItem, parse_meeting
from decisions.meetings.parsing.results import FOUND_INFERRED
from decisions.models import Meeting, MeetingSeries
from tests.browser.conftest import htmx_request, screenshot
from tests.factories import make_person
from tests.test_meeting_corrections import NOTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def with_suggestions(text: str, **kwargs: object):
    """The parse with two suggested items, as the parser guesses them from prose (that guessing is
    the parser's; this journey is about what the preview does with them)."""
    parsed = parse_meeting(text, **kwargs)
    for owner, words in [("Nick", "look into the flag names"), ("Till", "maybe ask the TSC")]:
        item = ParsedActionItem(owner=owner, text=words, line=16, found=FOUND_INFERRED, confidence=0.6)
        parsed.topics[0].suggested_items.append(item)
        parsed.suggested_items.append(item)
    return parsed


@pytest.fixture
def editor(monkeypatch):
    monkeypatch.setattr(views, "parse_meeting", with_suggestions)
    MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    make_person("Till Brennecke", aliases=["Till"])
    make_person("Nick Fallow", aliases=["Nick"])
    return User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


def axe_violations(page) -> list[dict]:
    source = (files("axe_playwright_python") / "axe.min.js").read_text()
    page.evaluate(
        source + "\n;0"
    )  # evaluated by the browser's debugger: the site's CSP allows no inline script
    return page.evaluate(
        "axe.run(document).then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)})))"
    )


def htmx_post(page, click) -> None:
    """Click a preview button once htmx has bound it (the preview before was swapped in by the
    last answer), and return once this answer is swapped in and bound in turn."""
    with htmx_request(page, "/meetings/new/", method="POST"):
        click()


def test_an_editor_corrects_the_preview_and_the_meeting_is_saved_as_shown(page, editor):
    page.goto("/accounts/login/?next=/meetings/new/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Series", exact=True).select_option(label="Wasmtime project call")
    page.get_by_label("Date").fill("2023-03-30")
    page.get_by_label("Notes", exact=True).fill(NOTES)
    htmx_post(page, page.get_by_role("button", name="Preview").click)
    preview = page.locator("#preview")
    attendees = preview.locator("#preview-attendees")
    expect(attendees).to_contain_text("Zoom")

    page.get_by_label("Who “Zoom” is").select_option(label="Not a person")
    htmx_post(page, preview.get_by_role("button", name="Apply name changes").click)
    expect(attendees).to_have_text(re.compile(r"^3: Till Brennecke, Nick Fallow, Victor \(new\)\s*$"))

    preview.get_by_label("Title of topic 1").fill("Shared WASI hosts")
    htmx_post(page, preview.get_by_role("button", name="Rename topic 1").click)
    htmx_post(page, preview.get_by_role("button", name="Drop topic “Release”").click)
    expect(preview.locator("summary strong")).to_have_text(["Shared WASI hosts"])

    items = preview.locator(".item-edits > li")
    # In the order of the notes: the two suggestions (line 16), then Till's and Victor's items.
    expect(items.nth(0)).to_contain_text("Suggested")
    htmx_post(page, preview.get_by_role("button", name="Accept action item 1").click)
    expect(items.nth(0)).to_contain_text("Accepted")
    htmx_post(page, preview.get_by_role("button", name="Dismiss action item 4").click)
    expect(items.nth(3)).to_contain_text("Dismissed")
    preview.get_by_label("Owner of the new action item").fill("Nick")
    preview.get_by_label("New action item", exact=True).fill("book the room")
    htmx_post(page, preview.get_by_role("button", name="Add", exact=True).click)
    expect(items.nth(4)).to_contain_text("Added")
    expect(preview.get_by_role("heading", name=re.compile("Action items"))).to_have_text(
        "Action items (3 to save)"
    )
    assert not Meeting.objects.exists()  # the preview wrote nothing

    assert axe_violations(page) == []
    screenshot(page, "meeting-corrections-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "meeting-corrections-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Save meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(page.get_by_role("heading", level=2, name="Shared WASI hosts")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Release")).to_have_count(0)
    meeting = Meeting.objects.get()
    assert sorted(p.name for p in meeting.attendees.all()) == ["Nick Fallow", "Till Brennecke", "Victor"]
    assert [(i.owner_name, i.text) for i in meeting.action_items.order_by("pk")] == [
        ("Nick", "look into the flag names"),
        ("Till", "get the RFC written"),
        ("Nick", "book the room"),
    ]
    saved = page.locator("section", has=page.get_by_role("heading", name="Action items"))
    expect(saved).to_contain_text("book the room")
    expect(saved).not_to_contain_text("maybe ask the TSC")
