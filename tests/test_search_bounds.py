"""Search stays bounded on any stored text: a record owner cannot take search down for everyone.

A decision context of one word repeated (240 KB of "zq ", under the Markdown size limit) made
/search/?q=zq take 10 s at 40,000 repeats on SQLite and past the 30 s worker timeout at 80,000;
a quoted phrase over it made PostgreSQL's ts_headline grow to gigabytes. The same tests run on
SQLite and PostgreSQL (set DATABASE_URL for the latter).
"""

from __future__ import annotations

import pytest
from django.db import connection

from decisions.search import backend as search_backend
from decisions.search import excerpts, query
from decisions.search import results as search
from decisions.search import sqlite as search_sqlite
from decisions.search.postgres import PostgresBackend
from decisions.search.sqlite import SQLiteBackend
from tests.factories import make_decision

pytestmark = pytest.mark.django_db

HOSTILE_REPEATS = 80_000  # 240 KB: took more than 30 s on SQLite before excerpts were windowed


@pytest.fixture
def hostile_decision():
    return make_decision("Hostile record", number=1, context="zq " * HOSTILE_REPEATS)


@pytest.mark.parametrize("query", ["zq", '"zq zq zq"', "hostile zq", " ".join(["zq"] * 32)])
def test_a_word_repeated_80000_times_is_found_and_marked(client, hostile_decision, query):
    # How long it takes (seconds, not the minutes it once took) is held by `make bench-hostile`.
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<mark>zq</mark>" in response.content.decode()


def test_the_api_answers_a_search_over_a_huge_repeated_word_with_a_short_marked_snippet(
    client, hostile_decision
):
    response = client.get("/api/search/", {"q": "zq"})
    assert response.status_code == 200
    [hit] = response.json()["results"]
    assert hit["snippet_html"].count("<mark>zq</mark>") >= 10
    assert len(hit["snippet_html"]) < 1000


def test_the_excerpt_comes_from_the_first_place_the_word_appears_deep_in_the_text():
    make_decision("Long context", number=1, context="filler " * 30_000 + "the needle is here.")
    hit = search.search("needle").hits[0]
    assert "the <mark>needle</mark> is here." in hit.snippet
    assert len(hit.snippet) < 400


def test_a_word_only_past_the_excerpt_window_still_finds_the_record():
    # Two query words far apart: the window holds the first, the record still matches both.
    make_decision("Far apart", number=1, context="alpha " + "filler " * 30_000 + "omega")
    page = search.search("alpha omega")
    assert page.total == 1
    assert "<mark>alpha</mark>" in page.hits[0].snippet


def test_a_term_typed_twice_is_searched_once():
    assert query.parse("zq zq ZQ zq") == query.parse("zq ZQ")
    assert len(query.parse(" ".join(["zq"] * 32)).groups[0]) == 1


def test_excerpts_mark_words_that_start_like_the_query_words():
    excerpt = excerpts.excerpt(
        "Flags and flagging, café", ["flag", "cafe"], clipped_start=False, clipped_end=False
    )
    marked = excerpt.replace(excerpts.MARK_START, "[").replace(excerpts.MARK_END, "]")
    assert marked == "[Flags] and [flagging], [café]"


def test_an_excerpt_of_a_window_cut_out_of_a_longer_text_drops_the_cut_words():
    excerpt = excerpts.excerpt("ord one two three wor", ["two"], clipped_start=True, clipped_end=True)
    assert excerpt.replace(excerpts.MARK_START, "[").replace(excerpts.MARK_END, "]") == "…one [two] three…"


def _stop_at_once(monkeypatch) -> None:
    """A search that runs out of time, on either database."""

    def too_slow(self):
        raise search.SearchTooSlow()

    def too_slow_page(self, offset, limit):
        raise search.SearchTooSlow()

    monkeypatch.setattr(SQLiteBackend, "count", too_slow)
    monkeypatch.setattr(PostgresBackend, "count", too_slow)
    # Both count while they rank the page: one statement, stopped the same way.
    monkeypatch.setattr(PostgresBackend, "hits_and_count", too_slow_page)
    monkeypatch.setattr(SQLiteBackend, "hits_and_count", too_slow_page)


def test_a_search_stopped_for_time_asks_to_narrow_the_query_on_a_page_never_cached(client, monkeypatch):
    _stop_at_once(monkeypatch)
    response = client.get("/search/", {"q": "wasi"})
    assert response.status_code == 200
    assert "This search took too long. Narrow it" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_api_answers_a_search_stopped_for_time_with_503_and_the_message(client, monkeypatch):
    _stop_at_once(monkeypatch)
    response = client.get("/api/search/", {"q": "wasi"})
    assert response.status_code == 503
    assert response.json()["error"].startswith("This search took too long")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's progress handler")
