"""Motions for `make bench`: the RFC and decision pages with a sign-off panel, and /motions/.

Seeded after each step of bench.seed (which stays as it was, so the export digest of its records
is unchanged): every EVERY-th RFC and decision without a motion gets one asking two teams of
six, with most positions given, a concern raised and resolved, and a final comment period running.

Each motion is the story `_motion` tells through the site's own sign-off flow
(decisions.signoff.flow). Told that way it takes about 200 queries a motion (each step locks and
settles the motion again), 40 s for the large scale's 210 motions on PostgreSQL; so the seeder
writes the rows that story leaves (`_Replay`: the same rows, judged by the same
decisions.signoff.rules at each step) a table at a time. tests/test_bench_signoff.py holds the
two paths to the same rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from bench.seed import Row, insert
from decisions.markdown.fields import prerender
from decisions.models import (
    RFC,
    Concern,
    Decision,
    EventKind,
    Motion,
    MotionEvent,
    MotionState,
    Person,
    Position,
    PositionKind,
    Team,
)
from decisions.signoff import flow, rules
from decisions.signoff.tasks import queue_delivery

EVERY = 50
TEAM_SIZE = 6
SUMMARY = "Ship *it*."
CONCERN = ("scope", "Too broad as written.", "Narrowed.")


def _teams() -> list[Team]:
    teams = list(Team.objects.filter(slug__startswith="bench-").order_by("slug"))
    if teams:
        return teams
    people = list(Person.objects.order_by("pk")[: 2 * TEAM_SIZE])
    for index in range(2):
        team = Team.objects.create(name=f"Bench team {index + 1}", slug=f"bench-{index + 1}")
        team.members.add(*people[index * TEAM_SIZE : (index + 1) * TEAM_SIZE])
        teams.append(team)
    return teams


def _motion(record: RFC | Decision, teams: list[Team], now: datetime.datetime) -> None:
    """One motion told through the sign-off flow, as a person would on the site."""
    start = now - datetime.timedelta(days=3)
    motion = flow.propose(record, person=None, disposition="accept", teams=teams, summary=SUMMARY, now=start)
    members = [person for team in teams for person in team.members.order_by("pk")]
    raiser = members[0]
    name, text, resolution = CONCERN
    flow.record_position(motion, person=raiser, kind=PositionKind.CONCERN, after=0, now=start,
                         concern_name=name, concern_text=text)  # fmt: skip
    flow.resolve(motion.concerns.get(), person=raiser, user=None, note=resolution, now=start)
    for person in members[1:-1]:
        flow.record_position(motion, person=person, kind=PositionKind.APPROVE, after=0, now=start)


def _chosen(every: int) -> list[RFC | Decision]:
    """Every `every`-th record of each kind (by key) that has no motion yet, RFCs first."""
    chosen: list[RFC | Decision] = []
    for model in (RFC, Decision):
        ordered = model.objects.filter(motions__isnull=True).order_by("pk")
        chosen += ordered.filter(
            pk__in=[pk for pk in ordered.values_list("pk", flat=True) if pk % every == 1]
        )
    return chosen


def seed_motions(
    every: int = EVERY, *, now: datetime.datetime | None = None, through_flow: bool = False
) -> int:
    """Add the motions (to every `every`-th record); return how many records now have one.

    `through_flow` tells each one through decisions.signoff.flow instead of writing its rows.
    """
    teams = _teams()
    now = now or timezone.now()
    records = _chosen(every)
    if through_flow:
        for record in records:
            _motion(record, teams, now)
    elif records:
        _write_motions(records, teams, now)
    return (
        RFC.objects.filter(motions__isnull=False).count()
        + Decision.objects.filter(motions__isnull=False).count()
    )


# The same motions, written a table at a time ------------------------------------------------------


@dataclass
class _Replay:
    """One motion's rows as the flow writes them, kept in memory in the order it writes them."""

    motion: Row
    label: str
    teams: dict[str, list[int]]
    heard: set[int]  # who hears of it (flow._people_of)
    events: list[Row] = field(default_factory=list)
    positions: list[Row] = field(default_factory=list)
    latest: dict[int, str] = field(default_factory=dict)
    concerns: list[Row] = field(default_factory=list)

    def outbox(self, kind: str, key: str, text: str, people: set[int], now: datetime.datetime,
               concern: Row | None = None) -> None:  # fmt: skip
        self.events += [
            Row(key=key, kind=kind, motion_id=self.motion.id, concern_id=concern.id if concern else None,
                person_id=person, text=text[:500], created_at=now)
            for person in sorted(people)
        ]  # fmt: skip

    def position(
        self, person: int, kind: str, now: datetime.datetime, note: str = "", concern: Row | None = None
    ) -> None:
        number = 1 + sum(1 for row in self.positions if row.person_id == person)
        self.positions.append(
            Row(motion_id=self.motion.id, person_id=person, number=number, kind=kind, note=note,
                concern_id=concern.id if concern else None, created_at=now)
        )  # fmt: skip
        self.latest[person] = kind

    def settle(self, now: datetime.datetime) -> None:
        """flow.settle() on the rows in memory."""
        motion = self.motion
        situation = rules.Situation(
            rule=rules.Rule(motion.kind, motion.max_outstanding, motion.min_teams,
                            datetime.timedelta(days=motion.fcp_days)),
            teams=self.teams, positions=self.latest,
            open_concerns=[c.name for c in self.concerns if c.resolved_at is None],
            state=motion.state, fcp_starts_at=motion.fcp_starts_at, fcp_ends_at=motion.fcp_ends_at,
        )  # fmt: skip
        outcome = rules.evaluate(situation, now)
        if (outcome.state, outcome.fcp_starts_at, outcome.fcp_ends_at) == (
            motion.state, motion.fcp_starts_at, motion.fcp_ends_at
        ):  # fmt: skip
            return
        if outcome.ended:
            raise NotImplementedError("the bench's motions do not reach the end of their period")
        motion.state, motion.fcp_starts_at, motion.fcp_ends_at = (
            outcome.state,
            outcome.fcp_starts_at,
            outcome.fcp_ends_at,
        )
        motion.version += 1
        if outcome.started:
            motion.fcp_runs += 1
            again = (
                " again, with its full length, now that the last concern is resolved"
                if motion.fcp_runs > 1
                else ""
            )
            text = f"{self.label}: the final comment period started{again}; it ends {outcome.fcp_ends_at:%Y-%m-%d %H:%M} UTC"
            self.outbox(
                EventKind.FCP_STARTED, f"fcp-started:{motion.id}:{motion.fcp_runs}", text, self.heard, now
            )


