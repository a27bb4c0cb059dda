"""Motions for `make bench`: the RFC and decision pages with a sign-off panel, and /motions/.

Seeded after each step of bench.seed (which stays as it was, so the export digest of its records
is unchanged): every EVERY-th RFC and decision without a motion gets one asking two teams of
six, with most positions given, a concern raised and resolved, and a final comment period running.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from decisions.models import RFC, Decision, Person, PositionKind, Team
from decisions.signoff import flow

EVERY = 50
TEAM_SIZE = 6


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
    start = now - datetime.timedelta(days=3)
    motion = flow.propose(
        record, person=None, disposition="accept", teams=teams, summary="Ship *it*.", now=start
    )
    members = [person for team in teams for person in team.members.order_by("pk")]
    raiser = members[0]
    flow.record_position(motion, person=raiser, kind=PositionKind.CONCERN, after=0, now=start,
                         concern_name="scope", concern_text="Too broad as written.")  # fmt: skip
    flow.resolve(motion.concerns.get(), person=raiser, user=None, note="Narrowed.", now=start)
    for person in members[1:-1]:
        flow.record_position(motion, person=person, kind=PositionKind.APPROVE, after=0, now=start)


def seed_motions(every: int = EVERY) -> int:
    """Add the motions (to every `every`-th record); return how many records now have one."""
    teams = _teams()
    now = timezone.now()
    for model in (RFC, Decision):
        ordered = model.objects.filter(motions__isnull=True).order_by("pk")
        for record in ordered.filter(
            pk__in=[pk for pk in ordered.values_list("pk", flat=True) if pk % every == 1]
        ):
            _motion(record, teams, now)
    return (
        RFC.objects.filter(motions__isnull=False).count()
        + Decision.objects.filter(motions__isnull=False).count()
    )
