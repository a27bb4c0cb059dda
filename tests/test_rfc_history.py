"""/rfcs/<number>/history/ and /rfcs/<number>.md."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from decisions.models import RFCStatus
from tests.factories import make_area, make_person, make_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited_rfc():
    rfc = make_rfc(number=9, body="# Summary\n\nFirst idea.\n")
    rfc.body = "# Summary\n\nBetter idea.\n"
    rfc.status = RFCStatus.PROPOSED
    rfc.record_change(message="Reworded the summary", note="Opened the pull request")
    return rfc


def test_history_lists_every_revision_newest_first_with_its_message(client, edited_rfc):
    body = client.get(reverse("decisions:rfc-history", args=[9])).content.decode()
    assert body.index("Revision 2") < body.index("Revision 1")
    assert "Reworded the summary" in body


def test_each_revision_shows_its_diff_against_the_one_before(client, edited_rfc):
    body = client.get(reverse("decisions:rfc-history", args=[9])).content.decode()
    assert '<span class="del"><span class="visually-hidden">removed: </span>-First idea.</span>' in body
    assert '<span class="add"><span class="visually-hidden">added: </span>+Better idea.</span>' in body


def test_history_shows_status_changes_with_their_notes(client, edited_rfc):
    body = client.get(reverse("decisions:rfc-history", args=[9])).content.decode()
    assert "Draft → <strong>Proposed</strong>" in body
    assert "Opened the pull request" in body


def test_history_runs_the_same_queries_for_2_and_30_revisions(count_queries, edited_rfc):
    url = reverse("decisions:rfc-history", args=[9])
    small = count_queries(url)
    for n in range(28):
        edited_rfc.body += f"\nLine {n}\n"
        edited_rfc.record_change()
    assert count_queries(url) == small


def test_the_markdown_download_has_front_matter_and_the_body(client):
    rfc = make_rfc(
        number=11, body="# Summary\n\nText.\n", authors=[make_person("Till S")], areas=[make_area("wasi")]
    )
    response = client.get(reverse("decisions:rfc-markdown", args=[rfc.number]))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["number"] == 11 and meta["status"] == "draft"
    assert meta["authors"] == ["Till S"] and meta["areas"] == ["wasi"]
    assert body == "\n# Summary\n\nText.\n"
