"""/rfcs/<number>/: the rendered text, its contents, people and what references it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from decisions.models import RFC, DecisionMeeting, RFCStatus
from tests.factories import make_area, make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture
def rfc():
    author, shepherd = make_person("Till S"), make_person("Nick F")
    rfc = make_rfc(number=42, authors=[author], areas=[make_area("wasi")], shepherd=shepherd)
    rfc.discussion_url = "https://github.com/bytecodealliance/rfcs/pull/42"
    rfc.save()
    return rfc


def test_it_shows_the_rendered_text_with_code_tables_and_footnotes(client, rfc):
    body = client.get(rfc.get_absolute_url()).content.decode()
    assert '<h1 id="user-content-summary">Summary</h1>' in body
    assert '<pre tabindex="0" class="highlight"><code class="language-rust">' in body
    assert "<th>Option</th>" in body
    assert 'class="footnote-ref"' in body


def test_it_links_to_each_section_and_has_a_table_of_contents(client, rfc):
    body = client.get(rfc.get_absolute_url()).content.decode()
    for anchor in ("summary", "motivation", "proposal", "rationale-and-alternatives", "open-questions"):
        assert f'href="#user-content-{anchor}"' in body and f'id="user-content-{anchor}"' in body
    assert 'aria-label="Table of contents"' in body
    assert '<li class="level-2"><a href="#user-content-the-new-crate">The new crate</a></li>' in body


def test_it_shows_status_people_areas_and_dates(client, rfc):
    body = client.get(rfc.get_absolute_url()).content.decode()
    assert "Draft" in body
    assert ">Till S</a>" in body and ">Nick F</a>" in body
    assert "?area=wasi" in body
    assert "2023-03-30" in body
    assert "https://github.com/bytecodealliance/rfcs/pull/42" in body


def test_it_lists_the_decisions_and_meetings_that_reference_it(client, rfc):
    decision = make_decision(number=1)
    decision.related_rfcs.add(rfc)
    meeting = make_meeting()
    meeting.rfcs.add(rfc)
    body = client.get(rfc.get_absolute_url()).content.decode()
    assert "DR-0001: Where do shared WASI API implementations live?" in body
    assert meeting.get_absolute_url() in body


def test_it_shows_what_supersedes_it(client, rfc):
    newer = make_rfc("Shared WASI, second take", number=43, supersedes=rfc)
    body = client.get(rfc.get_absolute_url()).content.decode()
    assert "Superseded by" in body and newer.get_absolute_url() in body


def test_an_unknown_number_is_a_404(client):
    assert client.get(reverse("decisions:rfc-detail", args=[999])).status_code == 404


def test_user_markdown_cannot_inject_script_into_the_page(client):
    rfc = make_rfc(number=5, body='# Hi\n\n<script>alert("x")</script>\n\n[x](javascript:alert(1))\n')
    body = client.get(rfc.get_absolute_url()).content.decode()
    assert 'alert("x")' not in body
    assert 'href="javascript:' not in body
    assert "<p>[x](javascript:alert(1))</p>" in body  # shown as text, not a link


def test_the_page_runs_the_same_number_of_queries_however_much_links_to_it(count_queries, rfc):
    url = rfc.get_absolute_url()
    small = count_queries(url)
    people = [make_person(f"Person {i}") for i in range(20)]
    rfc.authors.add(*people)
    for number in range(1, 60):
        decision = make_decision(number=number)
        decision.related_rfcs.add(rfc)
        meeting = make_meeting(title=f"Call {number}")
        meeting.rfcs.add(rfc)
        DecisionMeeting.objects.create(decision=decision, meeting=meeting)
        make_rfc(f"Follow-up {number}", number=100 + number, supersedes=rfc)
    for status in (RFCStatus.PROPOSED, RFCStatus.FCP, RFCStatus.ACCEPTED):
        rfc.status = status
        rfc.record_change()
    assert count_queries(url) == small


def test_markdown_is_not_rendered_per_request(client, rfc, monkeypatch):
    from decisions import markdown

    def fail(*args, **kwargs):
        raise AssertionError("rendered Markdown during a request")

    monkeypatch.setattr(markdown, "render_document", fail)
    assert client.get(rfc.get_absolute_url()).status_code == 200
    assert RFC.objects.get(pk=rfc.pk).body_html
