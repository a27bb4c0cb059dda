"""The decision pages on a 390 px phone: nothing wider than the screen, the matrix scrolls in its
own box with the option column pinned, and axe-core finds no violation."""

from __future__ import annotations

import contextlib

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo():
    """The demo records: DR-0001 has seven options on eight criteria, with notes and links."""
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


def sign_in(page) -> None:
    page.goto("/accounts/login/?next=/decisions/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/decisions/")


def decision_pages() -> list[str]:
    pages = ["/decisions/", "/decisions/1/", "/decisions/1/edit/", "/decisions/new/", "/decisions/3/edit/"]
    with contextlib.suppress(NoReverseMatch):  # the record's history page, once it exists
        pages.append(reverse("decisions:decision-history", args=[1]))
    return pages


def overflow(page) -> dict:
    """How far the page is wider than the viewport, and the elements that stick out."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll'))
                .slice(0, 5).map(e => `${e.tagName}.${e.className}`);
            return {extra: document.documentElement.scrollWidth - width, out};
        }"""
    )


def test_no_decision_page_is_wider_than_a_phone_or_a_desktop(page, demo):
    sign_in(page)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for url in decision_pages():
            page.goto(url)
            assert overflow(page) == {"extra": 0, "out": []}, (viewport["width"], url)
            name = url.strip("/").replace("/", "-")
            screenshot(page, f"phone-{name}" if viewport is PHONE else f"desktop-{name}")


def test_every_decision_page_has_no_axe_violation_on_a_phone(page, demo):
    sign_in(page)
    page.set_viewport_size(PHONE)
    axe = Axe()
    for url in decision_pages():
        page.goto(url)
        results = axe.run(page).response
        assert results["passes"], url  # axe did run its rules on this page
        violations = results["violations"]
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == [], url


@pytest.mark.parametrize("url", ["/decisions/1/", "/decisions/1/edit/"])
def test_the_matrix_scrolls_in_its_box_and_the_option_column_stays(page, demo, url):
    sign_in(page)
    page.set_viewport_size(PHONE)
    page.goto(url)
    box = page.locator(".table-scroll", has=page.locator("table.matrix"))
    box.scroll_into_view_if_needed()
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the matrix is wider than the phone
    option = box.locator("tbody th.option-col").first
    criterion = box.locator("thead th").nth(1)
    option_x, criterion_x = option.bounding_box()["x"], criterion.bounding_box()["x"]

    box.evaluate("e => e.scrollLeft = 300")
    assert box.evaluate("e => e.scrollLeft") == 300
    assert option.bounding_box()["x"] == option_x  # pinned
    assert criterion.bounding_box()["x"] < criterion_x - 250  # the criteria moved under it
    assert page.evaluate("() => window.scrollX") == 0  # the page itself did not scroll
    # What is pinned is what the reader sees: the option's name, not a cell that slid under it.
    x, y = option_x + 10, option.bounding_box()["y"] + 10
    assert page.evaluate(f"() => document.elementFromPoint({x}, {y}).closest('th.option-col') !== null")
    screenshot(page, f"phone-matrix-scrolled-{url.strip('/').replace('/', '-')}")
