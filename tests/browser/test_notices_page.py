"""The page an e-mail's unsubscribe link opens, signed out, on a 390 px phone and a desktop: it fits,
has no axe-core violation, and switching to the digest is one choice and one button."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User

from decisions.models import Person
from decisions.signoff.notices import unsubscribe_token
from tests.browser.conftest import screenshot
from tests.browser.test_decision_phone import DESKTOP, PHONE, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def link() -> str:
    user = User.objects.create_user("ann", "ann.ambrose@example.org")
    person = Person.objects.create(name="Ann Ambrose", user=user)
    return f"/notices/{unsubscribe_token(person)}/"


def check(page, url: str, name: str) -> None:
    """At 390 and 1280 px: nothing wider than the screen, no axe-core violation."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(url)
        assert overflow(page) == {"extra": 0, "out": []}, (viewport["width"], url)
        screenshot(page, f"{'phone' if viewport is PHONE else 'desktop'}-{name}")
        results = Axe().run(page).response
        assert results["passes"], url
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]] == [], url


def test_a_link_that_is_not_the_sites_says_so_in_the_sites_design(browser, live_server, link):
    # Its own browser context: the page fixture counts the 404 as a page error.
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        check(page, link[:-4] + "xx/", "notices-invalid")
        assert page.get_by_role("heading", level=1).inner_text() == "This link does not work"
        assert "copied whole" in page.get_by_role("alert").inner_text()
    finally:
        context.close()


def test_the_notices_page_fits_a_phone_has_no_axe_violation_and_switches_to_the_digest(page, link):
    check(page, link, "notices")

    page.goto(link)
    assert "For Ann Ambrose, sent to a…@example.org." in page.inner_text("body")
    assert page.get_by_label("Each event in its own message").is_checked()
    page.get_by_label("One daily digest").check()
    page.get_by_role("button", name="Save").click()
    assert "From now on: one daily digest." in page.get_by_role("status").inner_text()
    assert page.get_by_label("One daily digest").is_checked()
    assert Person.objects.get(name="Ann Ambrose").notices == "digest"
    results = Axe().run(page).response
    assert results["violations"] == []
