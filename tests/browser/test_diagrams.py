"""Mermaid diagrams in Chromium: drawn and styled under the site's strict Content-Security-Policy
(no violation reported), from the whole-page cache as well, named for screen readers, inside a
390 px phone, and with no axe-core violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from tests.browser.conftest import screenshot
from tests.browser.test_decision_phone import DESKTOP, PHONE, overflow
from tests.factories import make_decision, make_person, make_rfc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every Content-Security-Policy violation of the page, recorded from before its first script.
LISTEN = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.__csp.push(`${e.violatedDirective} ${(e.sourceFile || '').split('/').pop()}:${e.lineNumber}`));"
)
DRAWN = "pre.mermaid[data-diagram=drawn] svg, pre.mermaid[data-diagram=failed]"


@pytest.fixture
def demo():
    """RFC 5 of the demo has a flowchart of the calls between Wasm and the host."""
    call_command("loaddata", "fixtures/demo.json", verbosity=0)


def drawing(page) -> dict:
    """What a reader gets: the SVG's name and size, and the colours its styles gave a node."""
    return page.evaluate(
        """() => {
            const svg = document.querySelector('pre.mermaid svg');
            const node = svg.querySelector('.node rect, .node polygon');
            const label = svg.querySelector('.nodeLabel, .node text');
            const box = svg.closest('pre');
            return {
                role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'),
                nodes: svg.querySelectorAll('.node').length,
                fill: getComputedStyle(node).fill, stroke: getComputedStyle(node).stroke,
                text: getComputedStyle(label).fill,
                width: Math.round(svg.getBoundingClientRect().width),
                boxFits: box.getBoundingClientRect().right <= document.documentElement.clientWidth,
                source: document.querySelector('details.diagram-source code').textContent,
            };
        }"""
    )


def test_the_demo_diagram_is_drawn_styled_and_named_with_no_csp_violation_also_from_the_page_cache(
    page, demo, live_server
):
    page.add_init_script(LISTEN)
    answers = []
    page.on(
        "response", lambda r: r.url.endswith("/rfcs/5/") and answers.append(r.headers.get("x-page-cache"))
    )
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto("/rfcs/5/")
        page.wait_for_selector(DRAWN, timeout=30_000)
        assert page.get_attribute("pre.mermaid", "data-diagram") == "drawn"
        seen = drawing(page)
        assert seen["role"] == "img"
        assert seen["label"].startswith("Calls between Wasm and the host after the overhaul")
        assert seen["nodes"] == 6
        # The site's theme reached the drawing: the adopted stylesheet applied, not SVG's black.
        assert seen["fill"] == "rgb(219, 234, 254)", seen  # --info-bg
        assert seen["stroke"] not in {"none", "rgb(0, 0, 0)"}, seen  # a border: --brand or its gradient
        assert seen["text"] == "rgb(29, 36, 48)", seen  # --ink
        assert seen["boxFits"] and seen["width"] > 250
        assert seen["source"].startswith("flowchart TD\n  accTitle: Calls between Wasm")
        assert page.evaluate("window.__csp") == [], viewport
        assert overflow(page)["extra"] == 0, viewport  # code blocks scroll in their own boxes
        name = "diagram-desktop" if viewport is DESKTOP else "diagram-phone"
        page.locator("pre.mermaid").scroll_into_view_if_needed()
        screenshot(page, name)
    # The second visit was the cached page, the same bytes: it needs no nonce to draw.
    assert answers[-1] == "hit", answers


def test_the_source_is_one_click_away_and_the_page_has_no_axe_violation(page, demo):
    axe = Axe()
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto("/rfcs/5/")
        page.wait_for_selector(DRAWN, timeout=30_000)
        source = page.locator("details.diagram-source")
        source.locator("summary").focus()
        page.keyboard.press("Enter")
        assert source.get_attribute("open") is not None
        assert "entry --> wasm" in source.locator("code").inner_text()
        results = axe.run(page).response
        assert results["passes"]
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]
        assert violations == [], viewport


