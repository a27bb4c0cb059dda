"""The meeting page marks a remark the notes give to no one as a note, in place, at any width."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import MeetingSeries
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = """# Wasmtime project call

## Attendees
- Till Brennecke
- Nick Fallow

## Exceptions
- Till: cg-cliff needs exceptions before the next release
    - Exceptions on cg-cliff are being worked on by Bjarne (?)
- Nick: the spec text is stable
"""


def _axe_violations(page: object) -> list[dict]:
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
    page.evaluate(script)  # type: ignore[attr-defined]
    result = page.evaluate("async () => JSON.stringify((await axe.run()).violations)")  # type: ignore[attr-defined]
    return json.loads(result)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_note_under_a_speakers_bullet_is_marked_and_indented(page, width):
    series = MeetingSeries.objects.create(name="Wasmtime", slug="wasmtime")
    meeting = save_meeting(
        parse_meeting(NOTES), series=series, date=datetime.date(2023, 3, 30), source_text=NOTES
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(meeting.get_absolute_url())
    note = page.locator("li.remark-note")
    assert note.inner_text().startswith("note")
    till = page.locator("li.remark", has_text="cg-cliff needs").locator(".speaker")
    mark = note.locator(".note-mark")
    assert mark.bounding_box()["x"] > till.bounding_box()["x"]  # indented under Till's bullet
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"meeting-note-remark-{width}")
    assert _axe_violations(page) == []
