"""Issue 18, part 3, in Chromium: an editor drafts an RFC from the demo's DR-0001, changes a rating
and finds the RFC's "Rationale and alternatives" rewritten; then edits inside the block, changes
another rating, and meets the conflict (both versions) instead of a silent overwrite. Every page:
no axe violation, nothing wider than a 390 px phone."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import expect

from decisions.drafted.models import DraftedRFC
from decisions.models import RFC, Assessment
from tests.browser.conftest import SCREENSHOTS as SHOTS
from tests.browser.test_decision_journey import editor_request
from tests.browser.test_decision_phone import DESKTOP, PHONE
from tests.browser.test_rfc_new_journey import PASSWORD, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPTION, CRITERION = "Git submodule", "Stability of the runtime"


@pytest.fixture
def demo() -> None:
    """The demo, and an editor (RFCs and decisions) who is nobody in the records yet."""
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    edna = User.objects.create_user("edna", password=PASSWORD, first_name="Edna", last_name="Editor")
    edna.groups.add(Group.objects.get(name="Editors"))


def rate(page, option: str, criterion: str, rating: str) -> None:
    page.goto("/decisions/1/edit/")
    # htmx (a deferred script) binds the cells once the page has loaded: wait, or the change is lost.
    page.wait_for_function("() => !!document.querySelector('form.cell-form')?.['htmx-internal-data']")
    with editor_request(page):
        page.locator("#matrix-editor").get_by_label(f"Rating of {option} on {criterion}").select_option(
            rating
        )


def total_row(page, option: str):
    return page.locator("article[aria-label='RFC text'] table tr", has_text=option)


def test_an_rfc_drafted_from_the_demo_decision_follows_its_matrix(page, demo):
    sign_in(page, "edna", "/decisions/1/")
    check_page(page, "drafted-decision-before")
    page.get_by_role("link", name="Draft an RFC").click()
    expect(page).to_have_url(re.compile(r"/decisions/1/draft-rfc/$"))
    text = page.get_by_label("Text")
    expect(text).to_have_value(re.compile(r"<!-- generated from decision 1: do not edit"))
    expect(page.get_by_label("Title")).to_have_value("Where do shared WASI API implementations live?")
    check_page(page, "drafted-form")

    page.set_viewport_size(DESKTOP)
    page.get_by_label("Title").fill("Shared WASI crates live in-tree")
    text.fill(
        text.input_value().replace(
            "One paragraph: what this RFC proposes.", "Keep them in-tree, behind flags."
        )
    )
    page.get_by_label(re.compile("I am not in the records yet")).check()
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.locator("table").first).to_contain_text("Stability of the runtime")
    expect(preview).to_contain_text("No option is chosen yet;")
    expect(preview).not_to_contain_text("generated from decision")  # the markers do not show
    page.get_by_role("button", name="Submit as a draft").click()
    expect(page).to_have_url(re.compile(r"/rfcs/12/$"))
    expect(page.locator(".messages")).to_contain_text("RFC 12 drafted from DR-0001")
    about = page.get_by_role("complementary", name="About this RFC")
    expect(about.get_by_role("link", name=re.compile("DR-0001: Where do shared WASI"))).to_be_visible()
    check_page(page, "drafted-rfc")
    rfc = RFC.objects.get(number=12, series="")
    before = total_row(page, OPTION).inner_text()

    # A rating changes on the decision: the RFC's block follows, as a revision by the site.
    current = Assessment.objects.get(option__name=OPTION, criterion__name=CRITERION).rating
    rate(page, OPTION, CRITERION, "2" if current < 2 else "-2")
    page.goto("/rfcs/12/")
    expect(total_row(page, OPTION)).not_to_have_text(before)
    expect(page.locator("article[aria-label='RFC text']")).to_contain_text("Keep them in-tree, behind flags.")
    page.goto("/rfcs/12/history/")
    expect(page.locator("main")).to_contain_text("Rationale and alternatives regenerated from DR-0001")
    page.goto("/decisions/1/")
    related = page.get_by_role("region", name="Related RFCs")
    expect(related.get_by_role("link", name="RFC 12: Shared WASI crates live in-tree")).to_be_visible()
    check_page(page, "drafted-decision-after")

    # The author edits inside the block, the matrix changes again: nothing is overwritten.
    page.set_viewport_size(DESKTOP)
    page.goto("/rfcs/12/edit/")
    body = page.get_by_label("Text")
    body.fill(body.input_value().replace("| Stability of the runtime |", "| Runtime stability |"))
    page.get_by_label(re.compile("What changed")).fill("My wording in the table")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page).to_have_url(re.compile(r"/rfcs/12/$"))
    rate(
        page,
        "RPC service",
        "Code size",
        "-2"
        if Assessment.objects.get(option__name="RPC service", criterion__name="Code size").rating != -2
        else "2",
    )
    page.goto("/rfcs/12/")
    conflict = page.get_by_role("region", name="DR-0001 changed: its block was not rewritten")
    expect(conflict.get_by_role("region", name="In the RFC now")).to_contain_text("| Runtime stability |")
    expect(conflict.get_by_role("region", name=re.compile("now$")).last).to_contain_text(
        "| Stability of the runtime |"
    )
    expect(conflict.get_by_role("region", name="What differs")).to_contain_text("-| Runtime stability |")
    assert "| Runtime stability |" in RFC.objects.get(pk=rfc.pk).body
    check_page(page, "drafted-rfc-conflict")
    page.set_viewport_size(PHONE)
    conflict.screenshot(path=str(SHOTS / "drafted-conflict-panel-390.png"))
    page.set_viewport_size(DESKTOP)
    conflict.screenshot(path=str(SHOTS / "drafted-conflict-panel-1280.png"))

    page.set_viewport_size(DESKTOP)
    conflict.get_by_role("button", name="Use DR-0001's block").click()
    expect(page.locator(".messages")).to_contain_text("the block now says what DR-0001 says")
    expect(page.get_by_role("region", name="DR-0001 changed: its block was not rewritten")).to_have_count(0)
    assert "| Runtime stability |" not in RFC.objects.get(pk=rfc.pk).body
    assert DraftedRFC.objects.get(rfc=rfc).pending == ""
