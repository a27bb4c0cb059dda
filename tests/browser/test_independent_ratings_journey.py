"""Two people rate one matrix on their own in the browser: blind until each submits, then the
owner reveals, finds the disagreement and puts it on a planned meeting's agenda. Each page has
no axe violation and fits at 1280 and 390 px; the sheet also works without JavaScript."""

from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import DecisionOwner, Meeting, MeetingSeries, OwnerRole, SheetRating
from tests.browser.conftest import screenshot
from tests.factories import make_decision, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
URL = "/decisions/1/ratings/"


@pytest.fixture
def decision():
    decision = make_decision(number=1, options=2, criteria=2)
    for name in ("Ana", "Ben"):
        user = User.objects.create_user(name.lower(), f"{name.lower()}@example.org", PASSWORD)
        make_person(name, user=user)
    DecisionOwner.objects.create(
        decision=decision, person=User.objects.get(username="ana").person, role=OwnerRole.OWNER
    )
    MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    return decision


def sign_in(page, name: str) -> None:
    page.goto(f"/accounts/login/?next={URL}")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Who rates")).to_be_visible()


def bound(page) -> None:
    # htmx (a deferred script) binds the cells once the page has loaded: a change before that is
    # a plain select with no request.
    page.wait_for_function("() => !!document.querySelector('form.cell-form')?.['htmx-internal-data']")


def rate(page, values: list[int]) -> None:
    bound(page)
    selects = page.locator("table.matrix-edit select")
    for index, value in enumerate(values):
        with page.expect_response(lambda r: r.request.method == "POST" and "/ratings/rate/" in r.url):
            selects.nth(index).select_option(str(value))
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def no_axe_violations(page) -> None:
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        results = Axe().run(page).response
        assert results["passes"]
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]] == []
        assert page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    page.set_viewport_size(DESKTOP)


def test_two_people_rate_blind_then_reveal_and_plan_the_disagreement(page, browser, live_server, decision):
    sign_in(page, "ana")
    page.get_by_label("Person (with an account)").select_option(label="Ben")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("status").first).to_contain_text("Invited Ben to rate.")
    rate(page, [2, 1, 0, 0])
    expect(page.locator("#rater-list")).to_contain_text("Ana (owner): Rating")
    expect(page.locator("#results-card")).to_contain_text("Hidden until you submit your sheet")
    no_axe_violations(page)
    screenshot(page, "ratings-owner-blind")

    other = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    ben = other.new_page()
    sign_in(ben, "ben")
    expect(ben.locator("#rater-list")).to_contain_text("Ana (owner): Rating")
    expect(ben.locator("#results-card")).not_to_contain_text("Ana +2")
    rate(ben, [-1, 1, 0, 1])
    ben.get_by_role("button", name="Submit my ratings").click()
    expect(ben.get_by_role("status").first).to_contain_text("Your ratings are submitted")
    # Ben submitted; Ana has not, so he still sees only his own sheet among the results.
    expect(ben.locator("#results-card")).to_contain_text("Over 1 sheet")
    expect(ben.locator("#results-card")).not_to_contain_text("Ana")
    other.close()

    page.reload()
    expect(page.locator("#rater-list")).to_contain_text("Ben: Submitted")
    expect(page.locator("#results-card")).not_to_contain_text("Ben −1")
    page.get_by_role("button", name="Submit my ratings").click()
    results = page.locator("#results-card")
    expect(results).to_contain_text("Over 2 sheets (those submitted)")
    first = page.locator("table.consensus tbody tr").first.locator("td").first
    expect(first).to_contain_text("+½")  # the median of +2 and -1
    expect(first).to_contain_text("Ana +2, Ben −1")
    expect(first).to_contain_text("(apart)")
    expect(page.locator(".points li")).to_have_count(1)
    expect(page.locator(".points")).to_contain_text("Farthest from the median: Ana (+2), Ben (−1)")

    page.get_by_role("button", name="Reveal all ratings").click()
    expect(page.locator(".lead")).to_contain_text("The ratings were revealed")
    no_axe_violations(page)
    screenshot(page, "ratings-revealed")
    page.set_viewport_size(PHONE)
    screenshot(page, "ratings-revealed-phone")
    page.set_viewport_size(DESKTOP)

    day = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_role("button", name="Put on the agenda").click()
    expect(page.get_by_text("Planned:")).to_be_visible()
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda).to_contain_text("“Option 0” on Criterion 0: ratings from −1 to +2, median +½")
    no_axe_violations(page)
    screenshot(page, "ratings-planned-meeting")
    agenda.get_by_role("link", name="the ratings").click()
    expect(page).to_have_url(
        f"{live_server.url}{URL}#point-{decision.options.first().pk}-{decision.criteria.first().pk}"
    )
    assert Meeting.objects.get(date=day).planned


def test_the_sheet_works_without_javascript(browser, live_server, decision):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "ana")
    cell = page.locator("table.matrix-edit td").first
    cell.locator("select").select_option("-2")
    cell.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Rated “Option 0” on Criterion 0: Strongly against."
    )
    assert SheetRating.objects.get().rating == -2
    page.get_by_role("button", name="Submit my ratings").click()
    expect(page.get_by_role("alert")).to_contain_text("Rate every cell before submitting")
    context.close()
