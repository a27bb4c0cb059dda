"""A synced RFC and the refusal of its editor, at 1280 and 390 px: "Edit in the repository", the
pull request and the file at the synced commit, nothing wider than the screen, no axe violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import expect

from decisions.models import Source, SourceFile
from tests.browser.conftest import screenshot
from tests.browser.test_decision_phone import DESKTOP, PHONE
from tests.factories import RFC_BODY, make_person, make_rfc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMIT = "4d1f0a5c2f3b8e7d6c5b4a39281706f5e4d3c2b1"
FILE = "text/3600-unsafe-fields-on-structs-and-enums.md"


@pytest.fixture
def synced_rfc():
    rfc = make_rfc(
        "Unsafe fields on structs and enums", number=3600, series="rust", body=RFC_BODY,
        authors=[make_person("Jack Wrenn"), make_person("Jacob Pratt")],
        discussion_url="https://github.com/rust-lang/rfcs/pull/3600",
        metadata={"Feature name": "unsafe_fields", "Tracking issue": "https://github.com/rust-lang/rust/issues/132922"},
        source=FILE,
    )  # fmt: skip
    source = Source.objects.create(
        name="rust-rfcs", url="https://github.com/rust-lang/rfcs.git", branch="master", path="text",
        holds="rfcs", format="rust", series="rust", last_commit=COMMIT,
    )  # fmt: skip
    SourceFile.objects.create(source=source, path=FILE, commit=COMMIT, kind="rfc", object_id=rfc.pk)
    User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    return rfc


def overflow(page) -> dict:
    """How far the page is wider than the viewport, and what sticks out (code blocks scroll in their box)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('pre, .table-scroll'))
                .slice(0, 5).map(e => `${e.tagName}.${e.className}`);
            return {extra: document.documentElement.scrollWidth - width, out};
        }"""
    )


@pytest.fixture
def page(browser, live_server):
    """A page that fails the test on script errors and on any failed load but the refusal shown."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and "(Forbidden)" not in m.text and errors.append(m.text))
    yield page
    context.close()
    assert errors == []


def sign_in(page) -> None:
    page.goto("/accounts/login/?next=/rfcs/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/rfcs/")


def test_the_synced_rfc_and_its_refused_editor_at_1280_and_390_px(page, synced_rfc):
    sign_in(page)
    axe = Axe()
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for url, name in (
            (synced_rfc.get_absolute_url(), "rfc-synced"),
            (synced_rfc.edit_url, "rfc-synced-edit"),
        ):
            response = page.goto(url)
            assert response.status == (403 if "edit" in url else 200), url
            assert overflow(page) == {"extra": 0, "out": []}, (viewport["width"], url)
            screenshot(page, f"{'phone' if viewport is PHONE else 'desktop'}-{name}")
            if viewport is PHONE:
                violations = axe.run(page).response["violations"]
                assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == [], url
        page.goto(synced_rfc.get_absolute_url())
        edit_there = page.get_by_role("link", name="Edit in the repository")
        assert edit_there.get_attribute("href") == f"https://github.com/rust-lang/rfcs/blob/master/{FILE}"
        assert page.get_by_role("link", name="Edit", exact=True).count() == 0
        assert page.get_by_role("link", name="rust-lang/rfcs#3600").is_visible()
        at_commit = page.get_by_role("link", name="3600-unsafe-fields-on-structs-and-enums.md at 4d1f0a5")
        assert at_commit.get_attribute("href") == f"https://github.com/rust-lang/rfcs/blob/{COMMIT}/{FILE}"


def test_the_write_page_at_390_px(page, synced_rfc):
    Source.objects.create(name="team-rfcs", url="/srv/git/rfcs", holds="rfcs", record_in="site", path="text")
    make_rfc("Written on the site", number=77)
    sign_in(page)
    axe = Axe()
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto("/sources/team-rfcs/write/")
        assert page.get_by_text("text/0077-written-on-the-site.md").is_visible()
        assert overflow(page) == {"extra": 0, "out": []}, viewport["width"]
        screenshot(page, f"{'phone' if viewport is PHONE else 'desktop'}-source-write")
    violations = axe.run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
    page.get_by_role("textbox", name="Branch").fill("site-edits")
    page.get_by_role("button", name="Commit to the branch").click()
    # A click does not wait for the page it loads: wait for the answer, then read it.
    expect(page.get_by_role("status").get_by_text("Queued")).to_be_visible()
    expect(page.get_by_text("for the worker")).to_be_visible()
