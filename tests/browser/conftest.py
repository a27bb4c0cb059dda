"""Headless Chromium through Playwright: Debian's /usr/bin/chromium, never a downloaded browser."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

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
def one_request_at_a_time_on_in_memory_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    """The live server's threads share the test's one in-memory SQLite connection, which fails
    ("database table is locked") when two requests write at once; a real database makes the
    second wait. So do the same here: requests still arrive together, and are served in turn."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return
    lock = threading.Lock()
    original = WSGIHandler.__call__

    def in_turn(self: WSGIHandler, environ: dict, start_response: object) -> object:
        with lock:
            return original(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", in_turn)


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
