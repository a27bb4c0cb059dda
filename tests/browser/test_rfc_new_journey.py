"""A contributor writes a new RFC in the browser: picks the rust-lang/rfcs layout, fills it in,
previews it (htmx), submits it as a draft and lands on RFC 12. An account without a role meets
the 403 page instead. Each page: no axe violation, nothing wider than a 390 px phone."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import expect

from decisions.models import RFC
from tests.browser.conftest import htmx_request, screenshot
from tests.browser.test_decision_phone import DESKTOP, PHONE, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture
def demo() -> None:
    """The demo's eleven RFCs, a contributor and an account without a role."""
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    cora = User.objects.create_user("cora", password=PASSWORD, first_name="Cora", last_name="Contributor")
    cora.groups.add(Group.objects.get(name="Contributors"))
    User.objects.create_user("olga", password=PASSWORD)
    User.objects.create_user("stella", password=PASSWORD, is_staff=True, first_name="Stella")


def sign_in(page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


def check_page(page, name: str) -> None:
    """No axe violation, and nothing wider than the screen at 390 and 1280 px (with screenshots)."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        assert overflow(page) == {"extra": 0, "out": []}, (name, viewport["width"])
        results = Axe().run(page).response
        assert results["passes"], name
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]] == [], name
        screenshot(page, f"{name}-{viewport['width']}")


def test_a_contributor_writes_a_new_rfc_and_submits_it_as_a_draft(page, demo):
    sign_in(page, "cora", "/rfcs/")
    page.get_by_role("link", name="Write an RFC").click()
    expect(page).to_have_url(re.compile(r"/rfcs/new/$"))
    # Cora is nobody in the records yet: she is asked who she is before the form.
    step = page.get_by_role("region", name="Who are you in the records?")
    expect(step.get_by_role("link", name="claim your person on Your account")).to_have_attribute(
        "href", "/accounts/you/"
    )
    check_page(page, "rfc-new-who-are-you")
    page.set_viewport_size(PHONE)
    step.get_by_role("button", name="I am not in the records yet: add me as Cora Contributor").click()
    expect(page).to_have_url(re.compile(r"/rfcs/new/$"))
    expect(page.locator(".messages")).to_contain_text("You are Cora Contributor in the records from now on.")
    expect(page.get_by_role("region", name="Who are you in the records?")).to_have_count(0)
    page.get_by_label("rust-lang/rfcs").check()
    page.get_by_role("button", name="Start from this template").click()
    expect(page.get_by_label("Text")).to_have_value(re.compile(r"# Guide-level explanation"))
    page.get_by_label("Title").fill("Shared WASI crates")
    text = page.get_by_label("Text").input_value()
    page.get_by_label("Text").fill(
        text.replace("One paragraph explanation of the feature.", "One crate per WASI **proposal**.")
    )
    # The page was just loaded by the template's form: htmx_request waits for htmx to bind Preview,
    # and fails unless htmx (not a page load) answers it.
    with htmx_request(page, "/rfcs/new/", method="POST"):
        page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.locator("strong")).to_have_text("proposal")
    expect(preview).to_contain_text("Sections: Summary · Motivation · Guide-level explanation")
    expect(page).to_have_url(re.compile(r"/rfcs/new/$"))  # htmx swapped the preview in place
    assert not RFC.objects.filter(title="Shared WASI crates").exists()
    check_page(page, "rfc-new")

    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Submit as a draft").click()
    expect(page).to_have_url(re.compile(r"/rfcs/12/$"))
    expect(page.locator(".messages")).to_contain_text("RFC 12 submitted as a draft")
    expect(page.locator("article strong")).to_have_text("proposal")
    rfc = RFC.objects.get(number=12, series="")
    assert rfc.status == "draft" and [a.name for a in rfc.authors.all()] == ["Cora Contributor"]


def test_a_mistake_is_shown_where_it_is_and_nothing_is_saved(page, demo):
    sign_in(page, "cora", "/rfcs/new/")
    page.get_by_role("button", name="Submit as a draft").click()
    alert = page.locator("#rfc-new-errors")
    expect(alert).to_contain_text("Nothing was saved")
    expect(alert.get_by_role("link", name="Title")).to_have_attribute("href", "#id_title")
    expect(alert).to_contain_text("still the template")
    assert RFC.objects.count() == 11


def test_a_contributor_who_is_nobody_yet_is_asked_before_proposing_a_decision(page, demo):
    sign_in(page, "cora", "/decisions/new/")
    page.set_viewport_size(PHONE)
    page.get_by_label("Question").fill("Which interpreter?")
    page.get_by_label("Context and problem statement").fill("We need one.")
    page.get_by_role("button", name="Create and add options").click()
    expect(page.locator(".add-me .errorlist")).to_contain_text("Say who you are in the records first")
    check_page(page, "decision-new-who-are-you")
    page.get_by_label("I am not in the records yet: add me as Cora Contributor when I submit").check()
    page.get_by_role("button", name="Create and add options").click()
    expect(page).to_have_url(re.compile(r"/decisions/\d+/edit/$"))


@pytest.fixture
def refused_page(browser, live_server):
    """A page whose expected 403 answers are not logged as errors (the fixture `page` logs them)."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error" and "(Forbidden)" not in message.text and errors.append(message.text)
        ),
    )
    yield page
    context.close()
    assert errors == [], errors


def test_an_account_without_a_role_meets_a_page_that_says_why(refused_page, demo):
    page = refused_page
    sign_in(page, "olga", "/rfcs/")
    expect(page.get_by_role("link", name="Write an RFC")).to_have_count(0)
    page.goto("/rfcs/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not write a new RFC")
    expect(page.locator(".refusal-grant")).to_contain_text("Stella")
    check_page(page, "refused-rfc-new")
    page.get_by_role("link", name="Who may do what on this site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who may do what")
    check_page(page, "permissions")
