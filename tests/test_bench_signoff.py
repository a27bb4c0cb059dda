"""The bench's motions (bench.signoff) written a table at a time are the rows the sign-off flow
writes when people propose, object, resolve and approve on the site (issue 19: seeding the large
scale fast must not change what the bench's sign-off pages show)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Max

from bench.seed import Scale, Seeder
from bench.signoff import seed_motions
from decisions.models import Concern, Motion, MotionEvent, MotionState, Position
from decisions.signoff import tasks

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 1, 5, 12, 30, tzinfo=datetime.UTC)
EVERY = 5


class _Undo(Exception):
    pass


def _rows() -> dict[str, Any]:
    """Every sign-off row, keys given as the rank of the row they name (the two paths number from
    different points: PostgreSQL's sequences do not roll back)."""
    motions = list(Motion.objects.order_by("pk").values())
    concerns = list(Concern.objects.order_by("pk").values())
    motion_rank = {row["id"]: rank for rank, row in enumerate(motions)}
    concern_rank = {row["id"]: rank for rank, row in enumerate(concerns)}

    def renumbered(row: dict[str, Any]) -> dict[str, Any]:
        row = dict(row)
        row.pop("id", None)
        if "motion_id" in row:
            row["motion_id"] = motion_rank[row["motion_id"]]
        if row.get("concern_id") is not None:
            row["concern_id"] = concern_rank[row["concern_id"]]
        if "key" in row:  # "proposed:<motion>", "concern-raised:<concern>", "fcp-started:<motion>:<run>"
            kind, pk, *rest = row["key"].split(":")
            pk = (concern_rank if kind.startswith("concern") else motion_rank)[int(pk)]
            row["key"] = ":".join([kind, str(pk), *rest])
        return row

    return {
        "motions": [renumbered(row) for row in motions],
        "teams": sorted(
            (motion_rank[motion], team)
            for motion, team in Motion.teams.through.objects.values_list("motion_id", "team__slug")
        ),
        "concerns": [renumbered(row) for row in concerns],
        "events": [renumbered(row) for row in MotionEvent.objects.order_by("pk").values()],
        "positions": [renumbered(row) for row in Position.objects.order_by("pk").values()],
    }


def _seeded(*, through_flow: bool) -> tuple[int, dict[str, Any], int]:
    """Seed the motions one way and undo them: (records with a motion, the rows, deliveries queued)."""
    try:
        with transaction.atomic():
            count = seed_motions(EVERY, now=NOW, through_flow=through_flow)
            rows = _rows()
            queued = sum(1 for _, callback, _ in connection.run_on_commit if callback is tasks._enqueue)
            raise _Undo
    except _Undo:
        pass
    return count, rows, queued


def test_motions_written_at_once_are_the_rows_the_sign_off_flow_writes():
    Seeder().grow(Scale("motions", rfcs=40, meetings=4, decisions=12, people=30, precedents=4))
    flowed, written = _seeded(through_flow=True), _seeded(through_flow=False)
    count, rows, queued = written
    assert count == 8 + 3  # RFCs 1, 6 ... 36 and decisions 1, 6, 11
    assert queued == 1  # one delivery pass after the seeding commits, as the flow asks
    # A motion per record, in its final comment period after a concern raised and resolved,
    # with ten approvals and the outbox rows each step writes.
    assert [row["state"] for row in rows["motions"]] == [MotionState.FCP] * count
    assert len(rows["positions"]) == 12 * count
    assert {row["kind"] for row in rows["events"]} >= {"proposed", "concern-resolved", "fcp-started"}
    for name in rows:
        assert rows[name] == flowed[1][name], name
    assert written == flowed


def test_motions_are_added_only_to_records_without_one():
    Seeder().grow(Scale("motions", rfcs=20, meetings=2, decisions=6, people=30, precedents=4))
    assert seed_motions(EVERY, now=NOW) == 4 + 2
    motions = Motion.objects.count()
    assert seed_motions(EVERY, now=NOW) == 4 + 2
    assert Motion.objects.count() == motions
    # The next motion the site opens takes the next free key.
    created = Motion.objects.create(
        rfc_id=Motion.objects.filter(rfc__isnull=False).first().rfc_id,
        disposition="close",
        proposed_at=NOW,
        state="withdrawn",
    )
    assert created.pk == Motion.objects.exclude(pk=created.pk).aggregate(last=Max("pk"))["last"] + 1
