"""A search already run since the last write is answered from its kept results, never stale.

The results of /search/ and /api/search/ are kept under the data state
(decisions.caching.fragments), so a signed-in person, or anyone past the page cache, does not
wait for the ranking again. These tests commit for real (transaction=True): the state is the
committed one, which a test wrapped in a transaction never moves. The page cache is off, so
every request builds its page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import get_counted as get
from tests.factories import make_rfc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("built_pages")]


def test_a_search_run_again_gives_the_same_page_without_ranking_again(client):
    for number in range(1, 26):
        make_rfc(f"Component linking, part {number}", number=number)
    first, first_queries = get(client, "/search/", {"q": "linking"})
    again, again_queries = get(client, "/search/", {"q": "linking"})
    assert again == first
    assert "25 results" in again and again.count('class="search-hit"') == 20
    assert again_queries < first_queries
    # Page 2 is its own search: not page 1 again.
    second, _ = get(client, "/search/", {"q": "linking", "page": "2"})
    assert second.count('class="search-hit"') == 5


def test_an_edited_title_is_found_at_once_and_the_old_one_no_more(client):
    rfc = make_rfc("Garbage collection in the component model", number=1)
    assert "<mark>Garbage</mark> collection" in get(client, "/search/", {"q": "garbage"})[0]
    assert "Garbage collection" in get(client, "/api/search/", {"q": "garbage"})[0]
    rfc.title = "Reference counting in the component model"
    rfc.save()
    assert "Nothing matches" in get(client, "/search/", {"q": "garbage"})[0]
    assert get(client, "/api/search/", {"q": "garbage"})[0].count('"kind": "rfc"') == 0
    assert "Reference <mark>counting</mark>" in get(client, "/search/", {"q": "counting"})[0]


def test_the_results_fragment_and_the_whole_page_show_the_same_hits(client):
    make_rfc("Async lifting and lowering", number=1)
    fragment, _ = get(client, "/search/", {"q": "async"}, HX_Request="true")
    page, _ = get(client, "/search/", {"q": "async"})
    assert fragment.lstrip().startswith('<section id="search-results"') and "<html" not in fragment
    assert fragment.strip() in page


def test_a_signed_in_person_gets_the_kept_results_inside_their_own_page(client):
    make_rfc("Async lifting and lowering", number=1)
    get(client, "/search/", {"q": "async"})  # a visitor builds them first
    writer = Client()
    writer.force_login(User.objects.create_superuser("till", password="correct horse battery staple"))
    page, _ = get(writer, "/search/", {"q": "async"})
    assert "<mark>Async</mark> lifting" in page and "till" in page.lower()


def test_the_api_answer_is_kept_per_address(client):
    for number in range(1, 4):
        make_rfc(f"Component linking, part {number}", number=number)
    first, first_queries = get(client, "/api/search/", {"q": "linking", "per_page": "2"})
    again, again_queries = get(client, "/api/search/", {"q": "linking", "per_page": "2"})
    assert again == first and again_queries < first_queries
    other, _ = get(client, "/api/search/", {"q": "linking", "per_page": "2", "page": "2"})
    assert '"page": 2' in other and other != first
