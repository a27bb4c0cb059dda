"""/decisions/<number>/: the record in reading order, the matrix, rationale and alternatives."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from decisions.models import (
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionPrecedent,
    DecisionStatus,
    Option,
    PendingReference,
    Precedent,
    Topic,
)
from tests.factories import make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided():
    """A 3x2 decision with the in-tree option chosen."""
    decision = make_decision(
        number=7, title="Where do shared WASI implementations live?", owner=make_person("Till S")
    )
    stability = Criterion.objects.create(decision=decision, name="Stability", weight=5, order=1)
    cost = Criterion.objects.create(decision=decision, name="Supply-chain cost", weight=3, order=2)
    in_tree = Option.objects.create(decision=decision, name="In-tree subproject", order=1)
    rpc = Option.objects.create(
        decision=decision, name="RPC service", order=2, why_not="Too slow for hot paths."
    )
    dylib = Option.objects.create(decision=decision, name="Dynamic library", order=3)
    ratings = {
        (in_tree, stability): (1, "Feature-flagged"), (in_tree, cost): (2, "One cargo vet"),
        (rpc, stability): (2, "Process isolation"), (rpc, cost): (-2, "Two stacks to audit"),
        (dylib, stability): (-2, "No stable Rust ABI"), (dylib, cost): (0, ""),
    }  # fmt: skip
    for (option, criterion), (rating, note) in ratings.items():
        Assessment.objects.create(option=option, criterion=criterion, rating=rating, note=note)
    decision.chosen_option = in_tree
    decision.status = DecisionStatus.ACCEPTED
    decision.rationale = "Reviewed *once*, shipped with the CLI."
    decision.save()
    return decision


def page(client, decision: Decision) -> str:
    response = client.get(decision.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_sections_come_in_reading_order(client, decided):
    body = page(client, decided)
    headings = [
        "Context and problem statement", "Owners", "Options matrix", "Rationale",
        "Alternatives considered", "Consequences", "Related RFCs", "Discussed in", "Precedents",
        "Status timeline",
    ]  # fmt: skip
    positions = [body.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)


def test_each_cell_shows_a_symbol_a_colour_and_words_with_its_note(client, decided):
    body = page(client, decided)
    assert '<td class="cell r-neg2" title="Two stacks to audit">' in body
    assert '<span class="label">Strongly against</span>' in body
    assert "<strong>RPC service</strong> × Supply-chain cost (strongly against): Two stacks to audit" in body


def test_criteria_show_their_weights_and_rows_their_weighted_totals(client, decided):
    body = page(client, decided)
    assert 'Stability <span class="weight">weight 5</span>' in body
    assert "<strong>+11</strong>" in body  # in-tree: 1*5 + 2*3
    assert "<strong>+4</strong>" in body  # rpc: 2*5 - 2*3
    assert "<strong>-10</strong>" in body  # dylib: -2*5


def test_the_chosen_option_is_highlighted(client, decided):
    body = page(client, decided)
    assert '<tr class="chosen">' in body
    assert 'In-tree subproject <span class="status status-accepted">Chosen</span>' in body


def test_rationale_gives_the_record_text_and_the_strongest_assessments(client, decided):
    body = page(client, decided)
    rationale = body[body.index('id="rationale"') : body.index('id="alternatives"')]
    assert "Chosen: <strong>In-tree subproject</strong> (weighted total +11, rank 1 of 3)" in rationale
    assert "Reviewed <em>once</em>, shipped with the CLI." in rationale
    assert rationale.index("Supply-chain cost") < rationale.index("Stability")  # +6 before +5


def test_alternatives_list_pros_cons_and_why_not(client, decided):
    body = page(client, decided)
    alternatives = body[body.index('id="alternatives"') : body.index('id="consequences"')]
    assert "RPC service" in alternatives and "Dynamic library" in alternatives
    assert "In-tree subproject" not in alternatives.split("Why not chosen")[0].split("RPC service")[0]
    assert "Stability: Process isolation" in alternatives
    assert "Supply-chain cost: Two stacks to audit" in alternatives
    assert "Too slow for hot paths." in alternatives
    assert (
        "Weighted total -10 against +11 for “In-tree subproject”. Weaker on Stability, Supply-chain cost."
        in alternatives
    )


def test_links_meetings_precedents_and_unresolved_references_are_shown(client, decided):
    rfc = make_rfc(number=6)
    decided.related_rfcs.add(rfc)
    DecisionMeeting.objects.create(decision=decided, meeting=make_meeting())
    precedent = Precedent.objects.create(
        title="KEP 178",
        url="https://github.com/kubernetes/enhancements/issues/178",
        lessons="Migrations take *years*.",
    )
    DecisionPrecedent.objects.create(decision=decided, precedent=precedent, note="Out of tree is a long road")
    PendingReference.objects.create(decision=decided, kind="rfc", key="99", label="RFC 99")
    body = page(client, decided)
    assert "RFC 6:" in body and "Wasmtime project call, 2023-03-30" in body
    assert "Out of tree is a long road" in body and "Migrations take <em>years</em>." in body
    assert 'RFC 99 <span class="small">(not on this site yet: kept as written)</span>' in body


def test_a_pending_rfc_reference_resolves_when_the_rfc_arrives(client, decided):
    PendingReference.objects.create(decision=decided, kind="rfc", key="99", label="RFC 99")
    make_rfc("Late arrival", number=99)
    assert list(decided.related_rfcs.values_list("number", flat=True)) == [99]
    assert not PendingReference.objects.exists()


def test_an_undecided_record_says_so(client):
    decision = make_decision(number=2, options=2, criteria=2)
    body = page(client, decision)
    assert "No option has been chosen yet." in body
    assert "Options under consideration" in body


def _count(count_queries, decision):
    return count_queries(decision.get_absolute_url())


def test_the_page_runs_the_same_queries_for_a_2x2_and_an_8x10_matrix(count_queries):
    small = make_decision(number=1, options=2, criteria=2)
    large = make_decision(number=2, options=8, criteria=10)
    assert _count(count_queries, small) == _count(count_queries, large)


def test_the_list_runs_the_same_queries_for_3_and_100_decisions(count_queries):
    owner = make_person("Till S")
    for number in range(1, 4):
        make_decision(number=number, owner=owner, options=2, criteria=2)
    small = count_queries(reverse("decisions:decision-list"))
    for number in range(4, 101):
        make_decision(number=number, owner=make_person(f"Owner {number}"))
    assert count_queries(reverse("decisions:decision-list")) == small


def test_the_list_filters_by_status_owner_and_area(client):
    till, nick = make_person("Till S"), make_person("Nick F")
    make_decision(number=1, title="Open one?", owner=till)
    make_decision(number=2, title="Accepted one?", owner=nick, status=DecisionStatus.ACCEPTED)
    url = reverse("decisions:decision-list")
    assert [d.number for d in client.get(url, {"status": "accepted"}).context["page"].object_list] == [2]
    assert [d.number for d in client.get(url, {"owner": till.slug}).context["page"].object_list] == [1]


def test_the_list_shows_when_each_decision_was_last_discussed(client):
    decision = make_decision(number=1)
    DecisionMeeting.objects.create(decision=decision, meeting=make_meeting())
    DecisionMeeting.objects.create(decision=decision, meeting=make_meeting(date=datetime.date(2023, 4, 13)))
    body = client.get(reverse("decisions:decision-list")).content.decode()
    assert '<time datetime="2023-04-13">2023-04-13</time>' in body


def test_a_pending_meeting_reference_with_a_topic_waits_for_that_topic():
    decision = make_decision(number=3)
    PendingReference.objects.create(
        decision=decision, kind="meeting", key="2023-03-30/wasmtime-project-call", label="Wasmtime project call",
        topic="Shared WASI",
    )  # fmt: skip
    meeting = make_meeting()
    assert not DecisionMeeting.objects.exists()
    topic = Topic.objects.create(meeting=meeting, order=1, title="Shared WASI")
    assert DecisionMeeting.objects.get().topic == topic
    assert not PendingReference.objects.exists()
