"""PostgreSQL keeps a common word's count and best entries (decisions.search.common): what a
search reads from them must be the full ranking's top and count, after any write.

Run with DATABASE_URL set to a PostgreSQL server; SQLite has no kept words (bm25 depends on
every entry, so a kept ranking could not stay exact).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from decisions.search import common
from decisions.search import results as search
from decisions.search.index import rebuild_index
from decisions.search.models import SearchEntry, SearchKind
from tests.test_search_ranking import PER_PAGE, full_ranking

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kept words are PostgreSQL's"),
]

WORD = "wasmtime"


@pytest.fixture
def seeded(monkeypatch) -> None:
    from bench.seed import SCALES, Seeder

    Seeder().grow(SCALES["small"])
    rebuild_index()
    # Every word is common enough to keep at this size.
    monkeypatch.setattr(common, "KEEP_FROM", 1)


def shown(query: str, page: int = 1) -> tuple[list[str], int]:
    results = search.Results(query, expect=((page - 1) * PER_PAGE, PER_PAGE))
    total = results.count()
    return [hit.url for hit in results[(page - 1) * PER_PAGE : page * PER_PAGE]], total


def assert_top_of_full_ranking(query: str) -> None:
    ranking = full_ranking(query)
    for page in (1, 2):
        urls, total = shown(query, page)
        assert total == len(ranking), (query, page)
        assert urls == ranking[(page - 1) * PER_PAGE : page * PER_PAGE], (query, page)


def kept(lexeme: str) -> tuple[int | None, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT docs FROM decisions_searchword WHERE lexeme = %s", [lexeme])
        row = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM decisions_searchtop WHERE lexeme = %s", [lexeme])
        return (row[0] if row else None), cursor.fetchone()[0]


def entry(number: int, title: str, summary: str = "", body: str = "", date=None) -> SearchEntry:
    return SearchEntry.objects.create(
        id=SearchEntry.key(SearchKind.RFC, 900_000 + number),
        kind=SearchKind.RFC,
        object_id=900_000 + number,
        url=f"/kept/{number}/",
        title=title,
        summary=summary,
        body=body,
        date=date or datetime.date(2020, 1, 1),
    )


@pytest.mark.parametrize("query, lexeme", [(WORD, "wasmtim"), ("support", "support"), ("release", "releas")])
def test_a_word_searched_again_reads_its_kept_ranking_and_count(seeded, query, lexeme):
    assert_top_of_full_ranking(query)  # ranks every match, and keeps the word
    docs, listed = kept(lexeme)
    assert docs == len(full_ranking(query)) and listed > 2 * PER_PAGE
    assert_top_of_full_ranking(query)  # now from what is kept


def test_the_second_search_is_read_from_the_kept_list(seeded):
    shown(WORD)
    first, _ = shown(WORD)
    # Move the tenth entry of the kept list to the top: the page follows the list, so it is read.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_searchtop SET rank = 100 WHERE lexeme = 'wasmtim' AND entry_id ="
            " (SELECT id FROM decisions_searchentry WHERE url = %s)",
            [first[9]],
        )
    assert shown(WORD)[0][0] == first[9]


def test_writes_keep_the_kept_ranking_exact(seeded):
    assert_top_of_full_ranking(WORD)
    # A new entry with the word in its title and summary ranks first; one ties on rank and wins
    # on date; one holds it only deep in the body (counted, ranked last).
    best = entry(
        1, "Wasmtime wasmtime embedding", "Wasmtime, wasmtime and wasmtime.", date=datetime.date(2030, 1, 1)
    )
    entry(
        2, "Wasmtime wasmtime embedding", "Wasmtime, wasmtime and wasmtime.", date=datetime.date(2031, 1, 1)
    )
    entry(3, "Unrelated", "Nothing here.", body="filler " * 600 + "wasmtime")
    assert_top_of_full_ranking(WORD)
    assert shown(WORD)[0][:2] == ["/kept/2/", "/kept/1/"]
    # Rewritten without the word, it leaves the list and the count.
    best.title, best.summary = "Cranelift lowering", "Nothing of the runtime."
    best.save()
    assert_top_of_full_ranking(WORD)
    assert "/kept/1/" not in shown(WORD)[0]
    # Deleting listed entries shortens the list; each search still shows the full ranking's top.
    top, _ = shown(WORD)
    SearchEntry.objects.filter(url__in=top[:5]).delete()
    assert_top_of_full_ranking(WORD)


def test_a_list_cut_short_is_filled_again_by_the_next_search(seeded):
    shown(WORD)
    _, listed = kept("wasmtim")
    top = SearchEntry.objects.filter(url__in=shown(WORD)[0])
    # Fewer than two pages left in the list: page 2 ranks the matches, and tops the list up.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM decisions_searchtop WHERE lexeme = 'wasmtim' AND entry_id <> ALL(%s)",
            [list(top.values_list("id", flat=True))],
        )
    assert_top_of_full_ranking(WORD)
    assert kept("wasmtim")[1] == listed


def test_rebuilding_the_index_forgets_kept_words_and_they_are_kept_again(seeded):
    assert_top_of_full_ranking(WORD)
    rebuild_index()
    assert kept("wasmtim") == (None, 0)
    entry(1, "Wasmtime wasmtime", "Wasmtime.")  # written after the rebuild: the trigger is on
    assert_top_of_full_ranking(WORD)
    assert kept("wasmtim")[0] == len(full_ranking(WORD))
    assert_top_of_full_ranking(WORD)


def test_excluded_words_and_one_kind_rank_every_match(seeded):
    shown(WORD)  # kept
    rfcs = set(SearchEntry.objects.filter(kind="rfc").values_list("url", flat=True))
    for query, kinds in [(f"{WORD} -fuzzing", None), (WORD, ["rfc"])]:
        ranking = [url for url in full_ranking(query) if kinds is None or url in rfcs]
        results = search.Results(query, kinds=kinds, expect=(0, PER_PAGE))
        assert results.count() == len(ranking), query
        assert [hit.url for hit in results[0:PER_PAGE]] == ranking[:PER_PAGE], query
