"""The decision graph in Chromium: the whole graph and a record's panel at 1280 and 390 px with no
axe violation and nothing wider than the screen; the panel loads as it scrolls into view, and an
editor adds a typed link there and sees it drawn and listed."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command

from decisions.models import Link
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


def sign_in(page) -> None:
    page.goto("/accounts/login/?next=/graph/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/graph/")


def overflow(page) -> dict:
    """How far the page is wider than the viewport, and what sticks out (boxes that scroll on
    their own, the graph's and the tables', may be wider)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll, .graph-scroll'))
                .slice(0, 5).map(e => e.tagName);
            return {extra: document.documentElement.scrollWidth - width, out};
        }"""
    )


def no_violations(page) -> None:
    results = Axe().run(page).response
    assert results["passes"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]] == []


def open_panel(page, url: str) -> None:
    page.goto(url)
    page.locator("#graph-panel").scroll_into_view_if_needed()
    page.locator("#graph-panel table.graph-links").wait_for()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_graph_and_a_panel_fit_and_pass_axe(page, demo, viewport):
    page.set_viewport_size(viewport)
    page.goto("/graph/")
    assert page.locator("svg.graph rect.node").count() >= 10
    assert page.locator("table.graph-links tbody tr").count() == page.locator("svg.graph path.edge").count()
    assert overflow(page) == {"extra": 0, "out": []}
    no_violations(page)
    screenshot(page, f"graph-{viewport['width']}")
    open_panel(page, "/decisions/1/")  # loaded by htmx once it scrolls into view
    assert page.locator("#graph-panel").get_by_text("discussed in").first.is_visible()
    assert overflow(page) == {"extra": 0, "out": []}
    no_violations(page)


def test_an_editor_links_a_record_from_its_panel(page, demo):
    sign_in(page)
    open_panel(page, "/decisions/2/")
    panel = page.locator("#graph-panel")
    panel.get_by_label("How DR-0002 relates").select_option("implements")
    panel.get_by_label("Other record").fill("RFC 9")
    with page.expect_response(lambda r: "/links/" in r.url and r.request.method == "POST"):
        panel.get_by_role("button", name="Add the link").click()
    row = page.locator("#graph-panel table.graph-links tr", has_text="implements")
    row.wait_for()
    assert "RFC 9" in row.inner_text() and "(stated)" in row.inner_text()
    assert Link.objects.filter(kind="implements", from_kind="decision").count() == 1
    # A reference that names nothing is refused in place, saying what to write.
    panel = page.locator("#graph-panel")
    panel.get_by_label("Other record").fill("the big one")
    with page.expect_response(lambda r: "/links/" in r.url and r.request.method == "POST"):
        panel.get_by_role("button", name="Add the link").click()
    page.get_by_text("names no record here").wait_for()
    no_violations(page)
