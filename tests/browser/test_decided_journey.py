"""An editor pastes notes with a decision in them, sees it among the "Decisions found" in the
preview and opens a decision record from it: the new-decision form, in a new tab, comes prefilled
with the question, the options named in the discussion and the people who spoke. Both pages pass
axe-core at 1280 and 390 px and fit a phone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from decisions.models import Decision, Meeting, MeetingSeries, OwnerRole
from tests.browser.conftest import screenshot
from tests.browser.test_meeting_corrections_journey import axe_violations, htmx_post
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Where should shared implementations of new WASI APIs live?"
NOTES = f"""# Wasmtime project call

## Attendees

- Till Brennecke
- Nick Fallow
- Roman Petrakov

## Notes

### {QUESTION}

- **Till**: Several companies write host implementations in private. The open question is where it lives: in the wasmtime repo or outside.
- **Roman**: Could the CLI load implementations as dylibs at run time?
    - **Roman**: Then RPC: implementations run as a separate process.
- **Nick**: Testing is the strongest argument for in tree.
- **Till**: Will write an RFC that lays out the in-tree option and the alternatives.
- Outcome: no decision yet.
"""


@pytest.fixture
def editor():
    MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    make_person("Till Brennecke", aliases=["Till"])
    make_person("Nick Fallow", aliases=["Nick"])
    return User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


def look(page, name: str) -> None:
    """Screenshots at both widths, and a copy in /tmp/notes-decisions-shots/ to look at."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than {width}"
        assert axe_violations(page) == [], f"{name} at {width} px"
        path = screenshot(page, f"{name}-{width}")
        shots = Path("/tmp/notes-decisions-shots")
        shots.mkdir(exist_ok=True)
        shutil.copy(path, shots / path.name)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_decision_in_the_notes_opens_a_prefilled_decision_record(page, editor):
    page.goto("/accounts/login/?next=/meetings/new/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Series", exact=True).select_option(label="Wasmtime project call")
    page.get_by_label("Date").fill("2023-03-30")
    page.get_by_label("Notes", exact=True).fill(NOTES)
    htmx_post(page, page.get_by_role("button", name="Preview").click)

    found = page.locator(".decision-suggestion")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Calls for a decision")
    expect(found).to_contain_text("Till Brennecke: Will write an RFC that lays out the in-tree option")
    expect(found).to_contain_text("in-tree")
    expect(found).to_contain_text("dylib")
    expect(found).to_contain_text("RPC")
    look(page, "decisions-found-preview")

    with page.context.expect_page() as opened:
        found.get_by_role("link", name=re.compile("Open a decision record")).click()
    form = opened.value
    form.wait_for_load_state()
    expect(form.get_by_label("Question")).to_have_value(QUESTION)
    expect(form.get_by_label("Context and problem statement")).to_contain_text(
        "> **Till Brennecke**: Will write an RFC that lays out the in-tree option and the alternatives."
    )
    options = form.get_by_label("Options")
    for option in ("in-tree", "dylib", "RPC"):
        expect(options).to_contain_text(option)
    expect(form.get_by_label("Till Brennecke")).to_be_checked()
    expect(form.get_by_label("Nick Fallow")).to_be_checked()
    look(form, "decisions-found-form")

    form.get_by_label("Nick Fallow").uncheck()
    form.get_by_role("button", name="Create and add options").click()
    expect(form).to_have_url(re.compile(r"/decisions/\d+/edit/$"))
    decision = Decision.objects.get()
    assert decision.title == QUESTION
    assert "dylib" in set(decision.options.values_list("name", flat=True))
    assert set(
        decision.ownerships.filter(role=OwnerRole.CONTRIBUTOR).values_list("person__name", flat=True)
    ) == {"Till Brennecke"}
    assert not Meeting.objects.exists()  # the preview saved nothing; the notes are still there to save
    expect(page.locator(".decision-suggestion")).to_have_count(1)


def test_the_saved_meeting_page_offers_its_decision_too(page, editor):
    from decisions.meetings.parsing import parse_meeting
    from decisions.meetings.saving import save_meeting

    parsed = parse_meeting(NOTES, path="wasmtime/2023/wasmtime-03-30.md")
    series = MeetingSeries.objects.get()
    meeting = save_meeting(parsed, series=series, date=parsed.date, source_text=NOTES)
    page.goto(f"/accounts/login/?next={meeting.get_absolute_url()}")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    found = page.locator(".found-decision")
    expect(found).to_contain_text("Calls for a decision")
    look(page, "decisions-found-meeting")
    found.get_by_role("link", name=re.compile("Open a decision record from it")).click()
    expect(page.get_by_label("Question")).to_have_value(QUESTION)
    expect(page.get_by_text("Starting from the topic")).to_be_visible()
