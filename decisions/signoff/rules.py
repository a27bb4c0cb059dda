"""The final comment period as a pure function: given a motion's rule, members, positions, concerns and
`now`, which state it is in and why. No database, no clock: tests give `now`.

The period starts the moment the rule is met and no concern is open, and ends exactly its length
later (datetimes in UTC). A concern raised during the period stops it; when the last open concern
is resolved and the rule is still met, it starts again with its full length (the Bytecode
Alliance process). Once running, only a concern stops it: a member changing an approval to an
abstention does not. The end is reached when `now` is at or past it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Values of decisions.signoff.models (kept as plain strings: this module imports nothing of Django's).
EVERY_TEAM, MAJORITY, TEAMS = "every-team", "majority", "teams"
REVIEW, BLOCKED, FCP, ENDED, WITHDRAWN = "review", "blocked", "fcp", "ended", "withdrawn"
SIGNING = {"approve", "no-objection"}
RECUSE = "recuse"


@dataclass(frozen=True)
class Rule:
    kind: str = EVERY_TEAM
    max_outstanding: int = 2
    min_teams: int = 2
    fcp_length: datetime.timedelta = datetime.timedelta(days=10)


@dataclass(frozen=True)
class Situation:
    """What the motion holds now: teams asked (name -> member ids), latest position per member."""

    rule: Rule
    teams: Mapping[str, Sequence[int]]
    positions: Mapping[int, str]
    open_concerns: Sequence[str] = ()
    state: str = REVIEW
    fcp_starts_at: datetime.datetime | None = None
    fcp_ends_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Outcome:
    state: str
    reason: str
    needs: int = 0
    fcp_starts_at: datetime.datetime | None = None
    fcp_ends_at: datetime.datetime | None = None
    started: bool = False  # the period started at `now` (first time or again)
    ended: bool = False  # the period reached its end at `now`
    stopped: bool = False  # a concern stopped a running period
    team_needs: dict[str, int] = field(default_factory=dict)


def _signed(member: int, positions: Mapping[int, str]) -> bool:
    return positions.get(member) in SIGNING


def needed(situation: Situation) -> tuple[int, dict[str, int]]:
    """How many more sign-offs the rule needs (0: met), and how many each team still needs."""
    rule, positions = situation.rule, situation.positions
    teams = {
        name: [m for m in members if positions.get(m) != RECUSE] for name, members in situation.teams.items()
    }
    if not teams:
        return 1, {}
    if rule.kind == MAJORITY:
        per_team = {
            name: max(0, len(members) // 2 + 1 - sum(_signed(m, positions) for m in members))
            for name, members in teams.items()
        }
        everyone = {m for members in teams.values() for m in members}
        outstanding = sum(1 for m in everyone if m not in positions)
        # Each sign-off in a team short of its majority also removes one outstanding member.
        return max(sum(per_team.values()), outstanding - rule.max_outstanding), per_team
    per_team = {name: int(not any(_signed(m, positions) for m in members)) for name, members in teams.items()}
    if rule.kind == TEAMS:
        wanted = min(rule.min_teams, len(teams))
        return max(0, wanted - (len(teams) - sum(per_team.values()))), per_team
    return sum(per_team.values()), per_team


def evaluate(situation: Situation, now: datetime.datetime) -> Outcome:
    """The state the motion should be in at `now`, and why, in words a page can show."""
    state = situation.state
    if state in (ENDED, WITHDRAWN):
        return Outcome(state, "closed", 0, situation.fcp_starts_at, situation.fcp_ends_at)
    needs, team_needs = needed(situation)
    if situation.open_concerns:
        names = ", ".join(f"“{name}”" for name in situation.open_concerns)
        count = len(situation.open_concerns)
        reason = f"{count} open concern{'s' if count != 1 else ''}: {names}"
        return Outcome(BLOCKED, reason, needs, stopped=state == FCP, team_needs=team_needs)
    if state == FCP and situation.fcp_ends_at is not None:
        if now >= situation.fcp_ends_at:
            return Outcome(
                ENDED, "the final comment period ended", 0, situation.fcp_starts_at, situation.fcp_ends_at,
                ended=True, team_needs=team_needs,
            )  # fmt: skip
        return Outcome(
            FCP, "in its final comment period", 0, situation.fcp_starts_at, situation.fcp_ends_at,
            team_needs=team_needs,
        )  # fmt: skip
    if needs:
        return Outcome(REVIEW, f"needs {needs} more sign-off{'s' if needs != 1 else ''}", needs,
                       team_needs=team_needs)  # fmt: skip
    ends = now + situation.rule.fcp_length
    return Outcome(FCP, "in its final comment period", 0, now, ends, started=True, team_needs=team_needs)