def test_sqlite_stops_a_search_past_its_time_budget(monkeypatch):
    make_decision("Where do shared WASI API implementations live?", number=1)
    monkeypatch.setattr(search_backend, "SEARCH_TIMEOUT_SECONDS", 0)
    monkeypatch.setattr(search_sqlite, "PROGRESS_STEPS", 1)
    with pytest.raises(search.SearchTooSlow):
        search.search("wasi")
    monkeypatch.setattr(search_backend, "SEARCH_TIMEOUT_SECONDS", 10)
    assert search.search("wasi").total == 1  # the handler is gone with the search


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement timeout")
def test_postgresql_stops_a_search_statement_past_its_time_budget(monkeypatch):
    monkeypatch.setattr(search_backend, "SEARCH_TIMEOUT_SECONDS", 0.05)
    backend = PostgresBackend(search.Results("wasi"))
    with pytest.raises(search.SearchTooSlow), backend._index_scans(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")


@pytest.mark.parametrize(
    ("window", "starts", "expected"),
    [
        # Curly quotes, dashes and capitals with accents: folded in place, in one pass.
        ("A “Café” — CAFÉ and Ærø, naïvely", ["cafe", "naiv"], "A “[Café]” — [CAFÉ] and Ærø, [naïvely]"),
        # ß folds to two letters: the word-by-word way, with the same marks.
        ("Straße und STRASSE", ["stras"], "[Straße] und [STRASSE]"),
        # The Kelvin sign lowers to an ASCII k; the k words stay marked and only they.
        ("\u212a kelvin, Kilo", ["kilo"], "\u212a kelvin, [Kilo]"),
    ],
)
def test_excerpts_of_text_beyond_ascii_mark_the_words_that_start_like_the_query(window, starts, expected):
    excerpt = excerpts.excerpt(window, starts, clipped_start=False, clipped_end=False)
    assert excerpt.replace(excerpts.MARK_START, "[").replace(excerpts.MARK_END, "]") == expected


@pytest.mark.parametrize(
    "window",
    [
        "alpha beta gamma " * 5 + "needle " + "delta epsilon " * 40,
        "needle " + "filler " * 100 + "needle end",
        "filler " * 120 + "needles and needle",
        "cut-off start " + "word " * 30 + "needle " + "tail " * 2 + "trunc",
        "no match here at all " * 20,
    ],
)
@pytest.mark.parametrize("clipped", [False, True])
def test_an_excerpt_read_up_to_its_last_match_is_the_one_read_from_the_whole_window(
    monkeypatch, window, clipped
):
    # Only the words up to the last match (and a run after it) are read; without the folded
    # search every word is, and the excerpt must be the same.
    fast = excerpts.excerpt(window, ["needl"], clipped_start=clipped, clipped_end=clipped)
    monkeypatch.setattr(excerpts, "_folded_in_place", lambda window: None)
    assert excerpts.excerpt(window, ["needl"], clipped_start=clipped, clipped_end=clipped) == fast


def test_the_excerpt_window_of_a_text_whose_lowering_grows_still_starts_at_the_match():
    # İ lowers to two characters; positions are then found in the text lowered letter for letter.
    text = "İ" * 3000 + " the needle is here."
    marked = excerpts.excerpt_of(text, ["needl"])
    assert marked.startswith("…") and "needle" in marked
    assert excerpts.MARK_START + "needle" + excerpts.MARK_END in marked


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        # One start cut by the end of the part first sought, another found inside it later.
        ("- " * 2046 + "abcdef " + ("w" * 77 + " ") * 51, ["abcdef", "cd"]),
        ("- " * 3000 + "needle at last", ["needl"]),
        ("needle first " + "- " * 3000, ["needl"]),
        # Σ lowers by what follows it, İ to two characters: the whole text is lowered instead.
        ("ΟΔΟΣ " * 1000 + "οδος needle", ["οδος", "needl"]),
        ("- " * 2100 + "İ needle", ["needl"]),
    ],
)
def test_an_excerpt_of_a_long_text_starts_where_it_would_from_the_whole_text_lowered(
    monkeypatch, text, starts
):
    part = excerpts.excerpt_of(text, starts)
    monkeypatch.setattr(excerpts, "SEEK_CHARS", 10**9)
    assert part == excerpts.excerpt_of(text, starts)


def test_a_window_with_many_kinds_of_characters_is_marked_as_one_with_few():
    # Over MASK_OTHER_CHARS kinds of non-ASCII characters: every word is cut out and compared.
    many = " ".join(chr(0x4E00 + i) for i in range(excerpts.MASK_OTHER_CHARS + 5))
    window = many + " the needle here"
    excerpt = excerpts.excerpt(window, ["needl"], clipped_start=False, clipped_end=False)
    assert excerpts.MARK_START + "needle" + excerpts.MARK_END in excerpt
    assert excerpt == excerpts._excerpt_by_words(
        window, ["needl"], window, clipped_start=False, clipped_end=False
    )


@pytest.mark.parametrize(
    "summary, body, starts",
    [
        ("Short summary of the record.", "A body with nothing of interest. " * 300, ["heron"]),
        ("Short summary of the record.", "A body that names a heron late. " * 200 + "heron", ["heron"]),
        ("", "No summary, a body without the word. " * 50, ["heron"]),
        ("A heron in the summary.", "Two herons and a heron in the body.", ["heron"]),
        ("Short summary.", "Un résumé du texte, sans le mot anglais. " * 20, ["resum"]),
        ("Short summary.", "Nothing here but İstanbul and Σ letters. " * 20, ["heron"]),
    ],
)
def test_a_hits_excerpt_is_the_better_of_its_summarys_and_bodys(summary, body, starts):
    # A body with no query word is not cut into an excerpt when the summary's is shown anyway:
    # the excerpt shown must be the one the two excerpts compared would have given.
    expected = excerpts.best_snippet(excerpts.excerpt_of(summary, starts), excerpts.excerpt_of(body, starts))
    assert excerpts.hit_excerpt(summary, body, starts) == expected
