"""PostgreSQL keeps the count and best entries of a search with many matches
(decisions.search.common): what a search reads from them, with the changes made since, must be
the full ranking's top and count, after any write.

Run with DATABASE_URL set to a PostgreSQL server; SQLite keeps no ranking (bm25 depends on
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
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kept rankings are PostgreSQL's"),
]

WORD = "wasmtime"
# One word, two words, a phrase, an exclusion, either of two: every shape of query is kept.
QUERIES = [
    WORD,
    "support",
    "instance allocator",
    '"instance allocator"',
    "release -fuzzing",
    "tail or exception",
]


@pytest.fixture
def seeded(monkeypatch) -> None:
    from bench.seed import SCALES, Seeder

    Seeder().grow(SCALES["small"])
    rebuild_index()
    # Every query is common enough to keep at this size.
    monkeypatch.setattr(common, "KEEP_FROM", 1)


def shown(query: str, page: int = 1, kinds: list[str] | None = None) -> tuple[list[str], int]:
    results = search.Results(query, kinds=kinds, expect=((page - 1) * PER_PAGE, PER_PAGE))
    total = results.count()
    return [hit.url for hit in results[(page - 1) * PER_PAGE : page * PER_PAGE]], total


def assert_top_of_full_ranking(query: str) -> None:
    ranking = full_ranking(query)
    for page in (1, 2):
        urls, total = shown(query, page)
        assert total == len(ranking), (query, page)
        assert urls == ranking[(page - 1) * PER_PAGE : page * PER_PAGE], (query, page)


def kept(query: str) -> tuple[int | None, int]:
    """The kept count of a query (None: not kept) and how many entries its list holds."""
    parsed = search.Results(query).parsed
    key = common.key(parsed.websearch(), list(search.KINDS))
    with connection.cursor() as cursor:
        cursor.execute("SELECT docs FROM decisions_searchkept WHERE query = %s", [key])
        row = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM decisions_searchkepttop WHERE query = %s", [key])
        return (row[0] if row else None), cursor.fetchone()[0]


def changes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM decisions_searchchange")
        return cursor.fetchone()[0]


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


@pytest.mark.parametrize("query", QUERIES)
def test_a_query_searched_again_reads_its_kept_ranking_and_count(seeded, query):
    assert_top_of_full_ranking(query)  # ranks every match, and keeps the query
    docs, listed = kept(query)
    assert docs == len(full_ranking(query)) and listed == min(docs, common.TOP_HELD)
    assert_top_of_full_ranking(query)  # now from what is kept


def test_the_second_search_is_read_from_the_kept_list(seeded):
    shown(WORD)
    first, _ = shown(WORD)
    # Move the tenth entry of the kept list to the top: the page follows the list, so it is read.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_searchkepttop SET rank = 100 WHERE entry_id ="
            " (SELECT id FROM decisions_searchentry WHERE url = %s)",
            [first[9]],
        )
    assert shown(WORD)[0][0] == first[9]


@pytest.mark.parametrize("query", [WORD, "wasmtime embedding"])
def test_writes_since_the_list_was_kept_are_ranked_in(seeded, query):
    assert_top_of_full_ranking(query)
    assert changes() == 0
    # A new entry with the words in its title and summary ranks first; one ties on rank and wins
    # on date; one holds them only deep in the body (counted, ranked last).
    best = entry(
        1, "Wasmtime wasmtime embedding", "Wasmtime, wasmtime embedding.", date=datetime.date(2030, 1, 1)
    )
    entry(2, "Wasmtime wasmtime embedding", "Wasmtime, wasmtime embedding.", date=datetime.date(2031, 1, 1))
    entry(3, "Unrelated", "Nothing here.", body="filler " * 600 + "wasmtime embedding")
    assert changes() == 3 and kept(query)[0] is not None
    assert_top_of_full_ranking(query)
    assert shown(query)[0][:2] == ["/kept/2/", "/kept/1/"]
    assert changes() == 3  # read with the list, not ranked and kept again (which empties the log)
    # Rewritten without the words, it leaves the page and the count.
    best.title, best.summary = "Cranelift lowering", "Nothing of the runtime."
    best.save()
    assert_top_of_full_ranking(query)
    assert "/kept/1/" not in shown(query)[0] and changes() == 4
    # Deleting listed entries: each search still shows the full ranking's top and count.
    top, _ = shown(query)
    SearchEntry.objects.filter(url__in=top[:5]).delete()
    assert_top_of_full_ranking(query)
    # Saved with nothing a search reads changed: nothing is logged.
    logged = changes()
    SearchEntry.objects.get(url="/kept/3/").save()
    assert changes() == logged


def test_an_entry_that_changes_kind_leaves_a_search_of_one_kind(seeded):
    shown(WORD, kinds=["rfc"])
    moved = entry(1, "Wasmtime wasmtime wasmtime", "Wasmtime.")
    assert shown(WORD, kinds=["rfc"])[0][0] == "/kept/1/"
    SearchEntry.objects.filter(pk=moved.pk).update(kind=SearchKind.MEETING)
    rfcs = set(SearchEntry.objects.filter(kind="rfc").values_list("url", flat=True))
    ranking = [url for url in full_ranking(WORD) if url in rfcs]
    urls, total = shown(WORD, kinds=["rfc"])
    assert "/kept/1/" not in urls and urls == ranking[:PER_PAGE] and total == len(ranking)


def test_past_the_changes_held_the_query_is_ranked_and_kept_again(seeded, monkeypatch):
    monkeypatch.setattr(common, "CHANGES_HELD", 2)
    assert_top_of_full_ranking(WORD)
    for number in range(1, 5):
        entry(number, f"Wasmtime note {number}", "Wasmtime.")
    assert changes() == 4
    assert_top_of_full_ranking(WORD)  # too many changes to read: ranked, and kept again
    assert kept(WORD)[0] == len(full_ranking(WORD))
    assert changes() == 0  # every kept list has seen them: the log is emptied
    assert_top_of_full_ranking(WORD)


def test_a_page_past_what_the_list_makes_sure_ranks_every_match(seeded):
    shown(WORD)
    _, listed = kept(WORD)
    top = SearchEntry.objects.filter(url__in=shown(WORD)[0])
    # Fewer than two pages left in the list: page 2 ranks the matches, and keeps the list again.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM decisions_searchkepttop WHERE entry_id <> ALL(%s)",
            [list(top.values_list("id", flat=True))],
        )
    assert_top_of_full_ranking(WORD)
    assert kept(WORD)[1] == listed


def test_rebuilding_the_index_forgets_kept_queries_and_they_are_kept_again(seeded):
    assert_top_of_full_ranking(WORD)
    entry(1, "Wasmtime wasmtime", "Wasmtime.")
    rebuild_index()
    assert kept(WORD) == (None, 0) and changes() == 0
    entry(2, "Wasmtime wasmtime", "Wasmtime.")  # nothing kept: nothing logged
    assert changes() == 0
    assert_top_of_full_ranking(WORD)
    assert kept(WORD)[0] == len(full_ranking(WORD))
    entry(3, "Wasmtime wasmtime", "Wasmtime.")
    assert changes() == 1
    assert_top_of_full_ranking(WORD)


def test_emptying_the_entries_forgets_what_is_kept(seeded):
    """TRUNCATE (manage.py flush) fires no row trigger: a trigger on it forgets the kept queries."""
    shown(WORD)
    assert kept(WORD)[0]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE decisions_searchentry")
    assert kept(WORD) == (None, 0)
    assert shown(WORD) == ([], 0)


def test_excluded_words_and_one_kind_are_kept_apart(seeded):
    shown(WORD)  # kept
    rfcs = set(SearchEntry.objects.filter(kind="rfc").values_list("url", flat=True))
    for query, kinds in [(f"{WORD} -fuzzing", None), (WORD, ["rfc"])]:
        for _ in range(2):  # ranked and kept, then read from what is kept
            ranking = [url for url in full_ranking(query) if kinds is None or url in rfcs]
            results = search.Results(query, kinds=kinds, expect=(0, PER_PAGE))
            assert results.count() == len(ranking), query
            assert [hit.url for hit in results[0:PER_PAGE]] == ranking[:PER_PAGE], query


@pytest.mark.django_db(transaction=True)
def test_a_write_under_way_while_a_query_would_be_kept_is_not_lost(monkeypatch):
    """A write that began before anything was kept logs nothing: while it is under way (the
    advisory lock each write takes shared) no search keeps a ranking, and the next one does."""
    import threading

    from django.db import transaction

    monkeypatch.setattr(common, "KEEP_FROM", 1)
    for number in range(1, 31):
        entry(number, f"Wasmtime note {number}", "Wasmtime.")
    written, release = threading.Event(), threading.Event()

    def write() -> None:
        try:
            with transaction.atomic():
                entry(99, "Wasmtime wasmtime wasmtime", "Wasmtime, wasmtime and wasmtime.")
                written.set()
                release.wait(5)
        finally:
            connection.close()  # this thread's own

    writer = threading.Thread(target=write)
    writer.start()
    assert written.wait(5)
    try:
        urls, total = shown(WORD)  # the write is not committed: not shown, and nothing kept
        assert "/kept/99/" not in urls and total == 30
        assert kept(WORD) == (None, 0)
    finally:
        release.set()
        writer.join()
    assert shown(WORD)[0][0] == "/kept/99/"  # ranked, and kept now
    assert kept(WORD)[0] == 31
    assert_top_of_full_ranking(WORD)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_search_is_one_message_whose_settings_end_with_it(monkeypatch):
    """Outside a transaction the settings and the search go as one message, one transaction of
    their own: its settings end with it, and a search held up past its time is stopped."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from decisions.search import backend

    monkeypatch.setattr(common, "KEEP_FROM", 1)
    for number in range(1, 4):
        entry(number, f"Wasmtime note {number}", "Wasmtime.")

    def settings() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('statement_timeout')")
            return cursor.fetchone()

    before = settings()
    with CaptureQueriesContext(connection) as captured:
        assert shown(WORD)[1] == 3
    assert len(captured.captured_queries) == 1  # one message: the settings, the page and its count
    assert settings() == before == ("on", "0")
    monkeypatch.setattr(backend, "SEARCH_TIMEOUT_SECONDS", 0.3)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # a lock the search's reading waits for
            cursor.execute("BEGIN; LOCK TABLE decisions_searchkept IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(search.SearchTooSlow):
            shown(WORD)
        with other.cursor() as cursor:
            cursor.execute("COMMIT")
    finally:
        other.close()
    assert settings() == before
    assert shown(WORD)[1] == 3


def test_the_migration_holds_the_same_numbers_as_the_code():
    migration = __import__("decisions.migrations.0029_search_kept_queries", fromlist=["LOCK_KEY"])
    assert (migration.LOCK_KEY, migration.TOP_HELD, migration.CHANGES_HELD, migration.QUERIES_HELD) == (
        common.LOCK_KEY,
        common.TOP_HELD,
        common.CHANGES_HELD,
        common.QUERIES_HELD,
    )
