"""The final comment period as a pure function (decisions.signoff.rules): no database, no clock."""

from __future__ import annotations

import datetime

from decisions.signoff.rules import (
    BLOCKED,
    ENDED,
    FCP,
    MAJORITY,
    REVIEW,
    TEAMS,
    Rule,
    Situation,
    evaluate,
    needed,
)

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
CORE = {"core": [1, 2, 3, 4, 5]}


def test_majority_with_two_outstanding_needs_three_of_five():
    rule = Rule(MAJORITY, max_outstanding=2)
    assert needed(Situation(rule, CORE, {1: "approve"}))[0] == 2
    assert (
        evaluate(Situation(rule, CORE, {1: "approve", 2: "approve"}), NOW).reason == "needs 1 more sign-off"
    )
    three = {1: "approve", 2: "no-objection", 3: "approve"}
    outcome = evaluate(Situation(rule, CORE, three), NOW)
    assert (outcome.state, outcome.started) == (FCP, True)
    assert outcome.fcp_ends_at - outcome.fcp_starts_at == datetime.timedelta(days=10)


def test_an_abstention_is_a_position_but_not_a_sign_off_and_a_recusal_leaves_the_count():
    rule = Rule(MAJORITY, max_outstanding=0)
    positions = {1: "approve", 2: "approve", 3: "abstain", 4: "recuse", 5: "approve"}
    assert needed(Situation(rule, CORE, positions))[0] == 0
    assert needed(Situation(rule, CORE, {**positions, 5: "abstain"}))[0] == 1


def test_every_team_and_at_least_n_teams():
    teams = {"a": [1], "b": [2], "c": [3]}
    assert needed(Situation(Rule(), teams, {1: "approve"}))[0] == 2
    assert needed(Situation(Rule(TEAMS, min_teams=2), teams, {1: "approve"}))[0] == 1
    assert needed(Situation(Rule(TEAMS, min_teams=2), teams, {1: "approve", 3: "approve"}))[0] == 0


def test_a_concern_blocks_and_stops_a_running_period():
    started = Situation(
        Rule(), {"a": [1]}, {1: "approve"}, ["migration cost"], FCP, NOW, NOW + datetime.timedelta(days=10)
    )
    outcome = evaluate(started, NOW + datetime.timedelta(days=1))
    assert (outcome.state, outcome.stopped, outcome.fcp_ends_at) == (BLOCKED, True, None)
    assert outcome.reason == "1 open concern: “migration cost”"


def test_the_period_restarts_with_its_full_length_after_the_last_concern():
    later = NOW + datetime.timedelta(days=4)
    outcome = evaluate(Situation(Rule(), {"a": [1]}, {1: "approve"}, [], BLOCKED), later)
    assert (outcome.state, outcome.fcp_starts_at, outcome.fcp_ends_at) == (
        FCP,
        later,
        later + datetime.timedelta(days=10),
    )


def test_the_period_ends_exactly_at_its_length_and_not_a_second_before():
    end = NOW + datetime.timedelta(days=10)
    running = Situation(Rule(), {"a": [1]}, {1: "approve"}, [], FCP, NOW, end)
    assert evaluate(running, end - datetime.timedelta(seconds=1)).state == FCP
    outcome = evaluate(running, end)
    assert (outcome.state, outcome.ended) == (ENDED, True)


def test_a_running_period_survives_a_changed_position_without_a_concern():
    running = Situation(Rule(), {"a": [1]}, {1: "abstain"}, [], FCP, NOW, NOW + datetime.timedelta(days=10))
    assert evaluate(running, NOW + datetime.timedelta(days=2)).state == FCP


def test_no_team_asked_can_never_be_met():
    assert evaluate(Situation(Rule(), {}, {}), NOW).state == REVIEW