def _write_motions(records: list[RFC | Decision], teams: list[Team], now: datetime.datetime) -> None:
    """The rows _motion() leaves for each record, in the order it writes them, a table at a time."""
    start = now - datetime.timedelta(days=3)
    members_of = {team.name: [p.pk for p in team.members.order_by("pk")] for team in teams}
    members = [pk for team in teams for pk in members_of[team.name]]
    asked = set(members)
    names = dict(Person.objects.filter(pk__in=members).values_list("pk", "name"))
    # Who else hears of a motion: an RFC's authors and shepherd, a decision's owners.
    rfcs = [record.pk for record in records if isinstance(record, RFC)]
    decisions = [record.pk for record in records if isinstance(record, Decision)]
    heard: dict[tuple[type, int], set[int]] = {(RFC, pk): set() for pk in rfcs}
    heard |= {(Decision, pk): set() for pk in decisions}
    for rfc, person in RFC.authors.through.objects.filter(rfc__in=rfcs).values_list("rfc_id", "person_id"):
        heard[RFC, rfc].add(person)
    for decision, person in Decision.owners.through.objects.filter(decision__in=decisions).values_list(
        "decision_id", "person_id"
    ):
        heard[Decision, decision].add(person)
    rules_of: dict[str, Any] = {}
    template = Motion(summary=SUMMARY)
    prerender(template)
    replays = []
    next_motion = _next_pk(Motion)
    next_concern = _next_pk(Concern)
    for record in records:
        is_rfc = isinstance(record, RFC)
        scope = flow.scope_of(record)
        if scope not in rules_of:
            rules_of[scope] = flow.rule_for(record)
        rule = rules_of[scope]
        people = heard[type(record), record.pk] | asked
        if is_rfc and record.shepherd_id:
            people.add(record.shepherd_id)
        label = record.label if is_rfc else f"DR-{record.number:04d}"
        motion = Row(
            id=next_motion, rfc_id=record.pk if is_rfc else None, decision_id=None if is_rfc else record.pk,
            disposition="accept", summary=SUMMARY, summary_html=template.summary_html, proposed_by_id=None,
            proposed_at=start, kind=rule.kind, max_outstanding=rule.max_outstanding, min_teams=rule.min_teams,
            fcp_days=rule.fcp_days, auto_apply=rule.auto_apply, version=1, state=MotionState.REVIEW,
            fcp_starts_at=None, fcp_ends_at=None, fcp_runs=0, closed_at=None,
        )  # fmt: skip
        next_motion += 1
        replay = _Replay(motion, label, members_of, people)
        # flow.propose
        replay.outbox(
            EventKind.PROPOSED, f"proposed:{motion.id}", f"{label}: motion to accept", people, start
        )
        replay.outbox(
            EventKind.POSITION_REQUESTED, f"position-requested:{motion.id}",
            f"{label}: your position on the motion to accept is asked", asked, start,
        )  # fmt: skip
        replay.settle(start)
        # flow.record_position: the first member raises a concern
        raiser = members[0]
        name, text, resolution = CONCERN
        concern = Row(id=next_concern, motion_id=motion.id, raised_by_id=raiser, name=name, text=text,
                      raised_at=start, resolved_at=None, resolved_by_id=None, resolved_by_user_id=None,
                      resolution="")  # fmt: skip
        next_concern += 1
        replay.concerns.append(concern)
        replay.outbox(
            EventKind.CONCERN_RAISED, f"concern-raised:{concern.id}",
            f"{label}: {names[raiser]} raised the concern “{name}”", people, start, concern,
        )  # fmt: skip
        replay.position(raiser, PositionKind.CONCERN, start, concern=concern)
        replay.settle(start)
        # flow.resolve: resolved by whoever raised it, whose position becomes "no objection"
        concern.resolved_at, concern.resolved_by_id, concern.resolution = start, raiser, resolution
        replay.position(raiser, PositionKind.NO_OBJECTION, start, note=f"Concern “{name}” resolved")
        replay.outbox(
            EventKind.CONCERN_RESOLVED, f"concern-resolved:{concern.id}",
            f"{label}: {names[raiser]} resolved the concern “{name}”", people, start, concern,
        )  # fmt: skip
        replay.settle(start)
        for person in members[1:-1]:
            replay.position(person, PositionKind.APPROVE, start)
            replay.settle(start)
        replays.append(replay)
    # numbered: the keys given above, the next free ones, as the flow's saves would take them.
    insert(Motion, [replay.motion for replay in replays], numbered=True)
    insert(Motion.teams.through, [(replay.motion.id, team.pk) for replay in replays for team in teams])
    insert(Concern, [concern for replay in replays for concern in replay.concerns], numbered=True)
    # Events and positions as the flow numbers them: by motion, in the order they were written.
    insert(MotionEvent, [event for replay in replays for event in replay.events])
    insert(Position, [position for replay in replays for position in replay.positions])
    queue_delivery()  # as each change of the flow does: one delivery pass once the seeding commits


def _next_pk(model: type[Any]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1
