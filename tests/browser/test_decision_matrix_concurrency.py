"""Two people edit one options matrix in the browser at the same instant, and nothing is lost."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from decisions.models import Assessment
from tests.browser.conftest import htmx_request, screenshot, wait_for_htmx
from tests.factories import make_decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
# Dispatch the changes and return at once: the requests are in flight together.
RATE_NOW = """(cells) => { for (const [id, value] of cells) {
  const select = document.getElementById(id); select.value = value;
  select.dispatchEvent(new Event("change", {bubbles: true})); } }"""


@pytest.fixture
def decision():
    for name in ("ana", "ben"):
        User.objects.create_superuser(name, f"{name}@example.org", PASSWORD)
    return make_decision(number=1, options=2, criteria=2)


def editor_page(browser, live_server, name: str):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/accounts/login/?next=/decisions/1/edit/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Options matrix")).to_be_visible()
    # htmx (a deferred script) binds the cells once the page has loaded: a change before that is
    # a plain select with no request, which a slow machine showed as a lost rating in this test.
    wait_for_htmx(page)
    return page


def settled(page) -> None:
    """Every request RATE_NOW started has been answered, swapped and bound (it dispatched the
    changes synchronously, so htmx marked them in flight before evaluate returned)."""
    wait_for_htmx(page)


def ids(decision, row: int, column: int) -> tuple[str, int, int]:
    option, criterion = decision.options.all()[row], decision.criteria.all()[column]
    return f"rating-{option.pk}-{criterion.pk}", option.pk, criterion.pk


def rating(option: int, criterion: int) -> int:
    return Assessment.objects.get(option_id=option, criterion_id=criterion).rating


def test_two_people_rate_two_cells_at_the_same_instant_and_both_are_kept(browser, live_server, decision):
    ana, ben = editor_page(browser, live_server, "ana"), editor_page(browser, live_server, "ben")
    a, b = ids(decision, 0, 0), ids(decision, 1, 1)
    ana.evaluate(RATE_NOW, [[a[0], "2"]])
    ben.evaluate(RATE_NOW, [[b[0], "-2"]])
    for page in (ana, ben):
        settled(page)
        expect(page.locator(".cell-conflict")).to_have_count(0)
    assert (rating(a[1], a[2]), rating(b[1], b[2])) == (2, -2)
    ana.reload()
    expect(ana.locator(f"#{a[0]}")).to_have_value("2")
    expect(ana.locator(f"#{b[0]}")).to_have_value("-2")

    # One person, two cells in the same instant: both answers land in their own cell.
    c, d = ids(decision, 0, 1), ids(decision, 1, 0)
    ana.evaluate(RATE_NOW, [[c[0], "1"], [d[0], "1"]])
    settled(ana)
    expect(ana.locator(f"#{c[0]}")).to_have_value("1")
    expect(ana.locator(f"#{d[0]}")).to_have_value("1")
    assert (rating(c[1], c[2]), rating(d[1], d[2])) == (1, 1)
    ana.context.close()
    ben.context.close()


def test_a_conflict_on_one_cell_shows_theirs_beside_mine_and_keeps_mine(browser, live_server, decision):
    ana, ben = editor_page(browser, live_server, "ana"), editor_page(browser, live_server, "ben")
    cell, option, criterion = ids(decision, 0, 0)
    # Wait for each answer, not only for htmx to look idle: the request may not have left yet.
    with htmx_request(ben, "/matrix/", method="POST"):
        ben.locator(f"#{cell}").select_option("2")
    assert rating(option, criterion) == 2
    ana.locator(f"#note-{option}-{criterion}").fill("Mine, typed at length")
    with htmx_request(ana, "/matrix/", method="POST"):
        ana.locator(f"#{cell}").select_option("-1")
    conflict = ana.locator(f"#cell-{option}-{criterion} .cell-conflict")
    expect(conflict).to_contain_text("Someone else rated this cell")
    expect(conflict).to_contain_text("Theirs: ++ Strongly for (+2)")
    expect(ana.locator(f"#{cell}")).to_have_value("-1")
    expect(ana.locator(f"#note-{option}-{criterion}")).to_have_value("Mine, typed at length")
    screenshot(ana, "decision-matrix-conflict")
    other, *_ = ids(decision, 1, 1)
    with htmx_request(ana, "/matrix/", method="POST"):
        ana.locator(f"#{other}").select_option("1")  # another cell's answer leaves the conflict shown
    expect(conflict).to_be_visible()
    assert rating(option, criterion) == 2

    with htmx_request(ana, "/matrix/", method="POST"):
        ana.locator(f"#cell-{option}-{criterion} form").evaluate("form => form.requestSubmit()")
    expect(ana.locator(f"#cell-{option}-{criterion} .cell-conflict")).to_have_count(0)
    assert Assessment.objects.get(option_id=option, criterion_id=criterion).note == "Mine, typed at length"
    ana.context.close()
    ben.context.close()


def test_removing_a_criterion_asks_first_and_can_be_undone(browser, live_server, decision):
    page = editor_page(browser, live_server, "ana")
    # Each step is htmx's (the question, keeping, removing and undoing swap the editor in place),
    # and each next click waits until what the last answer swapped in is bound.
    with htmx_request(page, "/matrix/?remove=criterion", method="GET"):
        page.get_by_role("link", name="Remove Criterion 1…").click()
    question = page.get_by_role("region", name="Remove the criterion “Criterion 1” (weight 2)?")
    expect(question).to_contain_text("Its 2 ratings and 2 notes go with it.")
    screenshot(page, "decision-matrix-remove")
    with htmx_request(page, "/matrix/", method="GET"):
        question.get_by_role("link", name="Keep it").click()
    expect(question).to_have_count(0)
    assert decision.criteria.count() == 2

    with htmx_request(page, "/matrix/?remove=criterion", method="GET"):
        page.get_by_role("link", name="Remove Criterion 1…").click()
    with htmx_request(page, "/matrix/", method="POST"):
        page.get_by_role("button", name="Remove criterion").click()
    expect(page.get_by_role("status")).to_contain_text("Removed the criterion “Criterion 1” (weight 2)")
    assert decision.criteria.count() == 1
    with htmx_request(page, "/undo/", method="POST"):
        page.get_by_role("button", name="Undo: put it back").click()
    expect(page.get_by_role("status")).to_contain_text("Put back the criterion “Criterion 1” with 2 ratings")
    assert Assessment.objects.filter(criterion__name="Criterion 1").count() == 2

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Revisions")).to_be_visible()
    # Before the first change, the removal and putting it back; "Keep it" changed nothing.
    expect(page.locator("details.revision")).to_have_count(3)
    screenshot(page, "decision-history")
    page.context.close()
