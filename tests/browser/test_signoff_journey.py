"""Sign-off in a browser (issue 17): positions and a resolved concern swapped in place with htmx,
the period's end in the reader's time zone, and every sign-off page at 390 and 1280 px with no
axe violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from decisions.models import Motion, Person
from tests.browser.conftest import htmx_request, screenshot
from tests.browser.test_decision_phone import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


@pytest.fixture
def demo():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    call_command("demo_signoff", verbosity=0)
    for username, name in (("till", "Till Brennecke"), ("victor", "Victor Lindqvist")):
        person = Person.objects.get(name=name)
        person.user = User.objects.create_user(username, password=PASSWORD)
        person.save()


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/?next=/me/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me/")


def overflow(page) -> dict:
    """How far the page is wider than the viewport, and what sticks out (code blocks and tables
    scroll in their own boxes)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll, pre'))
                .slice(0, 5).map(e => `${e.tagName}.${e.className}`);
            return {extra: document.documentElement.scrollWidth - width, out};
        }"""
    )


def signoff_pages() -> list[str]:
    motion = Motion.objects.get(rfc__number=8)
    return [
        "/rfcs/8/",
        "/decisions/1/",
        "/motions/",
        f"/motions/{motion.pk}/",
        "/me/",
        "/people/victor-lindqvist/",
    ]


def test_a_member_signs_off_and_the_raiser_resolves_the_concern_in_place(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, timezone_id="Asia/Tokyo")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, "till")
    page.goto("/decisions/1/")
    panel = page.locator("#signoff-panel")
    panel.get_by_label("Approve").check()
    with htmx_request(page, "/position/", method="POST"):
        panel.get_by_role("button", name="Record my position").click()
    expect(panel.get_by_role("status")).to_have_text("Position recorded: Approve.")
    assert page.url.endswith("/decisions/1/")  # swapped in place: no page load
    expect(panel.locator("li", has_text="Till Brennecke").locator(".position")).to_have_text("Approve")
    screenshot(page, "signoff-journey-position")

    context.clear_cookies()
    sign_in(page, "victor")
    page.goto("/decisions/1/")
    panel.get_by_label("How it was resolved").fill("A deprecation window of two releases is in the plan.")
    with htmx_request(page, "/resolve/", method="POST"):
        panel.get_by_role("button", name="Resolve “migration cost”").click()
    expect(panel.get_by_role("status")).to_have_text("Concern “migration cost” resolved.")
    expect(panel.locator("s", has_text="migration cost")).to_be_visible()
    expect(panel).to_contain_text("It started again with its full length")
    # The end in the reader's own time zone (Tokyo), with the time left, after the swap too.
    expect(panel.locator("time[data-countdown]")).to_contain_text("GMT+9")
    expect(panel.locator("[data-time-left]")).to_contain_text("days")
    screenshot(page, "signoff-journey-resolved")
    context.close()
    assert errors == []


def test_every_sign_off_page_fits_a_phone_and_a_desktop_without_axe_violations(page, demo):
    sign_in(page, "victor")
    axe = Axe()
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for url in signoff_pages():
            page.goto(url)
            assert overflow(page) == {"extra": 0, "out": []}, (viewport["width"], url)
            screenshot(page, f"signoff-{viewport['width']}-{url.strip('/').replace('/', '-')}")
            violations = axe.run(page).response["violations"]
            assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == [], url
