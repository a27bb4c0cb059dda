"""/api/: the read-only JSON API, its errors, its query counts, and its documentation page."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from decisions.api.docs import ENDPOINTS
from decisions.api.plumbing import MAX_PER_PAGE
from decisions.models import (
    RFC,
    ActionItem,
    Assessment,
    Criterion,
    DecisionMeeting,
    DecisionPrecedent,
    DecisionStatus,
    MeetingSeries,
    Option,
    Precedent,
    PrecedentKind,
    Remark,
    RFCStatus,
    Topic,
)
from decisions.records import matrix
from tests.factories import make_area, make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db


def get_json(client, url: str, expect: int = 200, **params: object) -> dict:
    response = client.get(url, params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def catalogue():
    """Three RFCs by two authors in two areas."""
    till, nick = make_person("Till S"), make_person("Nick F")
    wasi, cranelift = make_area("wasi"), make_area("cranelift")
    make_rfc("Shared WASI implementations", number=1, authors=[till], areas=[wasi], shepherd=nick)
    make_rfc("Exception handling", number=2, status=RFCStatus.ACCEPTED, authors=[nick], areas=[cranelift])
    make_rfc("Wasmtime LTS releases", number=3, status=RFCStatus.ACCEPTED, authors=[till, nick])
    return {"till": till, "nick": nick}


@pytest.fixture
def decided():
    """DR-0007: a 3x2 matrix with the in-tree option chosen, discussed once, citing a precedent."""
    till = make_person("Till S")
    decision = make_decision("Where do shared WASI implementations live?", number=7, owner=till)
    stability = Criterion.objects.create(decision=decision, name="Stability", weight=5, order=1)
    cost = Criterion.objects.create(decision=decision, name="Supply-chain cost", weight=3, order=2)
    in_tree = Option.objects.create(decision=decision, name="In-tree subproject", order=1)
    rpc = Option.objects.create(decision=decision, name="RPC service", order=2, why_not="Too slow.")
    dylib = Option.objects.create(decision=decision, name="Dynamic library", order=3)
    for option, criterion, rating in [
        (in_tree, stability, 1), (in_tree, cost, 2), (rpc, stability, 2), (rpc, cost, -2), (dylib, stability, -2),
    ]:  # fmt: skip
        Assessment.objects.create(option=option, criterion=criterion, rating=rating)
    decision.chosen_option = in_tree
    decision.status = DecisionStatus.ACCEPTED
    decision.decided_on = datetime.date(2023, 4, 20)
    decision.save()
    meeting = make_meeting(datetime.date(2023, 4, 13))
    DecisionMeeting.objects.create(decision=decision, meeting=meeting)
    precedent = Precedent.objects.create(title="Kubernetes providers", url="https://k8s.example/1")
    DecisionPrecedent.objects.create(decision=decision, precedent=precedent, note="Same move.")
    return decision


# Lists and pagination ------------------------------------------------------------------


def test_the_rfc_list_answers_with_the_page_envelope(client, catalogue):
    data = get_json(client, "/api/rfcs/")
    assert {k: data[k] for k in ("count", "page", "pages", "next", "previous")} == {
        "count": 3, "page": 1, "pages": 1, "next": None, "previous": None,
    }  # fmt: skip
    assert [rfc["number"] for rfc in data["results"]] == [3, 2, 1]


def test_an_rfc_in_a_list_has_stable_fields_iso_dates_and_both_urls(client, catalogue):
    rfc = get_json(client, "/api/rfcs/", q="1")["results"][0]
    assert rfc == {
        "number": 1,
        "series": "",
        "label": "RFC 1",
        "title": "Shared WASI implementations",
        "status": "draft",
        "status_label": "Draft",
        "authors": [{"name": "Till S", "slug": "till-s", "url": "http://testserver/people/till-s/"}],
        "shepherd": {"name": "Nick F", "slug": "nick-f", "url": "http://testserver/people/nick-f/"},
        "areas": [{"slug": "wasi", "name": "wasi"}],
        "created": "2023-03-30",
        "updated": rfc["updated"],
        "discussion_url": None,
        "url": "http://testserver/rfcs/1/",
        "api_url": "http://testserver/api/rfcs/1/",
    }
    assert datetime.datetime.fromisoformat(rfc["updated"]).tzinfo is not None


def test_next_and_previous_link_the_neighbouring_pages_and_keep_the_filters(client, catalogue):
    data = get_json(client, "/api/rfcs/", per_page=1, page=2, author="till-s")
    assert data["count"] == 2 and data["pages"] == 2
    assert data["previous"] == "http://testserver/api/rfcs/?per_page=1&page=1&author=till-s"
    assert data["next"] is None
    first = get_json(client, "/api/rfcs/", per_page=1, author="till-s")
    assert first["next"] == "http://testserver/api/rfcs/?per_page=1&author=till-s&page=2"
    assert [r["number"] for r in first["results"]] == [3]


def test_per_page_above_the_cap_is_capped(client):
    from decisions.models import RFC

    RFC.objects.bulk_create(
        RFC(number=n, title=f"RFC {n}", slug=f"rfc-{n}", created_on=datetime.date(2023, 1, 1))
        for n in range(1, MAX_PER_PAGE + 6)
    )
    data = get_json(client, "/api/rfcs/", per_page=1000)
    assert len(data["results"]) == MAX_PER_PAGE and data["pages"] == 2


@pytest.mark.parametrize(
    "params",
    [{"page": "0"}, {"page": "two"}, {"page": "-1"}, {"page": "9"}, {"per_page": "0"}, {"per_page": "1.5"}],
)
def test_a_bad_page_or_per_page_is_a_400_with_a_message(client, catalogue, params):
    data = get_json(client, "/api/rfcs/", 400, **params)
    assert data["status"] == 400
    assert next(iter(params)) in data["error"]


def test_a_bad_filter_value_is_a_400_naming_the_field(client, catalogue):
    data = get_json(client, "/api/rfcs/", 400, status="acepted")
    assert data["error"] == "Bad value for status."
    assert "acepted" in data["fields"]["status"][0]


def test_the_rfc_list_filters_like_the_page(client, catalogue):
    numbers = lambda **params: [r["number"] for r in get_json(client, "/api/rfcs/", **params)["results"]]  # noqa: E731
    assert numbers(status="accepted") == [3, 2]
    assert numbers(area="wasi") == [1]
    assert numbers(author="nick-f", sort="number") == [2, 3]
    assert numbers(q="LTS") == [3]


# Details and 404s ----------------------------------------------------------------------


def test_an_rfc_has_its_text_sections_history_and_links(client, catalogue, decided):
    decided.related_rfcs.add(catalogue["till"].rfcs_authored.get(number=1))
    data = get_json(client, "/api/rfcs/1/")
    assert data["title"] == "Shared WASI implementations"
    assert data["body"].startswith("# Summary")
    assert '<h1 id="user-content-summary"' in data["body_html"]
    assert [s["title"] for s in data["sections"]][:2] == ["Summary", "Motivation"]
    assert data["status_changes"] == [
        {"from": None, "to": "draft", "changed_at": data["status_changes"][0]["changed_at"], "note": ""}
    ]
    assert data["decisions"][0]["code"] == "DR-0007"
    assert data["markdown_url"] == "http://testserver/rfcs/1.md"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/rfcs/999/", "There is no RFC 999."),
        ("/api/decisions/999/", "There is no decision DR-0999."),
        ("/api/meetings/999/", "There is no meeting 999."),
        ("/api/precedents/999/", "There is no precedent 999."),
    ],
)
def test_an_unknown_object_is_a_404_in_json(client, url, message):
    assert get_json(client, url, 404) == {"status": 404, "error": message}


def test_the_api_only_reads(client, catalogue):
    assert client.post("/api/rfcs/").status_code == 405
    assert client.head("/api/rfcs/").status_code == 200


def test_a_decision_lists_its_owners_with_roles_and_its_outcome(client, decided):
    data = get_json(client, "/api/decisions/", status="accepted")["results"][0]
    assert data["code"] == "DR-0007"
    assert data["owners"] == [
        {"name": "Till S", "slug": "till-s", "url": "http://testserver/people/till-s/", "role": "owner"}
    ]
    assert data["chosen_option"] == "In-tree subproject"
    assert data["decided_on"] == "2023-04-20"
    assert data["last_discussed"] == "2023-04-13"


def test_the_decision_list_filters_by_status_and_owner(client, decided):
    make_decision("Another question", number=8, owner=make_person("Nick F"))
    codes = lambda **params: [d["code"] for d in get_json(client, "/api/decisions/", **params)["results"]]  # noqa: E731
    assert codes() == ["DR-0008", "DR-0007"]
    assert codes(status="open") == ["DR-0008"]
    assert codes(owner="till-s") == ["DR-0007"]


def test_the_decision_matrix_has_the_totals_and_ranks_of_the_page(client, decided):
    data = get_json(client, "/api/decisions/7/")["matrix"]
    table = matrix.for_decision(decided)
    assert [(o["name"], o["total"], o["rank"]) for o in data["options"]] == [
        (row.option.name, row.total, row.rank) for row in table.rows
    ]
    assert [o["total"] for o in data["options"]] == [11, 4, -10]
    page = client.get(decided.get_absolute_url()).content.decode()
    shown = re.findall(r'<td class="total"><strong>([+-]\d+)</strong>', page)
    assert [int(total) for total in shown] == [o["total"] for o in data["options"]]
    assert data["chosen_option"] == "In-tree subproject" and data["options"][0]["chosen"] is True
    assert data["criteria"] == [
        {"id": data["criteria"][0]["id"], "name": "Stability", "description": "", "weight": 5},
        {"id": data["criteria"][1]["id"], "name": "Supply-chain cost", "description": "", "weight": 3},
    ]
    unrated = data["options"][2]["assessments"][1]
    assert unrated["rating"] is None and unrated["label"] == "Not rated" and data["complete"] is False
    assert data["options"][1]["why_not"] == "Too slow."


def test_a_decision_links_its_meetings_precedents_and_rfcs(client, decided):
    data = get_json(client, "/api/decisions/7/")
    assert data["discussed_in"][0]["meeting"]["date"] == "2023-04-13"
    assert data["precedents"][0]["title"] == "Kubernetes providers"
    assert data["precedents"][0]["external_url"] == "https://k8s.example/1"
    assert data["precedents"][0]["note"] == "Same move."
    assert data["markdown_url"] == "http://testserver/decisions/7.md"


def test_a_decision_takes_its_links_from_the_loader_its_page_and_export_use(client, decided, monkeypatch):
    from decisions.records import pages

    asked = []
    loader = pages.decision_links
    monkeypatch.setattr(
        pages, "decision_links", lambda ids, **kw: asked.append(list(ids)) or loader(ids, **kw)
    )
    data = get_json(client, "/api/decisions/7/")
    assert asked == [[decided.pk]]
    assert data["discussed_in"][0]["meeting"]["title"] == decided.discussions.get().meeting.title


def test_a_decision_lists_the_records_superseding_it_newest_first_with_their_status(client, decided):
    make_decision("Moved again", number=9, supersedes=decided, status=DecisionStatus.PROPOSED)
    make_decision("Moved", number=8, supersedes=decided, status=DecisionStatus.ACCEPTED)
    data = get_json(client, "/api/decisions/7/")
    assert [(d["code"], d["status"]) for d in data["superseded_by"]] == [
        ("DR-0009", "proposed"),
        ("DR-0008", "accepted"),
    ]
    assert get_json(client, "/api/decisions/9/")["supersedes"]["status"] == "accepted"


@pytest.fixture
def meeting():
    till, nick = make_person("Till Schneidereit", aliases=["Till"]), make_person("Nick F")
    meeting = make_meeting(datetime.date(2023, 3, 30))
    meeting.attendees.set([till, nick])
    wasi = Topic.objects.create(meeting=meeting, order=1, title="Shared WASI implementations")
    lts = Topic.objects.create(meeting=meeting, order=2, title="LTS releases")
    Topic.objects.create(meeting=meeting, order=3, title="Other business")
    for order, speaker, text in [(1, till, "In-tree?"), (2, nick, "Yes."), (3, till, "Agreed.")]:
        Remark.objects.create(topic=wasi, order=order, speaker=speaker, speaker_name="x", text=text)
    Remark.objects.create(topic=lts, order=1, speaker_name="Guest", text="Two years.")
    ActionItem.objects.create(
        owner=till, owner_name="Till", text="Write the RFC", meeting=meeting, topic=wasi
    )
    return meeting


def test_a_meeting_counts_remarks_and_names_the_speakers_of_each_topic(client, meeting):
    data = get_json(client, f"/api/meetings/{meeting.pk}/")
    topics = [(t["title"], t["remark_count"], [s["name"] for s in t["speakers"]]) for t in data["topics"]]
    assert topics == [
        ("Shared WASI implementations", 3, ["Till Schneidereit", "Nick F"]),
        ("LTS releases", 1, ["Guest"]),
        ("Other business", 0, []),
    ]
    assert [s["name"] for s in data["speakers"]] == ["Till Schneidereit", "Nick F", "Guest"]
    assert data["speakers"][2] == {"name": "Guest", "slug": None, "url": None}
    assert data["topic_count"] == 3 and data["attendee_count"] == 2
    assert data["action_items"][0]["text"] == "Write the RFC"
    assert data["action_items"][0]["owner"]["slug"] == "till-schneidereit"


def test_the_meeting_list_filters_by_series_and_year(client, meeting):
    other = MeetingSeries.objects.create(name="WASI subgroup", slug="wasi-subgroup")
    make_meeting(datetime.date(2022, 5, 1), series=other, title="WASI subgroup")
    ids = lambda **params: [m["id"] for m in get_json(client, "/api/meetings/", **params)["results"]]  # noqa: E731
    assert len(ids()) == 2
    assert ids(series="wasmtime-project-call") == [meeting.pk]
    assert ids(year="2023") == [meeting.pk]
    assert get_json(client, "/api/meetings/", 400, year="1999")["fields"]["year"]


def test_a_precedent_keeps_its_external_address_apart_from_its_page(client, decided):
    precedent = Precedent.objects.get()
    data = get_json(client, f"/api/precedents/{precedent.pk}/")
    assert data["external_url"] == "https://k8s.example/1"
    assert data["url"] == f"http://testserver/precedents/{precedent.pk}/"
    assert data["citation_count"] == 1
    assert [(d["code"], d["note"]) for d in data["cited_by"]] == [("DR-0007", "Same move.")]


def test_the_precedent_list_filters_by_kind(client, decided):
    Precedent.objects.create(title="A paper", url="https://paper.example", kind=PrecedentKind.PAPER)
    titles = [p["title"] for p in get_json(client, "/api/precedents/", kind="paper")["results"]]
    assert titles == ["A paper"]
    assert get_json(client, "/api/precedents/", 400, kind="novel")["fields"]["kind"]


# Search ----------------------------------------------------------------------------------


def test_search_finds_records_and_links_their_api_addresses(client, catalogue):
    data = get_json(client, "/api/search/", q="exception")
    assert data["count"] == 1
    hit = data["results"][0]
    assert hit["kind"] == "rfc" and hit["title"] == "RFC 2: Exception handling"
    assert hit["url"] == "http://testserver/rfcs/2/"
    assert hit["api_url"] == "http://testserver/api/rfcs/2/"


def test_an_empty_search_finds_nothing_and_an_unknown_kind_is_a_400(client, catalogue):
    assert get_json(client, "/api/search/", q=" ")["results"] == []
    assert "novel" in get_json(client, "/api/search/", 400, q="wasi", kind="novel")["error"]


# Query counts ----------------------------------------------------------------------------


def seed(count: int) -> dict:
    """`count` rows of everything, with the related rows a naive serializer would query one by one."""
    person, area = make_person(f"Person {count}"), make_area("wasi")
    series = MeetingSeries.objects.get_or_create(slug="wasmtime-project-call", defaults={"name": "Calls"})[0]
    precedent = Precedent.objects.create(title=f"Precedent {count}", url=f"https://p.example/{count}")
    decision = make_decision(owner=person, options=count, criteria=3)
    meeting = make_meeting(datetime.date(2020, 1, 1) + datetime.timedelta(days=count), series=series)
    for i in range(count):
        rfc = make_rfc(authors=[person], areas=[area], shepherd=person)
        other = make_decision(owner=person, options=1, criteria=1)
        other.areas.add(area)
        other.related_rfcs.add(rfc)
        DecisionPrecedent.objects.create(decision=other, precedent=precedent)
        DecisionMeeting.objects.create(decision=other, meeting=meeting)
        Precedent.objects.create(title=f"Precedent {count}/{i}", url=f"https://p.example/{count}/{i}")
        topic = Topic.objects.create(meeting=meeting, order=i, title=f"Topic {i}")
        Remark.objects.create(topic=topic, speaker=make_person(f"Speaker {count}/{i}"), text="Yes.")
        ActionItem.objects.create(owner=person, text=f"Item {i}", meeting=meeting, decision=other)
        meeting.attendees.add(make_person(f"Attendee {count}/{i}"))
        make_meeting(datetime.date(2021, 1, 1) + datetime.timedelta(days=i + 100 * count), series=series)
    return {"decision": decision.number, "meeting": meeting.pk, "precedent": precedent.pk, "rfc": rfc.number}


DETAIL_URLS = {
    "rfc": "/api/rfcs/{}/",
    "decision": "/api/decisions/{}/",
    "meeting": "/api/meetings/{}/",
    "precedent": "/api/precedents/{}/",
}


@pytest.mark.parametrize(
    "url", ["/api/rfcs/", "/api/decisions/", "/api/meetings/", "/api/precedents/", "/api/search/?q=topic"]
)
def test_a_list_runs_the_same_queries_for_3_and_40_rows(count_queries, url):
    url += ("&" if "?" in url else "?") + "per_page=100"
    seed(3)
    few = count_queries(url)
    seed(40)
    assert count_queries(url) == few


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_a_detail_runs_the_same_queries_for_3_and_40_related_rows(count_queries, kind):
    few = count_queries(DETAIL_URLS[kind].format(seed(3)[kind]))
    assert count_queries(DETAIL_URLS[kind].format(seed(40)[kind])) == few


# The documentation page ----------------------------------------------------------------


def test_the_api_page_documents_every_endpoint_in_a_table(client):
    response = client.get(reverse("decisions:api"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>API</h1>" in body and '<th scope="col">Endpoint</th>' in body
    for endpoint in ENDPOINTS:
        assert f"<code>GET {escape(endpoint.path)}</code>" in body
    assert 'href="/api/">API, feeds and CSV</a>' in body


def motion_on(record: Any) -> Any:
    """An open motion with one team of one member (sign-off, issue 17)."""
    from django.utils import timezone

    from decisions.models import Team
    from decisions.signoff import flow

    team = Team.objects.create(name="Core", slug="core")
    team.members.add(make_person("Member M"))
    return flow.propose(
        record, person=None, disposition="accept", teams=[team], summary="", now=timezone.now()
    )


def test_the_documented_examples_have_the_fields_of_real_responses(client, catalogue, decided, meeting):
    real = {
        "/api/rfcs/": "/api/rfcs/",
        "/api/rfcs/<number>/": "/api/rfcs/1/",
        "/api/decisions/": "/api/decisions/",
        "/api/decisions/<number>/": "/api/decisions/7/",
        "/api/decisions/<number>/ratings/": "/api/decisions/7/ratings/",
        "/api/meetings/": "/api/meetings/",
        "/api/meetings/<id>/": f"/api/meetings/{meeting.pk}/",
        "/api/precedents/": "/api/precedents/",
        "/api/precedents/<id>/": f"/api/precedents/{Precedent.objects.get().pk}/",
        "/api/search/": "/api/search/?q=wasi",
        "/api/motions/": "/api/motions/",
        "/api/motions/<id>/": f"/api/motions/{motion_on(RFC.objects.get(number=1)).pk}/",
    }
    assert set(real) == {endpoint.path for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        data = get_json(client, real[endpoint.path])
        assert set(data) == set(endpoint.example), endpoint.path
        if "results" in data:
            assert set(data["results"][0]) == set(endpoint.example["results"][0]), endpoint.path
