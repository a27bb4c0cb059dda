"""The data `make bench` seeds has what its pages are judged by (issue 19): as many records as
the scale says, a common word in about a third of the documents, and a rare phrase in a few
dozen of 100,000 (none at the smaller scales). Seeding faster must not change what the search
pages measure.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.run import COMMON_WORD, RARE_PHRASE, matches
from bench.seed import SCALES, Scale, Seeder, codename
from decisions.models import RFC, Assessment, Decision, Meeting, Option, Remark, RFCStatusChange, Topic
from decisions.search.index import rebuild_index

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
