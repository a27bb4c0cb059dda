"""An editor builds a decision record in the browser and downloads it as Markdown."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from decisions.models import Assessment, Decision
from tests.browser.conftest import htmx_request, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor():
    return User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


def sign_in(page) -> None:
    page.goto("/accounts/login/?next=/decisions/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as editor")).to_be_visible()


def editor_request(page):
    """One matrix change, answered by htmx and swapped in (the first one right after the page
    loaded too: htmx_request waits for htmx to bind the editor before acting)."""
    return htmx_request(page, lambda url: url.endswith("/matrix/"))


def test_an_editor_builds_a_decision_and_downloads_it(page, editor, tmp_path):
    sign_in(page)
    page.get_by_role("link", name="New decision").click()
    page.get_by_label("Question").fill("Which interpreter do we ship without a JIT?")
    page.get_by_label("Context and problem statement").fill("Some platforms forbid **JIT** compilation.")
    page.get_by_role("button", name="Create and add options").click()
    expect(page).to_have_url(re.compile(r"/decisions/1/edit/$"))
    marker = page.evaluate("() => (window.__sameDocument = 'yes')")  # survives only without reloads

    editor = page.locator("#matrix-editor")
    for name in ("Pulley interpreter", "Wasm3 embedding", "No interpreter"):
        with editor_request(page):
            editor.get_by_label("Option", exact=True).fill(name)
            editor.get_by_role("button", name="Add option").click()
        expect(editor.get_by_role("status")).to_contain_text(f"Added the option “{name}”")
    for name, weight in (("Maintenance cost", "4"), ("Speed", "2")):
        with editor_request(page):
            editor.get_by_label("Criterion", exact=True).fill(name)
            editor.get_by_label("Weight (0–10)").fill(weight)
            editor.get_by_role("button", name="Add criterion").click()
        expect(editor.get_by_role("status")).to_contain_text(f"Added the criterion “{name}”")

    ratings = {
        ("Pulley interpreter", "Maintenance cost"): ("2", "We own it, one codebase"),
        ("Pulley interpreter", "Speed"): ("1", ""),
        ("Wasm3 embedding", "Maintenance cost"): ("-2", "A C dependency to audit"),
        ("Wasm3 embedding", "Speed"): ("2", "Fast today"),
        ("No interpreter", "Maintenance cost"): ("0", ""),
        ("No interpreter", "Speed"): ("-2", "Nothing runs"),
    }
    for (option, criterion), (rating, note) in ratings.items():
        with editor_request(page):
            editor.get_by_label(f"Rating of {option} on {criterion}").select_option(rating)
        if note:
            with editor_request(page):
                editor.get_by_label(f"Note on {option} and {criterion}").fill(note)
                editor.get_by_label(f"Note on {option} and {criterion}").press("Enter")
    expect(editor.get_by_role("status")).to_contain_text("Rated “No interpreter” on Speed: Strongly against")
    assert Assessment.objects.count() == 6

    with editor_request(page):
        editor.get_by_label("Chosen option").select_option(label="Pulley interpreter (+10)")
        editor.get_by_label("Status").select_option("accepted")
        editor.get_by_role("button", name="Save outcome").click()
    expect(editor.get_by_role("status")).to_contain_text("Outcome saved: “Pulley interpreter”, accepted.")
    assert page.evaluate("() => window.__sameDocument") == marker  # no full reload happened
    screenshot(page, "decision-editor")

    page.get_by_role("link", name="View the record").click()
    rationale = page.locator("section", has=page.get_by_role("heading", name="Rationale"))
    expect(rationale).to_contain_text("Chosen: Pulley interpreter (weighted total +10, rank 1 of 3)")
    expect(rationale).to_contain_text("Maintenance cost (weight 4, strongly for): We own it, one codebase")
    alternatives = page.locator("section", has=page.get_by_role("heading", name="Alternatives considered"))
    expect(alternatives).to_contain_text("Wasm3 embedding")
    expect(alternatives).to_contain_text("Maintenance cost: A C dependency to audit")
    expect(alternatives).to_contain_text("Why not chosen:")
    expect(page.locator("tr.chosen")).to_contain_text("Pulley interpreter")
    screenshot(page, "decision-record")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "decision-record-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Markdown").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    assert path.name == "0001-which-interpreter-do-we-ship-without-a-jit.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    assert text.startswith("---\nstatus: accepted\n") and "\nrfcs-site:\n  number: 1\n" in text
    assert "\n# Which interpreter do we ship without a JIT?\n" in text
    assert 'Chosen option: "Pulley interpreter"' in text
    assert "* Bad, because **Maintenance cost** (" in text and "A C dependency to audit" in text
    assert Decision.objects.get().status == "accepted"
