"""The bench's drafted RFCs (bench.drafted) written a table at a time are the rows written a
decision at a time, each matrix read as the site reads it (issue 19: seeding the large scale
fast must not change the pages the bench times)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from bench.drafted import seed_drafted
from bench.seed import Scale, Seeder
from decisions.drafted import block
from decisions.drafted.models import DraftedRFC
from decisions.models import RFC

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


def _seeded(*, one_by_one: bool) -> tuple[int, list[dict[str, Any]], dict[int, str]]:
    """Seed the drafted RFCs one way and undo it: (the count, the links, the RFCs' bodies)."""
    try:
        with transaction.atomic():
            count = seed_drafted(one_by_one=one_by_one)
            links = list(
                DraftedRFC.objects.order_by("pk").values("rfc_id", "decision_id", "generated", "pending")
            )
            bodies = dict(RFC.objects.filter(drafted_from__isnull=False).values_list("pk", "body"))
            raise _Undo
    except _Undo:
        pass
    return count, links, bodies


def test_drafted_rfcs_written_at_once_are_the_rows_written_one_by_one():
    Seeder().grow(Scale("drafted", rfcs=30, meetings=3, decisions=10, people=20, precedents=4))
    written = _seeded(one_by_one=False)
    count, links, bodies = written
    assert count == 10  # decisions 1, 3 ... 9, two RFCs each
    # Each RFC holds its decision's block: the matrix as generated, or the author's edit.
    for link in links:
        found = block.find(bodies[link["rfc_id"]])
        assert found is not None
        assert block.same(found.inner, link["generated"]) != bool(link["pending"])
    assert written == _seeded(one_by_one=True)
