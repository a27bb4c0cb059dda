"""/rfcs/: filter, sort, search, paginate; htmx gets the results fragment only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from decisions.models import RFCStatus
from tests.factories import make_area, make_person, make_rfc

pytestmark = pytest.mark.django_db
URL = reverse("decisions:rfc-list")


@pytest.fixture
def catalogue():
    till, nick = make_person("Till S"), make_person("Nick F")
    wasi, cranelift = make_area("wasi"), make_area("cranelift")
    make_rfc("Shared WASI implementations", number=1, status=RFCStatus.DRAFT, authors=[till], areas=[wasi])
    make_rfc("Exception handling", number=2, status=RFCStatus.ACCEPTED, authors=[nick], areas=[cranelift])
    make_rfc("Wasmtime LTS releases", number=3, status=RFCStatus.ACCEPTED, authors=[till, nick])
    return {"till": till, "nick": nick}


def titles(response) -> list[str]:
    return [rfc.title for rfc in response.context["page"].object_list]


def test_it_lists_every_rfc_newest_number_first(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == ["Wasmtime LTS releases", "Exception handling", "Shared WASI implementations"]
    assert b"3 RFCs" in response.content


def test_it_filters_by_status(client, catalogue):
    assert titles(client.get(URL, {"status": "accepted"})) == ["Wasmtime LTS releases", "Exception handling"]


def test_it_filters_by_area(client, catalogue):
    assert titles(client.get(URL, {"area": "cranelift"})) == ["Exception handling"]


def test_it_filters_by_author(client, catalogue):
    assert titles(client.get(URL, {"author": catalogue["till"].slug})) == [
        "Wasmtime LTS releases",
        "Shared WASI implementations",
    ]


def test_filters_combine(client, catalogue):
    response = client.get(URL, {"author": catalogue["nick"].slug, "status": "accepted", "area": "cranelift"})
    assert titles(response) == ["Exception handling"]


def test_it_searches_titles_case_insensitively(client, catalogue):
    assert titles(client.get(URL, {"q": "wasi"})) == ["Shared WASI implementations"]


def test_searching_a_number_finds_that_rfc(client, catalogue):
    assert titles(client.get(URL, {"q": "RFC 2"})) == ["Exception handling"]


def test_it_sorts_by_title(client, catalogue):
    assert titles(client.get(URL, {"sort": "title"})) == [
        "Exception handling",
        "Shared WASI implementations",
        "Wasmtime LTS releases",
    ]


def test_an_unknown_filter_value_is_ignored_not_an_error(client, catalogue):
    response = client.get(URL, {"status": "bogus", "area": "wasi"})
    assert response.status_code == 200
    assert titles(response) == ["Shared WASI implementations"]


def test_no_match_says_so_and_offers_the_way_back(client, catalogue):
    response = client.get(URL, {"q": "nothing like this"})
    assert b"No RFC matches these filters" in response.content
    assert b"Clear filters" in response.content


def test_it_pages_through_long_lists_keeping_the_filters(client, settings):
    settings.RFCS_PER_PAGE = 2
    for number in range(1, 6):
        make_rfc(f"Accepted {number}", number=number, status=RFCStatus.ACCEPTED)
    response = client.get(URL, {"status": "accepted", "page": 2})
    assert titles(response) == ["Accepted 3", "Accepted 2"]
    assert b"Page 2 of 3" in response.content
    assert b'href="?status=accepted&amp;page=3"' in response.content


def test_htmx_requests_get_only_the_results_fragment(client, catalogue):
    response = client.get(URL, {"status": "draft"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="rfc-results"')
    assert "<html" not in body
    assert "Shared WASI implementations" in body
    assert "Exception handling" not in body


def test_the_filter_form_works_without_javascript(client, catalogue):
    body = client.get(URL).content.decode()
    assert 'method="get"' in body and f'action="{URL}"' in body
    assert 'hx-get="' in body and 'hx-push-url="true"' in body


def test_the_list_runs_the_same_number_of_queries_for_5_and_200_rfcs(count_queries):
    people = [make_person(f"Author {i}") for i in range(3)]
    area = make_area("wasmtime")
    for number in range(1, 6):
        make_rfc(f"RFC {number}", number=number, authors=people, areas=[area])
    small = count_queries(URL)
    for number in range(6, 201):
        make_rfc(
            f"RFC {number}", number=number, authors=people[: number % 3 + 1], areas=[area], body="# Hi\n"
        )
    assert count_queries(URL) == small
    assert count_queries(URL + "?status=draft&area=wasmtime&page=3") <= small + 1
