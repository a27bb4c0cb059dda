"""The sensitivity panel and the chart of weighted totals in Chromium at 390 and 1280 px: read as
text, the chart inside the screen, no page wider than it, no CSP error, 0 axe-core violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from decisions.models import Assessment, Criterion, Option
from tests.browser.conftest import screenshot
from tests.browser.test_decision_phone import DESKTOP, PHONE, overflow
from tests.factories import make_decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    decision = make_decision("Which queue?", number=40)
    cost = Criterion.objects.create(decision=decision, name="Cost", weight=3, order=1)
    for order, name in enumerate(("Alpha", "Beta"), 1):
        option = Option.objects.create(decision=decision, name=name, order=order)
        Assessment.objects.create(option=option, criterion=cost, rating=1)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_panel_reads_as_text_fits_the_screen_and_passes_axe(page, demo, viewport):
    page.set_viewport_size(viewport)
    axe = Axe()
    for url in ("/decisions/1/", "/decisions/40/"):
        page.goto(url)
        panel = page.get_by_role("region", name="How robust is the lead?")
        panel.scroll_into_view_if_needed()
        chart = panel.get_by_role("img", name="Chart of weighted totals per option")
        box = chart.bounding_box()
        assert box["width"] > 250 and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert overflow(page) == {"extra": 0, "out": []}, url
        results = axe.run(page).response
        assert results["passes"], url
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]] == [], url
        screenshot(page, f"sensitivity-{url.strip('/').replace('/', '-')}-{viewport['width']}")
    # The tie: flagged in words a reader (and a screen reader) gets, with the rows of the table.
    assert panel.get_by_text("Close call", exact=True).is_visible()
    table = panel.get_by_role("table", name="Weights at which Alpha stays first")
    assert table.get_by_role("row").nth(1).inner_text().split("\t")[:2] == [
        "Cost (3)",
        "any (0–10)",
    ]  # equal ratings tie at every weight
    page.goto("/decisions/1/")
    sentence = page.locator(".sensitivity-sentence")
    assert sentence.inner_text().startswith(
        "In-tree subproject behind feature flags stays first unless the weight of Stability of the runtime"
    )
