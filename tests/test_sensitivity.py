"""The sensitivity of a matrix (decisions.records.sensitivity): the closed form checked against brute
force over every single change of a weight or a rating, on random small matrices; ties, a single
option, no criteria, all-zero weights; the words; and the time for a 20 x 20 matrix."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decisions.models import RATING_MAX, RATING_MIN, WEIGHT_MAX, WEIGHT_MIN
from decisions.records.sensitivity import RATING, WEIGHT, Change, analyse, describe, for_names

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once

# Brute force -------------------------------------------------------------------------------------


def totals(weights, grid):
    return [sum(w * (r or 0) for w, r in zip(weights, row, strict=True)) for row in grid]


def leader(values, among):
    return max(among, key=lambda k: (values[k], -k))


def single_changes(weights, grid):
    """Every single change: (Change without its winner, new weights, new grid)."""
    for j, weight in enumerate(weights):
        for new in range(WEIGHT_MIN, WEIGHT_MAX + 1):
            if new != weight:
                moved = list(weights)
                moved[j] = new
                yield (WEIGHT, j, None, weight, new), moved, grid
    for i, row in enumerate(grid):
        for j, rating in enumerate(row):
            for new in range(RATING_MIN, RATING_MAX + 1):
                if new != (rating or 0):
                    moved = [list(r) for r in grid]
                    moved[i][j] = new
                    yield (RATING, j, i, rating or 0, new), weights, moved


def brute(weights, grid, subject):
    """What the closed form should say, found by trying every single change."""
    n = len(grid)
    others = [k for k in range(n) if k != subject]
    now = totals(weights, grid)
    first_now = all(now[subject] >= now[k] for k in others)
    best = {WEIGHT: None, RATING: None}
    for (kind, j, option, old, new), w, g in single_changes(weights, grid):
        after = totals(w, g)
        first = all(after[subject] >= after[k] for k in others)
        if first_now and not first:
            change = Change(kind, j, option, old, new, leader(after, others))
        elif not first_now and first:
            change = Change(kind, j, option, old, new, subject)
        else:
            continue
        if best[kind] is None or change.order() < best[kind].order():
            best[kind] = change
    ranges = []
    for j in range(len(weights)):
        stays = []
        for value in range(WEIGHT_MIN, WEIGHT_MAX + 1):
            w = list(weights)
            w[j] = value
            after = totals(w, grid)
            if all(after[subject] >= after[k] for k in others):
                stays.append(value)
        ranges.append(stays)
    return best, ranges


matrices = st.integers(1, 4).flatmap(
    lambda n: st.integers(0, 4).flatmap(
        lambda m: st.tuples(
            st.lists(st.integers(WEIGHT_MIN, WEIGHT_MAX), min_size=m, max_size=m),
            st.lists(
                st.lists(st.one_of(st.none(), st.integers(RATING_MIN, RATING_MAX)), min_size=m, max_size=m),
                min_size=n,
                max_size=n,
            ),
            st.one_of(st.none(), st.integers(0, n - 1)),
        )
    )
)


@settings(max_examples=400, deadline=None)
@given(matrices)
def test_the_closed_form_agrees_with_brute_force_over_every_single_change(case):
    weights, grid, chosen = case
    result = analyse(weights, grid, chosen)
    subject = chosen if chosen is not None else leader(totals(weights, grid), range(len(grid)))
    assert result.subject == subject
    best, ranges = brute(weights, grid, subject)
    assert result.weight_change == best[WEIGHT]
    assert result.rating_change == best[RATING]
    for span, stays in zip(result.ranges, ranges, strict=True):
        # The weights at which the subject stays first are one interval, exactly the closed form's.
        assert stays == list(range(span.low, span.high + 1))
        others = [k for k in range(len(grid)) if k != subject]
        for edge, value in ((span.below, span.low - 1), (span.above, span.high + 1)):
            if edge is not None:
                w = list(weights)
                w[span.criterion] = value
                assert edge == leader(totals(w, grid), others)


def test_random_matrices_up_to_five_by_five_agree_with_brute_force():
    generator = random.Random(18)
    for _ in range(300):
        n, m = generator.randint(2, 5), generator.randint(1, 5)
        weights = [generator.randint(WEIGHT_MIN, WEIGHT_MAX) for _ in range(m)]
        grid = [[generator.randint(RATING_MIN, RATING_MAX) for _ in range(m)] for _ in range(n)]
        chosen = generator.choice([None, generator.randrange(n)])
        result = analyse(weights, grid, chosen)
        best, ranges = brute(weights, grid, result.subject)
        assert (result.weight_change, result.rating_change) == (best[WEIGHT], best[RATING])
        assert [list(range(r.low, r.high + 1)) for r in result.ranges] == ranges


# Cases a person can check by hand ----------------------------------------------------------------

OPTIONS = ["In-tree", "RPC", "Dylib"]
CRITERIA = ["Stability", "Supply-chain review cost"]


def test_a_clear_leader_stays_first_until_a_named_weight_or_rating_moves():
    # In-tree: 3*1 + 5*2 = 13; RPC: 3*2 + 5*0 = 6; Dylib: 3*-1 + 5*1 = 2. Best possible 16.
    result = analyse([3, 5], [[1, 2], [2, 0], [-1, 1]])
    assert (result.subject, result.chosen, result.total, result.margin) == (0, False, 13, 7)
    assert not result.close_call
    stability, supply = result.ranges
    # RPC gains 1 per point of Stability's weight: 13 + w >= 6 + 2w until w = 10; always first.
    assert (stability.low, stability.high, stability.whole_scale) == (0, 10, True)
    # Supply-chain: In-tree 3 + 2w >= 6 (w >= 2) and >= 2 + w-ish for Dylib: first from 2 up.
    assert (supply.low, supply.high, supply.below) == (2, 10, 1)
    assert result.weight_change == Change(WEIGHT, 1, None, 5, 1, 1)
    # Two steps of a rating are the least: RPC's Supply-chain rating rising from 0 to 2 adds 10 (> 7),
    # and In-tree's own falling from 2 to 0 takes 10 away; the order of options puts In-tree's first.
    assert result.rating_change == Change(RATING, 1, 0, 2, 0, 1)
    words = describe(result, OPTIONS, CRITERIA)
    assert (
        words["summary"]
        == "The current leader, In-tree, leads RPC by 7 (+13 against +6, out of a possible 16)."
    )
    assert words["sentence"] == (
        "In-tree stays first unless the weight of Supply-chain review cost falls below 2 (RPC would lead), "
        "or its own Supply-chain review cost rating worsens by two steps (to Neutral; RPC would lead)."
    )


def test_a_tie_is_a_close_call_and_any_step_in_the_rivals_favour_decides_it():
    result = analyse([2, 2], [[1, 0], [0, 1], [-2, -2]])
    assert result.tied and result.close_call and result.first
    assert result.rivals == (1,)
    # Ties go to the matrix's order: the first option leads; one step of weight or rating breaks it,
    # and among equal steps the first criterion is named.
    assert result.subject == 0
    assert result.weight_change == Change(WEIGHT, 0, None, 2, 1, 1)
    assert result.rating_change.steps == 1
    assert describe(result, OPTIONS, CRITERIA)["summary"].startswith(
        "The current leader, In-tree, ties for first with RPC at +2"
    )


def test_a_small_lead_under_a_tenth_of_the_best_total_is_a_close_call():
    # Best possible 2 * 20 = 40; a lead of 3 is under 4, a lead of 4 is not.
    close = analyse([10, 7, 3], [[1, 1, 1], [1, 1, 0]])
    assert (close.margin, close.best_possible, close.close_call) == (3, 40, True)
    clear = analyse([10, 6, 4], [[1, 1, 1], [1, 1, 0]])
    assert (clear.margin, clear.best_possible, clear.close_call) == (4, 40, False)


def test_a_single_option_is_first_whatever_changes():
    result = analyse([3, 4], [[-2, 1]], 0)
    assert result.first and not result.close_call and result.margin is None
    assert result.smallest is None
    assert all(span.whole_scale for span in result.ranges)
    assert describe(result, ["Only"], CRITERIA)["summary"] == "Only is the only option."


def test_no_criteria_means_every_option_ties_at_zero():
    result = analyse([], [[], [], []])
    assert result.totals == (0, 0, 0) and result.tied and result.close_call
    assert result.ranges == () and result.smallest is None
    assert (
        describe(result, OPTIONS, [])["sentence"]
        == "In-tree stays first whatever single weight or rating changes."
    )


def test_all_zero_weights_tie_every_option_and_only_a_weight_can_break_it():
    result = analyse([0, 0], [[2, -1], [-1, 2], [0, 0]])
    assert result.tied and result.close_call and result.best_possible == 0
    assert result.rating_change is None  # a rating times a zero weight changes nothing
    assert result.weight_change == Change(WEIGHT, 1, None, 0, 1, 1)


def test_no_options_has_no_sensitivity():
    assert analyse([1, 2], []) is None


def test_a_chosen_option_behind_the_leader_says_what_would_put_it_first():
    # RPC chosen at 6, In-tree leads at 13: RPC needs 7 more.
    result = analyse([3, 5], [[1, 2], [2, 0], [-1, 1]], chosen=1)
    assert not result.first and result.margin == -7 and not result.close_call
    # Stability: RPC - In-tree = (2-1)w + (0-2)5 = w - 10 >= 0 only at w = 10; Supply-chain:
    # RPC - In-tree = 6 - (3 + 2w) >= 0 only for w <= 1.
    assert (result.ranges[0].low, result.ranges[0].high) == (10, 10)
    assert (result.ranges[1].low, result.ranges[1].high) == (0, 1)
    assert result.weight_change == Change(WEIGHT, 1, None, 5, 1, 1)
    assert result.rating_change == Change(RATING, 1, 0, 2, 0, 1)
    words = describe(result, OPTIONS, CRITERIA)
    assert words["summary"] == "The chosen option, RPC, is not first: In-tree leads it by 7 (+13 against +6)."
    assert words["sentence"] == (
        "RPC would be first if the weight of Supply-chain review cost fell to 1 or less, "
        "or if In-tree’s Supply-chain review cost rating worsened by two steps (to Neutral)."
    )


def test_for_names_reads_a_record_as_plain_values():
    result = for_names(
        ["A", "B"], [("Cost", 2), ("Speed", 3)], {("A", "Cost"): 2, ("B", "Speed"): 1}, chosen="B"
    )
    assert result.subject == 1 and result.chosen and result.totals == (4, 3)


def test_a_twenty_by_twenty_matrix_takes_well_under_twenty_milliseconds():
    generator = random.Random(20)
    weights = [generator.randint(0, 10) for _ in range(20)]
    grid = [[generator.randint(-2, 2) for _ in range(20)] for _ in range(20)]
    runs = []
    for _ in range(20):
        start = time.perf_counter()
        analyse(weights, grid)
        runs.append(time.perf_counter() - start)
    assert sorted(runs)[len(runs) // 2] < 0.020
