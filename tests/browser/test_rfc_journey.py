"""A reader finds an RFC through the htmx filters and follows its table of contents."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from decisions.models import RFCStatus
from tests.browser.conftest import htmx_request, screenshot
from tests.factories import make_area, make_person, make_rfc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rfcs():
    till = make_person("Till S")
    wasi = make_area("wasi")
    make_rfc("Shared WASI implementations", number=1, status=RFCStatus.DRAFT, authors=[till], areas=[wasi])
    make_rfc("Exception handling", number=2, status=RFCStatus.ACCEPTED)
    make_rfc("Wasmtime LTS releases", number=3, status=RFCStatus.ACCEPTED)


def test_a_reader_filters_by_status_opens_an_rfc_and_follows_the_contents(page, rfcs):
    page.goto("/rfcs/")
    rows = page.locator("#rfc-results tbody tr")
    expect(rows).to_have_count(3)

    # htmx, not a reload: htmx_request only counts an answer to a request htmx made.
    with htmx_request(page, re.compile(r"/rfcs/\?.*status=draft")) as response_info:
        page.get_by_label("Status").select_option("draft")
    assert response_info.value.request.headers.get("hx-request") == "true"
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"status=draft"))
    expect(page.locator("#rfc-results")).to_contain_text("1 RFC matches these filters")
    screenshot(page, "rfc-list-filtered")

    page.get_by_role("link", name="Shared WASI implementations").click()
    expect(page.get_by_role("heading", level=1, name="RFC 1: Shared WASI implementations")).to_be_visible()

    contents = page.get_by_role("navigation", name="Table of contents")
    contents.get_by_role("link", name="Rationale and alternatives").click()
    expect(page).to_have_url(re.compile(r"#user-content-rationale-and-alternatives$"))
    heading = page.locator("#user-content-rationale-and-alternatives")
    expect(heading).to_be_in_viewport()
    screenshot(page, "rfc-detail")


def test_the_search_box_updates_the_list_as_the_reader_types(page, rfcs):
    page.goto("/rfcs/")
    with htmx_request(page, re.compile(r"/rfcs/\?.*q=lts")):  # typing, then a 300 ms pause
        page.get_by_label("Search titles").fill("lts")
    expect(page.locator("#rfc-results tbody tr")).to_have_count(1)
    expect(page.locator("#rfc-results")).to_contain_text("Wasmtime LTS releases")
    expect(page).to_have_url(re.compile(r"q=lts"))


def test_without_javascript_the_filter_form_reloads_the_page(browser, live_server, rfcs):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/rfcs/")
    page.get_by_label("Status").select_option("accepted")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"status=accepted"))
    expect(page.locator("#rfc-results tbody tr")).to_have_count(2)
    context.close()


def test_when_the_server_is_unavailable_the_reader_is_told_and_the_list_stays(browser, live_server, rfcs):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/rfcs/")
    page.route(
        re.compile(r"/rfcs/\?.*status="),
        lambda route: route.fulfill(status=503, body="<h1>Unavailable</h1>", headers={"Retry-After": "5"}),
    )
    with htmx_request(page, re.compile(r"/rfcs/\?.*status=draft")) as refused:
        page.get_by_label("Status").select_option("draft")
    assert refused.value.status == 503
    expect(page.get_by_role("alert")).to_contain_text("unavailable for a moment")
    expect(page.locator("#rfc-results tbody tr")).to_have_count(3)  # nothing was swapped away
    page.unroute(re.compile(r"/rfcs/\?.*status="))
    with htmx_request(page, re.compile(r"/rfcs/\?.*status=accepted")):
        page.get_by_label("Status").select_option("accepted")
    expect(page.locator("#rfc-results tbody tr")).to_have_count(2)
    expect(page.get_by_role("alert")).to_be_hidden()
    context.close()
