"""The data `make bench` seeds has what its pages are judged by (issue 19): as many records as
the scale says, a common word in about a third of the documents, and a rare phrase in a few
dozen of 100,000 (none at the smaller scales). Seeding faster must not change what the search
pages measure.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from bench.run import COMMON_WORD, RARE_PHRASE, SEARCH_QUERY, matches
from bench.seed import SCALES, Scale, Seeder, codename
from decisions.models import RFC, Assessment, Decision, Meeting, Option, Remark, RFCStatusChange, Topic
from decisions.search.index import PG_VECTOR_INDEX, rebuild_index
from decisions.search.results import Results

pytestmark = pytest.mark.django_db


def seed(scale: Scale) -> dict[str, int]:
    Seeder().grow(scale)
    rebuild_index()
    common = matches(COMMON_WORD)
    return {
        "common": common["found"],
        "documents": common["documents"],
        "rare": matches(RARE_PHRASE)["found"],
    }


def test_the_small_scale_has_its_counts_and_a_common_word_in_many_documents():
    scale = SCALES["small"]
    found = seed(scale)
    assert (RFC.objects.count(), Meeting.objects.count(), Decision.objects.count()) == (
        scale.rfcs,
        scale.meetings,
        scale.decisions,
    )
    # Every RFC has its history, every meeting its topics and remarks, every decision its matrix.
    assert RFCStatusChange.objects.values("rfc").distinct().count() == scale.rfcs
    assert Topic.objects.values("meeting").distinct().count() == scale.meetings
    assert Remark.objects.count() > 2 * Topic.objects.count()
    assert Option.objects.count() == 6 * scale.decisions
    assert Assessment.objects.count() == 48 * scale.decisions
    # Every record is a document: RFCs, meetings, decisions and precedents.
    assert found["documents"] == scale.rfcs + scale.meetings + scale.decisions + scale.precedents
    # Whole RFCs: most of them have the common word (a third of all documents is the large scale's).
    assert found["common"] / found["documents"] >= 0.25, found
    assert found["rare"] == 0


def test_rfc_bodies_cut_in_sections_keep_the_common_word_share_and_the_rare_phrase_in_one_title():
    # The large scale's RFCs (sections of real RFCs, titles with a codename) at a few hundred.
    found = seed(
        Scale(
            "sections", rfcs=300, meetings=30, decisions=15, people=60, precedents=20, rfc_bodies="sections"
        )
    )
    assert 0.25 <= found["common"] / found["documents"] <= 0.45, found
    # Only the first RFC has the codename of the rare phrase below 2,304 RFCs.
    assert found["rare"] == 1
    assert codename(0) == RARE_PHRASE.strip('"')


def test_at_the_large_scale_each_codename_names_a_few_dozen_rfcs():
    names = Counter(codename(index) for index in range(SCALES["large"].rfcs))
    assert len(names) == 48 * 48
    assert set(names.values()) == {43, 44}
    assert names[RARE_PHRASE.strip('"')] == 44


def _index_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, kind, object_id, date, url, title, summary, body, vector::text, rank_vector::text"
            " FROM decisions_searchentry ORDER BY id"
        )
        return cursor.fetchall()


def _first_pages() -> dict[str, list]:
    """The first page of hits of each of the bench's searches, in their order."""
    return {
        query: [(hit.kind, hit.url, hit.rank) for hit in Results(query)[:20]]
        for query in (SEARCH_QUERY, RARE_PHRASE, COMMON_WORD)
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_the_search_index_written_over_two_connections_is_the_one_written_over_one():
    # More RFCs than two batches, so that both writers have some.
    Seeder().grow(Scale("writers", rfcs=1_200, meetings=12, decisions=6, people=40, precedents=8,
                        rfc_bodies="sections"))  # fmt: skip
    counts = rebuild_index()
    one, pages = _index_rows(), _first_pages()
    assert rebuild_index(writers=2) == counts
    assert _index_rows() == one
    assert _first_pages() == pages
    assert len(pages[COMMON_WORD]) == 20 and pages[RARE_PHRASE]
    # Its GIN index is there again, and a search uses it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [PG_VECTOR_INDEX])
        assert "gin (vector)" in cursor.fetchone()[0]
