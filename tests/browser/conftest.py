"""Headless Chromium through Playwright: Debian's /usr/bin/chromium, never a downloaded browser.

Acting on htmx-driven elements: use `wait_for_htmx(page)` and `htmx_request(page, url)` below.
htmx is a deferred script: it binds the page's hx-* elements on DOMContentLoaded, and binds what
it swaps in only when that settles (20 ms after the swap). Playwright does not wait for either: a
locator is ready as soon as the element is in the DOM, `expect(page).to_have_url(...)` passes
when the navigation commits, and a click's navigation is not awaited. A click or a `change` on an
element htmx has not bound yet is the browser's plain one (a full-page form post, a link followed,
or nothing at all for a select), so the test then waits for an answer that never comes or reads
a page that was never updated. Likewise `expect(...)` retries for 5 s only, which a loaded CI
machine can exceed, while `expect_response` waits 30 s for the answer itself.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# `expect(...)` retries for 5 s unless told otherwise, while actions and `expect_response` wait
# 30 s: on a loaded 2-core CI machine a page load or a form post and its redirect can take
# longer than 5 s. What an assertion checks is unchanged; it is only given the time an action has.
EXPECT_TIMEOUT_MS = 20_000
# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def one_request_at_a_time_on_in_memory_sqlite(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The live server's threads share the test's one in-memory SQLite connection, which fails
    ("database table is locked") when two requests write at once; a real database makes the
    second wait. So do the same here: requests still arrive together, and are served in turn.

    The test's own queries (a fixture's, an assertion's) go through that same connection object,
    whose transaction state Django keeps on it: one run while a request is inside its transaction
    would join it. So they take the same lock, one query at a time (it is re-entrant: the request
    holding it runs its queries through the same wrapper)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    lock = threading.RLock()
    original = WSGIHandler.__call__

    def in_turn(self: WSGIHandler, environ: dict, start_response: object) -> object:
        with lock:
            return original(self, environ, start_response)

    def query_in_turn(execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
        with lock:
            return execute(sql, params, many, context)

    monkeypatch.setattr(WSGIHandler, "__call__", in_turn)
    with connection.execute_wrapper(query_in_turn):
        yield


def expected(text: str) -> bool:
    """Validation answers (409 stale, 422 invalid) are part of the design, not page errors."""
    return text.startswith("Failed to load resource") and ("(Conflict)" in text or "(Unprocessable" in text)


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error" and not expected(message.text) and errors.append(message.text)
        ),
    )
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot under artifacts/ (git-ignored) for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Elements htmx binds: whatever issues a request or carries a trigger (outside [hx-disable]).
HTMX_ELEMENTS = ", ".join(
    f"[{prefix}hx-{name}]"
    for prefix in ("", "data-")
    for name in ("get", "post", "put", "patch", "delete", "trigger")
)
# True once htmx has processed the document (it keeps its state on each element it binds, under
# the property "htmx-internal-data"), every hx-* element is bound (content swapped in is bound
# when it settles), and no request is in flight, swapping or settling.
HTMX_READY = f"""() => {{
    if (!window.htmx || document.readyState === "loading" || !document.body) return false;
    if (!document.body["htmx-internal-data"]) return false;
    if (document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")) return false;
    return [...document.querySelectorAll({HTMX_ELEMENTS!r})].every(
        (element) => element["htmx-internal-data"] || element.closest("[hx-disable], [data-hx-disable]"));
}}"""


def wait_for_htmx(page: object, timeout: float | None = None) -> None:
    """Wait until htmx has bound every hx-* element of the page and no htmx request is in flight.

    Call it after a navigation (a click on a link or a plain form's button, `page.goto` is
    enough on its own as it waits for the load event) and before acting on an element htmx drives
    when not using `htmx_request`, or before reading a page whose htmx parts may still load."""
    page.wait_for_function(HTMX_READY, timeout=timeout)  # type: ignore[attr-defined]


@contextmanager
def htmx_request(
    page: object,
    url: str | re.Pattern[str] | Callable[[str], bool],
    *,
    method: str | None = None,
) -> Iterator[object]:
    """Do one htmx action inside the block and return once its answer is swapped in and settled.

        with htmx_request(page, "/matrix/", method="POST"):
            page.get_by_label("Rating of A on Cost").select_option("2")
        expect(page.get_by_role("status")).to_contain_text("Rated")

    Before the block: waits until htmx has bound the page (see the module's docstring). The block
    must start exactly one htmx request whose URL contains `url` (or matches the pattern, or for
    which the callable is true); it fails after 30 s if none is answered, which includes the action
    having become a plain browser request (no HX-Request header). After the block: waits until
    the swap has settled and what it brought in is bound, so the next action and every assertion
    see the answer. `as info` gives Playwright's response (`info.value`) to inspect."""

    def wanted(response: object) -> bool:
        request = response.request  # type: ignore[attr-defined]
        if request.headers.get("hx-request") != "true" or (method and request.method != method):
            return False
        if isinstance(url, str):
            return url in response.url  # type: ignore[attr-defined]
        if isinstance(url, re.Pattern):
            return url.search(response.url) is not None  # type: ignore[attr-defined]
        return url(response.url)  # type: ignore[attr-defined]

    wait_for_htmx(page)
    with page.expect_response(wanted) as response_info:  # type: ignore[attr-defined]
        yield response_info
    wait_for_htmx(page)
