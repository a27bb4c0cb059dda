"""The pages of search results are the full ranking cut in pages: nothing ranks only a part of it.

Speeding up search (issue 19) must not change which hits come first: page 1 holds the best 20 of
all matches, in the order the whole ranking gives them, and the next pages follow on. The full
ranking here is asked of the database directly (every match scored, nothing limited) on a set
seeded by bench.seed, so a page built from a bounded candidate set would differ from it.
Runs on SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank); set DATABASE_URL for the latter.
"""

from __future__ import annotations

import pytest
from django.db import connection

from decisions.search import results as search
from decisions.search.index import rebuild_index
from decisions.search.models import SearchEntry
from decisions.search.sqlite import BM25_WEIGHTS, FTS_TABLE

pytestmark = pytest.mark.django_db

PER_PAGE = 20


@pytest.fixture
def seeded() -> None:
    from bench.seed import SCALES, Seeder

    Seeder().grow(SCALES["small"])
    rebuild_index()


def full_ranking(query: str) -> list[str]:
    """The URL of every match, best first, as the database ranks all of them."""
    parsed = search.Results(query).parsed
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                SELECT e.url FROM decisions_searchentry e,
                     websearch_to_tsquery('english', %s) matched, websearch_to_tsquery('english', %s) ranked
                WHERE e.vector @@ matched
                ORDER BY ts_rank(e.rank_vector, ranked) DESC, e.date DESC NULLS LAST, e.id
                """,
                [parsed.websearch(), parsed.wanted().websearch()],
            )
        else:
            weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
            cursor.execute(
                f"""
                SELECT e.url FROM {FTS_TABLE} JOIN decisions_searchentry e ON e.id = {FTS_TABLE}.rowid
                WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}, {weights}), {FTS_TABLE}.rowid
                """,
                [parsed.fts5()],
            )
        return [url for (url,) in cursor.fetchall()]


QUERIES = ["wasmtime", "support", "release -fuzzing", '"instance allocator"', "tail or exception"]


def test_the_first_pages_are_the_top_of_the_full_ranking(seeded):
    for query in QUERIES:
        ranking = full_ranking(query)
        assert len(ranking) > PER_PAGE, (query, len(ranking))  # more matches than one page holds
        results = search.Results(query)
        assert results.count() == len(ranking), query
        first, second = results[0:PER_PAGE], results[PER_PAGE : 2 * PER_PAGE]
        assert [hit.url for hit in first] == ranking[:PER_PAGE], query
        assert [hit.url for hit in second] == ranking[PER_PAGE : 2 * PER_PAGE], query
        assert [hit.rank for hit in first] == sorted((hit.rank for hit in first), reverse=True), query
        # Told the page it will be asked for (the search page, the API), PostgreSQL ranks it and
        # counts in one statement: the same page, the same count.
        expected = search.Results(query, expect=(PER_PAGE, PER_PAGE))
        assert expected.count() == len(ranking), query
        assert [hit.url for hit in expected[PER_PAGE : 2 * PER_PAGE]] == ranking[PER_PAGE : 2 * PER_PAGE], (
            query
        )
        page = search.search(query, limit=PER_PAGE, offset=PER_PAGE)
        assert (page.total, [hit.url for hit in page.hits]) == (
            len(ranking),
            ranking[PER_PAGE : 2 * PER_PAGE],
        )


@pytest.mark.parametrize("page", [1, 2])
def test_the_search_page_shows_the_top_of_the_full_ranking_in_order(seeded, client, page):
    ranking = full_ranking("wasmtime")
    html = client.get("/search/", {"q": "wasmtime", "page": page}).content.decode()
    expected = ranking[(page - 1) * PER_PAGE : page * PER_PAGE]
    shown = [url for url in ranking if f'href="{url}"' in html]
    assert shown == expected
    positions = [html.index(f'<a href="{url}">') for url in expected]
    assert positions == sorted(positions)
    assert f"{len(ranking):,} results for" in html or f"{len(ranking)} results for" in html
    assert f"{len(ranking)} results" in html
    assert SearchEntry.objects.count() > len(ranking)  # the word is common, not everywhere