def test_without_javascript_the_reader_sees_the_source(browser, demo, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/rfcs/5/")
    block = page.locator("pre.mermaid")
    assert block.inner_text().startswith("flowchart TD")
    assert page.locator("pre.mermaid svg").count() == 0
    context.close()


def test_a_page_without_a_diagram_never_loads_mermaid(page, demo):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/rfcs/1/")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("diagrams.js") for url in requested)
    assert not [url for url in requested if "mermaid" in url]


def test_a_broken_diagram_says_so_and_keeps_its_source_and_a_hostile_label_runs_nothing(browser, live_server):
    body = (
        "# Summary\n\n```mermaid\nflowchart TD\n  a[[[ this is not\n```\n\n"
        '```mermaid\nflowchart TD\n  a["<img src=x onerror=window.pwned=1>"] --> b["<script>window.pwned=2</script>"]\n'
        '  click a "javascript:window.pwned=3"\n```\n'
    )
    rfc = make_rfc(number=1, body=body)
    # Not the `page` fixture: the hostile label's handler is reported, blocked, by the policy.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.add_init_script(LISTEN)
    page.goto(rfc.get_absolute_url())
    page.locator("pre.mermaid[data-diagram=failed]").wait_for(timeout=30_000)
    page.locator("pre.mermaid[data-diagram=drawn]").wait_for(timeout=30_000)
    broken, hostile = page.locator("pre.mermaid").all()
    assert broken.inner_text().startswith("flowchart TD\n  a[[[ this is not")
    assert "could not be drawn" in page.locator(".diagram-problem").inner_text()
    assert hostile.locator("svg").count() == 1
    page.locator("pre.mermaid svg .node").first.click()
    assert page.evaluate("window.pwned") is None
    assert page.locator("pre.mermaid img, pre.mermaid script, pre.mermaid foreignObject").count() == 0
    assert "<img src=" in hostile.locator("svg").text_content()  # the label is text, not an image
    # Mermaid's sanitizer (DOMPurify) parses the label, and Chromium reports the handler it met
    # there as blocked; nothing about styles is reported.
    reports = page.evaluate("window.__csp")
    assert reports and all(report.startswith("script-src-attr") for report in reports), reports
    context.close()


def test_a_diagram_in_the_preview_of_a_new_rfc_is_drawn_when_htmx_swaps_it_in(page, demo):
    cora = User.objects.create_user("cora", password="a-long-test-password")
    cora.groups.add(Group.objects.get(name="Contributors"))
    cora_person = make_person("Cora Contributor")
    cora_person.user = cora
    cora_person.save()
    page.add_init_script(LISTEN)
    page.goto("/accounts/login/?next=/rfcs/new/")
    page.get_by_label("Username").fill("cora")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/rfcs/new/")
    page.get_by_label("Title").fill("Diagrams in RFCs")
    page.get_by_label("Text").fill(
        "# Summary\n\nThe flow:\n\n```mermaid\nsequenceDiagram\n  accTitle: A host call\n"
        "  Wasm->>Host: array call\n  Host-->>Wasm: results\n```\n"
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    preview.locator("pre.mermaid[data-diagram=drawn] svg").wait_for(timeout=30_000)
    assert page.url.endswith("/rfcs/new/")  # swapped in place by htmx
    assert preview.locator("svg[role=img]").get_attribute("aria-label").startswith("A host call")
    assert "Wasm->>Host: array call" in preview.locator("details.diagram-source code").text_content()
    assert page.evaluate("window.__csp") == []
    page.set_viewport_size(PHONE)
    assert overflow(page)["extra"] == 0
    preview.locator("pre.mermaid").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "diagram-preview-phone")), full_page=False)


def test_a_diagram_in_a_decision_record_is_drawn_on_a_phone_with_no_axe_violation(page):
    decision = make_decision(
        number=1,
        context="Where the code would live:\n\n```mermaid\nflowchart LR\n  cli[wasmtime CLI] --> intree[in-tree crate]\n"
        "  cli --> dylib[dynamic library]\n  cli --> rpc[RPC host]\n```\n",
    )
    page.add_init_script(LISTEN)
    page.set_viewport_size(PHONE)
    page.goto(decision.get_absolute_url())
    page.locator("pre.mermaid[data-diagram=drawn] svg").wait_for(timeout=30_000)
    assert page.locator("pre.mermaid svg .node").count() == 4
    assert (
        page.locator("pre.mermaid svg[role=img]")
        .get_attribute("aria-label")
        .startswith("Diagram (flowchart)")
    )
    assert page.evaluate("window.__csp") == []
    assert overflow(page)["extra"] == 0
    results = Axe().run(page).response
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]] == []
    page.locator("pre.mermaid").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "diagram-decision-phone")), full_page=False)
