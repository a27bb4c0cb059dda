"""The home page and the meeting, decision, precedent and person pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from decisions.models import ActionItem, DecisionPrecedent, Precedent, Remark, Topic
from tests.factories import make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db


def test_home_shows_recent_rfcs_open_decisions_actions_and_meetings(client):
    till = make_person("Till S")
    make_rfc("Shared WASI implementations", number=1)
    make_decision(number=1, owner=till)
    meeting = make_meeting()
    ActionItem.objects.create(owner=till, text="Get the RFC written", meeting=meeting)
    body = client.get("/").content.decode()
    assert "RFC 1: Shared WASI implementations" in body
    assert "DR-0001: Where do shared WASI API implementations live?" in body
    assert "Get the RFC written" in body
    assert "Wasmtime project call, 2023-03-30" in body


def test_a_meeting_shows_topics_with_who_said_what(client):
    nick = make_person("Nick F", aliases=["Nick"])
    meeting = make_meeting()
    meeting.attendees.add(nick)
    topic = Topic.objects.create(meeting=meeting, order=1, title="Shared WASI implementations")
    Remark.objects.create(
        topic=topic, order=1, speaker=nick, speaker_name="Nick", text="Keep it **in tree**."
    )
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Shared WASI implementations" in body
    assert f'href="{nick.get_absolute_url()}">Nick F</a>: <p>Keep it <strong>in tree</strong>.</p>' in body


def test_the_decision_page_shows_owners_options_and_precedents(client):
    decision = make_decision(number=1, owner=make_person("Till S"), options=2, criteria=1)
    precedent = Precedent.objects.create(
        title="KEP 178", url="https://github.com/kubernetes/enhancements/issues/178"
    )
    DecisionPrecedent.objects.create(decision=decision, precedent=precedent, note="A long migration")
    body = client.get(decision.get_absolute_url()).content.decode()
    assert 'Till S</a> <span class="role">Owner</span>' in body
    assert "Option 0" in body and "Option 1" in body
    assert "KEP 178" in body and "A long migration" in body


def test_the_precedent_page_lists_the_decisions_citing_it(client):
    decision = make_decision(number=3)
    precedent = Precedent.objects.create(title="CSI migration", url="https://kubernetes.io/blog/x")
    DecisionPrecedent.objects.create(decision=decision, precedent=precedent)
    body = client.get(precedent.get_absolute_url()).content.decode()
    assert "DR-0003" in body


def test_a_person_page_lists_what_they_own_wrote_and_must_do(client):
    till = make_person("Till S")
    make_decision(number=1, owner=till)
    make_rfc("Shared WASI implementations", number=6, authors=[till])
    ActionItem.objects.create(owner=till, text="Get the RFC written")
    body = client.get(reverse("decisions:person-detail", args=[till.slug])).content.decode()
    assert (
        "DR-0001" in body and "RFC 6: Shared WASI implementations" in body and "Get the RFC written" in body
    )


def test_a_person_page_costs_the_same_queries_for_two_records_or_twenty(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decisions.models import Meeting, RFCSeries

    till, other = make_person("Till S"), make_person("Nick F")

    def give(person, start: int, count: int) -> None:
        for n in range(start, start + count):
            make_rfc(f"RFC by {person.name} {n}", number=n, authors=[person], series=RFCSeries.PEP)
            make_rfc(f"Shepherded {n}", number=n, shepherd=person)
            make_decision(number=n, owner=person)
            meeting = make_meeting()
            Meeting.attendees.through.objects.create(meeting=meeting, person=person)
            ActionItem.objects.create(owner=person, text=f"Item {n}", meeting=meeting)

    def queries(person) -> int:
        url = reverse("decisions:person-detail", args=[person.slug])
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url, HTTP_COOKIE="sessionid=x").content.decode()
        assert f"PEP {200 if person == till else 300}" in body  # the series is in each label
        return len(captured.captured_queries)

    give(till, 200, 2)
    give(other, 300, 20)
    assert queries(till) == queries(other)


def test_unknown_records_are_404s(client):
    for url in ("/meetings/999/", "/decisions/999/", "/precedents/999/", "/people/nobody/"):
        assert client.get(url).status_code == 404, url


def test_a_missing_page_is_a_page_in_the_sites_design_that_says_what_to_do(client, settings):
    settings.DEBUG = False
    response = client.get("/rfcs/99999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site-header"' in html and "There is nothing here" in html
    assert "No RFC 99999." in html  # the view's reason
    assert 'href="/search/"' in html


def test_a_server_error_page_needs_no_request_or_database():
    from django.template import loader

    html = loader.render_to_string("500.html")
    assert 'class="site-header"' in html and "Something went wrong" in html
