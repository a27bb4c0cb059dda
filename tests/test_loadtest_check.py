"""The verdict of `make loadtest`: its checker must catch a lost or overwritten write, or a refusal
between different cells, not only pass.

Writes are applied here the way the server applies a rating (claim the cell's version, then
change it), and then one of them is lost or undone behind the checker's back.
"""

from __future__ import annotations

from typing import Any

import pytest

from decisions.models import Assessment, Decision
from loadtest.check import check_decision, check_meetings
from tests.factories import make_decision, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision() -> Decision:
    return make_decision(options=2, criteria=2)


def cell(decision: Decision, row: int = 0, column: int = 0) -> tuple[int, int]:
    return decision.options.all()[row].pk, decision.criteria.all()[column].pk


def edit(
    decision: Decision, version: int, note: str, *, at: tuple[int, int], outcome: str = "accepted"
) -> dict:
    return {
        "type": "matrix",
        "decision": decision.number,
        "version": version,
        "option": at[0],
        "criterion": at[1],
        "rating": 2,
        "note": note,
        "outcome": outcome,
    }


def save(decision: Decision, write: dict[str, Any]) -> None:
    """What the matrix view does with a rating that is not stale."""
    assessment = Assessment.objects.get(option_id=write["option"], criterion_id=write["criterion"])
    assert assessment.claim_version(write["version"])
    Assessment.objects.filter(pk=assessment.pk).update(note=write["note"], rating=write["rating"])


def verdict(decision: Decision, initial: int, writes: list[dict]) -> tuple[dict, list[str]]:
    """Every cell of `decision` started at version `initial`."""
    cells = {
        f"{a.option_id}:{a.criterion_id}": initial
        for a in Assessment.objects.filter(option__decision=decision)
    }
    problems: list[str] = []
    result = check_decision({"number": decision.number, "cells": cells}, writes, problems)
    return result, problems


def test_every_acknowledged_edit_in_place_passes(decision: Decision) -> None:
    a, b = cell(decision), cell(decision, 1, 1)
    writes = [
        edit(decision, 1, "first", at=a),
        edit(decision, 1, "second", at=b),  # another cell: its own version 1
        edit(decision, 2, "third", at=a),
    ]
    for write in writes:
        save(decision, write)
    writes.append(edit(decision, 1, "stale", at=b, outcome="refused"))  # "second" saved b first
    result, problems = verdict(decision, 1, writes)
    assert problems == []
    assert (result["accepted"], result["missing"], result["refused_without_rival"]) == (3, 0, 0)


def test_a_newer_edit_undone_by_an_older_one_is_missing(decision: Decision) -> None:
    a = cell(decision)
    first, second = edit(decision, 1, "first", at=a), edit(decision, 2, "second", at=a)
    save(decision, first)
    save(decision, second)
    Assessment.objects.filter(option_id=a[0], criterion_id=a[1]).update(note="first")  # the lost update
    result, problems = verdict(decision, 1, [first, second])
    assert result["missing"] == 1
    assert any("not the acknowledged edit 'second'" in problem for problem in problems)


def test_two_edits_of_one_cell_acknowledged_from_the_same_version_are_caught(decision: Decision) -> None:
    """Without the cell's version both would be told they saved; only one change can be there."""
    a = cell(decision)
    mine, theirs = edit(decision, 1, "mine", at=a), edit(decision, 1, "theirs", at=a)
    save(decision, mine)
    Assessment.objects.filter(option_id=a[0], criterion_id=a[1]).update(note="theirs", rating=2)
    result, problems = verdict(decision, 1, [mine, theirs])
    assert result["missing"] == 2
    assert any("both claimed version 1" in problem for problem in problems)


def test_an_acknowledged_edit_that_never_landed_is_missing(decision: Decision) -> None:
    told = edit(decision, 1, "told but lost", at=cell(decision))
    result, problems = verdict(decision, 1, [told])
    assert result["missing"] == 1
    assert any("1 acknowledged edits but only 0 version steps" in problem for problem in problems)


def test_an_edit_whose_answer_was_lost_may_have_landed(decision: Decision) -> None:
    """A 503 or a cut connection after the commit: the edit is there although nobody was told."""
    a = cell(decision)
    told, untold = edit(decision, 1, "told", at=a), edit(decision, 2, "untold", at=a, outcome="unknown")
    save(decision, told)
    save(decision, untold)
    result, problems = verdict(decision, 1, [told, untold])
    assert problems == []
    assert result["missing"] == 0
    assert result["answer_lost_but_saved"] == 1


def test_a_refused_edit_that_shows_anyway_is_reported(decision: Decision) -> None:
    a = cell(decision)
    refused = edit(decision, 1, "refused but written", at=a, outcome="refused")
    Assessment.objects.filter(option_id=a[0], criterion_id=a[1]).update(note=refused["note"])
    _, problems = verdict(decision, 1, [refused])
    assert any("refused edits are visible" in problem for problem in problems)


def test_a_refusal_between_different_cells_is_reported(decision: Decision) -> None:
    """The old rule: one version for the whole matrix, so a rating of one cell refused another's."""
    a, b = cell(decision), cell(decision, 1, 1)
    saved = edit(decision, 1, "saved", at=a)
    save(decision, saved)
    refused = edit(decision, 1, "refused", at=b, outcome="refused")
    result, problems = verdict(decision, 1, [saved, refused])
    assert result["refused_without_rival"] == 1
    assert any("refused with 409 though nobody else saved that cell" in problem for problem in problems)


def test_an_acknowledged_meeting_that_is_not_there_is_missing() -> None:
    kept = make_meeting(title="Load test kept")
    writes = [
        {"type": "meeting", "title": "Load test kept", "pk": kept.pk, "outcome": "accepted"},
        {"type": "meeting", "title": "Load test lost", "pk": kept.pk + 1000, "outcome": "accepted"},
        {"type": "meeting", "title": "Load test cut off", "outcome": "unknown"},
    ]
    problems: list[str] = []
    result = check_meetings(writes, problems)
    assert result == {
        "accepted": 2,
        "missing": 1,
        "rejected": 0,
        "no_preview": 0,
        "answer_lost": 1,
        "answer_lost_but_saved": 0,
    }
    assert problems == [
        "meeting “Load test lost” (/meetings/" + str(kept.pk + 1000) + "/) was acknowledged but is missing"
    ]


def test_a_preview_without_its_form_is_a_problem_not_a_silent_skip() -> None:
    # The paste form changed once and the load test quietly stopped saving meetings: never again.
    writes = [{"type": "meeting", "title": "Load test no form", "outcome": "no_preview"}]
    problems: list[str] = []
    assert check_meetings(writes, problems)["no_preview"] == 1
    assert problems == ["1 meeting previews answered without the form to save them"]
