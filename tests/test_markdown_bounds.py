"""Rendering stays linear on hostile Markdown: repeated headings, and no render inside a write.

"## T\n" * 30000 (146 KB) took 25 s to render: each repeated heading's unique anchor was found by
trying t-1, t-2, ... from the start. The render ran while SQLite's write lock was held, so a
second save meanwhile failed with "database is locked".
"""

from __future__ import annotations

import time
from types import SimpleNamespace

from decisions import markdown


def test_thirty_thousand_equal_headings_render_in_seconds_with_distinct_anchors():
    started = time.monotonic()
    rendered = markdown.render_document("## T\n" * 30_000)
    elapsed = time.monotonic() - started
    ids = [heading.id for heading in rendered.toc]
    assert ids[:3] == ["t", "t-1", "t-2"] and ids[-1] == "t-29999"
    assert len(set(ids)) == 30_000
    assert elapsed < 10, f"{elapsed:.1f} s (25 s before)"


def test_anchoring_forty_thousand_equal_headings_takes_well_under_a_second():
    tokens = markdown._parser().parse("## T\n" * 40_000)
    for token in tokens:
        token.attrs.pop("id", None)
    started = time.monotonic()
    markdown._heading_anchors(SimpleNamespace(tokens=tokens))
    assert time.monotonic() - started < 1  # quadratic before: 51 s for 20,000 here
    assert tokens[-3].attrGet("id") == "t-39999"


def test_a_heading_named_like_a_numbered_anchor_keeps_ids_unique():
    rendered = markdown.render_document("# T\n\n# T-1\n\n# T\n\n# T\n\n# T-2-1\n\n# T-2\n")
    assert [heading.id for heading in rendered.toc] == ["t", "t-1", "t-2", "t-3", "t-2-1", "t-2-2"]
