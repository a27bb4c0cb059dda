"""Rendering stays linear on hostile Markdown: repeated headings, and no render inside a write.

"## T\n" * 30000 (146 KB) took 25 s to render: each repeated heading's unique anchor was found by
trying t-1, t-2, ... from the start. The render ran while SQLite's write lock was held, so a
second save meanwhile failed with "database is locked".
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from decisions import markdown
from decisions.markdown.anchors import heading_anchors
from decisions.markdown.parser import parser
from tests.factories import make_decision, make_rfc
from tests.test_decision_edit import make_editor, record_data
from tests.test_rfc_edit import form_data as rfc_form_data

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once


def test_thirty_thousand_equal_headings_render_with_distinct_anchors():
    # How long this takes (25 s before, about 1 s now) is held by `make bench-hostile`.
    rendered = markdown.render_document("## T\n" * 30_000)
    ids = [heading.id for heading in rendered.toc]
    assert ids[:3] == ["user-content-t", "user-content-t-1", "user-content-t-2"]
    assert ids[-1] == "user-content-t-29999"
    assert len(set(ids)) == 30_000


def test_anchoring_forty_thousand_equal_headings_numbers_each_one():
    tokens = parser().parse("## T\n" * 40_000)
    for token in tokens:
        token.attrs.pop("id", None)
    heading_anchors(SimpleNamespace(tokens=tokens))  # timed by `make bench-hostile`
    assert tokens[-3].attrGet("id") == "t-39999"


def test_a_heading_named_like_a_numbered_anchor_keeps_ids_unique():
    rendered = markdown.render_document("# T\n\n# T-1\n\n# T\n\n# T\n\n# T-2-1\n\n# T-2\n")
    ids = [heading.id.removeprefix("user-content-") for heading in rendered.toc]
    assert ids == ["t", "t-1", "t-2", "t-3", "t-2-1", "t-2-2"]


@pytest.mark.django_db(transaction=True)
def test_saving_a_decision_renders_its_markdown_before_the_write_transaction(client, renders_in_transactions):
    client.force_login(make_editor())
    decision = make_decision(number=1)
    renders_in_transactions.clear()
    data = record_data(decision, context="## T\n" * 2000, rationale="Because.", consequences="Less.")
    assert client.post(f"/decisions/{decision.number}/edit/", data).status_code == 302
    assert renders_in_transactions and not any(renders_in_transactions)
    decision.refresh_from_db()
    assert decision.context_html.count("<h2") == 2000 and decision.rationale_html == "<p>Because.</p>\n"


@pytest.mark.django_db(transaction=True)
def test_editing_an_rfc_renders_its_markdown_before_the_write_transaction(client, renders_in_transactions):
    rfc = make_rfc(number=6)
    client.force_login(User.objects.create_superuser("staff", password="pw"))
    renders_in_transactions.clear()
    assert client.post("/rfcs/6/edit/", rfc_form_data(rfc, body="## T\n" * 2000)).status_code == 302
    assert renders_in_transactions and not any(renders_in_transactions)
    rfc.refresh_from_db()
    assert rfc.body_html.count("<h2") == 2000
