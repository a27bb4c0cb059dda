"""The sign-off panel of a record: its motions, teams, members, positions and concerns in one query.

A record page asks for its panel with the record's id; every motion of the record (the open or
latest one shown in full, earlier ones listed) comes in one UNION ALL query
(decisions.caching.union), whatever the number of teams, members and positions. When the stored
end of a running period has passed, the motion is advanced first (decisions.signoff.flow), so a
page is never out of date when the timer is late.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from django.db.models import Case, Value, When

from decisions.caching.union import DATETIME, INT, TEXT, PreparedUnion, Relation, Rows
from decisions.models import (
    RFC,
    Concern,
    Decision,
    Motion,
    MotionState,
    Person,
    Position,
    PositionKind,
    Team,
)
from decisions.signoff import rules


def _flag(name: str) -> Case:
    return Case(When(**{name: True}, then=Value(1)), default=Value(0))


def relations(record: str, lookup: dict[str, Any]) -> list[Relation]:
    """The panel's rows of the records `lookup` finds ("rfc" or "decision" records, by pk or as a
    page finds them), grouped by the record's id. A record page adds them to its own query."""
    motion = f"motion__{record}"
    mine = {f"{record}__{key}": value for key, value in lookup.items()}
    theirs = {f"{motion}__{key}": value for key, value in lookup.items()}
    return [
        Relation("so_motion", Motion.objects.filter(**mine), f"{record}_id",
                 {"id": (INT, "pk"), "version": (INT, "version"), "fcp_runs": (INT, "fcp_runs"),
                  "max_outstanding": (INT, "max_outstanding"), "min_teams": (INT, "min_teams"),
                  "fcp_days": (INT, "fcp_days"), "auto_apply": (INT, _flag("auto_apply")),
                  "applied": (INT, _flag("applied")), "proposed_by_id": (INT, "proposed_by_id"),
                  "proposer_user_id": (INT, "proposed_by__user_id"), "state": (TEXT, "state"),
                  "disposition": (TEXT, "disposition"), "kind": (TEXT, "kind"),
                  "summary": (TEXT, "summary"), "summary_html": (TEXT, "summary_html"),
                  "withdrawn_note": (TEXT, "withdrawn_note"),
                  "proposer_name": (TEXT, "proposed_by__name"), "proposer_slug": (TEXT, "proposed_by__slug"),
                  "proposed_at": (DATETIME, "proposed_at"), "fcp_starts_at": (DATETIME, "fcp_starts_at"),
                  "fcp_ends_at": (DATETIME, "fcp_ends_at"), "closed_at": (DATETIME, "closed_at")}),
        # One row per team asked and member (a team without members gives one row without one).
        Relation("so_member", Motion.teams.through.objects.filter(**theirs), f"{motion}_id",
                 {"motion_id": (INT, "motion_id"), "team_id": (INT, "team_id"),
                  "person_id": (INT, "team__members__id"), "user_id": (INT, "team__members__user_id"),
                  "team_name": (TEXT, "team__name"), "team_slug": (TEXT, "team__slug"),
                  "name": (TEXT, "team__members__name"), "slug": (TEXT, "team__members__slug")}),
        Relation("so_position", Position.objects.filter(**theirs), f"{motion}_id",
                 {"id": (INT, "pk"), "motion_id": (INT, "motion_id"), "person_id": (INT, "person_id"),
                  "number": (INT, "number"), "concern_id": (INT, "concern_id"), "kind": (TEXT, "kind"),
                  "note": (TEXT, "note"), "name": (TEXT, "person__name"), "slug": (TEXT, "person__slug"),
                  "created_at": (DATETIME, "created_at")}),
        Relation("so_concern", Concern.objects.filter(**theirs), f"{motion}_id",
                 {"id": (INT, "pk"), "motion_id": (INT, "motion_id"), "raised_by_id": (INT, "raised_by_id"),
                  "raiser_user_id": (INT, "raised_by__user_id"), "name": (TEXT, "name"), "text": (TEXT, "text"),
                  "raiser_name": (TEXT, "raised_by__name"), "raiser_slug": (TEXT, "raised_by__slug"),
                  "resolver_name": (TEXT, "resolved_by__name"),
                  "resolver_username": (TEXT, "resolved_by_user__username"),
                  "resolution": (TEXT, "resolution"), "raised_at": (DATETIME, "raised_at"),
                  "resolved_at": (DATETIME, "resolved_at")}),
    ]  # fmt: skip


_UNIONS = {
    "rfc": PreparedUnion(lambda ids: relations("rfc", {"pk__in": ids})),
    "decision": PreparedUnion(lambda ids: relations("decision", {"pk__in": ids})),
}
TAGS = ("so_motion", "so_member", "so_position", "so_concern")


@dataclass
class Member:
    person: Person
    user_id: int | None
    position: Position | None = None
    history: list[Position] = field(default_factory=list)


@dataclass
class TeamRows:
    team: Team
    members: list[Member]
    needs: int = 0


@dataclass
class MotionView:
    """One motion as the panel, the motion page and the API show it."""

    motion: Motion
    teams: list[TeamRows]
    positions: list[Position]  # every position, oldest first
    concerns: list[Concern]

    @cached_property
    def members(self) -> dict[int, Member]:
        return {m.person.pk: m for team in self.teams for m in team.members}

    @property
    def member_user_ids(self) -> set[int]:
        return {m.user_id for m in self.members.values() if m.user_id}

    @property
    def open_concerns(self) -> list[Concern]:
        return [c for c in self.concerns if c.resolved_at is None]

    @property
    def resolved_concerns(self) -> list[Concern]:
        return [c for c in self.concerns if c.resolved_at is not None]

    @cached_property
    def outcome(self) -> rules.Outcome:
        motion = self.motion
        latest = {p.person_id: p.kind for p in self.positions}
        situation = rules.Situation(
            rule=rules.Rule(motion.kind, motion.max_outstanding, motion.min_teams, motion.fcp_length),
            teams={t.team.name: [m.person.pk for m in t.members] for t in self.teams},
            positions=latest,
            open_concerns=[c.name for c in self.open_concerns],
            state=motion.state,
            fcp_starts_at=motion.fcp_starts_at,
            fcp_ends_at=motion.fcp_ends_at,
        )
        return rules.evaluate(situation, motion.fcp_starts_at or motion.proposed_at)

    @property
    def needs(self) -> int:
        return self.outcome.needs if self.motion.state in (MotionState.REVIEW, MotionState.BLOCKED) else 0

    @property
    def given(self) -> int:
        return sum(1 for m in self.members.values() if m.position is not None)

    @property
    def rule_text(self) -> str:
        motion = self.motion
        if motion.kind == rules.MAJORITY:
            return f"a majority of each team, at most {motion.max_outstanding} without a position"
        if motion.kind == rules.TEAMS:
            return f"at least {motion.min_teams} of the teams sign off"
        return "every team signs off"

    def latest_number(self, person_id: int | None) -> int:
        member = self.members.get(person_id) if person_id else None
        return member.history[-1].number if member and member.history else 0


def _motion(row: dict[str, Any], record: RFC | Decision, pk: int) -> Motion:
    row = dict(row)
    proposer = Person(pk=row["proposed_by_id"], name=row.pop("proposer_name"), slug=row.pop("proposer_slug"),
                      user_id=row.pop("proposer_user_id"))  # fmt: skip
    row["auto_apply"], row["applied"] = bool(row["auto_apply"]), bool(row["applied"])
    motion = Motion(**{k: v for k, v in row.items() if k != "id"}, pk=pk)
    if isinstance(record, RFC):
        motion.rfc = record
    else:
        motion.decision = record
    if proposer.pk:
        motion.proposed_by = proposer
    return motion


def _aware(rows: Rows) -> Rows:
    """Times in UTC: SQLite may hand back naive datetimes for the union's time slots."""
    for tagged in rows.values():
        for _, row in tagged:
            for name, value in row.items():
                if isinstance(value, datetime.datetime) and value.tzinfo is None:
                    row[name] = value.replace(tzinfo=datetime.UTC)
    return rows


def build(rows: Rows, record: RFC | Decision) -> list[MotionView]:
    """Every motion of the record, newest first, from the rows of one query."""
    rows = _aware(rows)
    views: dict[int, MotionView] = {}
    for _, row in sorted(rows["so_motion"], key=lambda item: (item[1]["proposed_at"], item[1]["id"])):
        views[row["id"]] = MotionView(_motion(row, record, row["id"]), [], [], [])
    teams: dict[tuple[int, int], TeamRows] = {}
    for _, row in sorted(rows["so_member"], key=lambda item: (item[1]["team_name"], item[1]["name"] or "")):
        key = (row["motion_id"], row["team_id"])
        if key not in teams:
            teams[key] = TeamRows(Team(pk=row["team_id"], name=row["team_name"], slug=row["team_slug"]), [])
            views[row["motion_id"]].teams.append(teams[key])
        if row["person_id"]:
            person = Person(pk=row["person_id"], name=row["name"], slug=row["slug"], user_id=row["user_id"])
            teams[key].members.append(Member(person, row["user_id"]))
    for _, row in sorted(rows["so_position"], key=lambda item: (item[1]["created_at"], item[1]["number"])):
        view = views[row["motion_id"]]
        position = Position(
            pk=row["id"], motion_id=row["motion_id"], person_id=row["person_id"], number=row["number"],
            kind=row["kind"], note=row["note"], concern_id=row["concern_id"], created_at=row["created_at"],
        )  # fmt: skip
        position.person = Person(pk=row["person_id"], name=row["name"], slug=row["slug"])
        view.positions.append(position)
        for team in view.teams:
            for member in team.members:
                if member.person.pk == row["person_id"]:
                    member.history.append(position)
                    member.position = position
    for _, row in sorted(rows["so_concern"], key=lambda item: (item[1]["raised_at"], item[1]["id"])):
        concern = Concern(
            pk=row["id"], motion_id=row["motion_id"], raised_by_id=row["raised_by_id"], name=row["name"],
            text=row["text"], raised_at=row["raised_at"], resolved_at=row["resolved_at"],
            resolution=row["resolution"],
        )  # fmt: skip
        concern.raised_by = Person(
            pk=row["raised_by_id"],
            name=row["raiser_name"],
            slug=row["raiser_slug"],
            user_id=row["raiser_user_id"],
        )
        concern.resolver_shown = row["resolver_name"] or row["resolver_username"] or ""
        views[row["motion_id"]].concerns.append(concern)
    for view in views.values():
        needs = view.outcome.team_needs
        for team in view.teams:
            team.needs = needs.get(team.team.name, 0)
    return sorted(views.values(), key=lambda v: (v.motion.proposed_at, v.motion.pk), reverse=True)


class Outline(NamedTuple):
    """What a record page needs of its panel for every reader before it renders it: nothing in
    it can change, so the cached value is shared by requests as it is (decisions.caching.fragments)
    and a visitor's page never copies the panel's rows (signoff.views.panel_context)."""

    kind: str  # the record's model: "RFC" or "Decision"
    record_pk: int
    current_pk: int | None
    current_open: bool
    earlier_pks: tuple[int, ...]
    ends_soonest: datetime.datetime | None
    # The record's key in its URLs (an RFC's pk, a decision's number): the propose link without
    # reading the record.
    url_key: int


@dataclass
class Panel:
    """What a record page shows: the current motion (open, or the latest) and the earlier ones."""

    record: RFC | Decision
    motions: list[MotionView]
    advanced: bool = False  # a period's end was applied while loading: the record may have changed

    @property
    def current(self) -> MotionView | None:
        return self.motions[0] if self.motions else None

    @property
    def earlier(self) -> list[MotionView]:
        return self.motions[1:]

    @property
    def ends_soonest(self) -> datetime.datetime | None:
        current = self.current
        return current.motion.fcp_ends_at if current and current.motion.state == MotionState.FCP else None

    def outline(self) -> Outline:
        current = self.current
        return Outline(
            type(self.record).__name__, self.record.pk, current.motion.pk if current else None,
            bool(current and current.motion.is_open), tuple(view.motion.pk for view in self.earlier),
            self.ends_soonest, self.record.pk if isinstance(self.record, RFC) else self.record.number,
        )  # fmt: skip


def panel(record: RFC | Decision, now: datetime.datetime, rows: Rows | None = None) -> Panel:
    """The record's motions in one query, none when the page's own query brought their `rows`
    (more, and a write, only when a period's end has passed)."""
    from decisions.signoff import flow  # flow imports the models through decisions.models too

    kind = "rfc" if isinstance(record, RFC) else "decision"
    motions = build(rows if rows is not None else _UNIONS[kind].rows(record.pk), record)
    current = motions[0] if motions else None
    if current and current.motion.state == MotionState.FCP and current.motion.fcp_ends_at <= now:
        flow.advance(now, Motion.objects.filter(pk=current.motion.pk))
        record.refresh_from_db(fields=["status"])
        motions = build(_UNIONS[kind].rows(record.pk), record)
        return Panel(record, motions, advanced=True)
    return Panel(record, motions)


def _read_views(motions: list[Motion]) -> dict[int, MotionView]:
    """The views of `motions`, from one query per kind of record (two at most)."""
    views: dict[int, MotionView] = {}
    for kind in ("rfc", "decision"):
        records = {getattr(m, kind).pk: getattr(m, kind) for m in motions if getattr(m, f"{kind}_id")}
        if not records:
            continue
        rows = _UNIONS[kind].rows_of(sorted(records))
        by_record: dict[int, Rows] = {pk: {tag: [] for tag in rows} for pk in records}
        for tag, tagged in rows.items():
            for owner, row in tagged:
                by_record[owner][tag].append((owner, row))
        for pk, own in by_record.items():
            views.update((view.motion.pk, view) for view in build(own, records[pk]))
    return views


def motion_views(motions: list[Motion], now: datetime.datetime) -> dict[int, MotionView]:
    """Each motion's view by its pk, for a page of motions of many records: two queries, not one
    per motion (more, and a write, only when a period's end has passed, as for panel())."""
    from decisions.signoff import flow

    views = _read_views(motions)
    due = [
        pk for pk, view in views.items()
        if view.motion.state == MotionState.FCP and view.motion.fcp_ends_at <= now
    ]  # fmt: skip
    if not due:
        return views
    flow.advance(now, Motion.objects.filter(pk__in=due))
    for motion in motions:
        if motion.record is not None:
            motion.record.refresh_from_db(fields=["status"])
    return _read_views(motions)


def motion_view(motion: Motion) -> MotionView:
    """One motion with its teams, positions and concerns (its record's rows, one query)."""
    record = motion.record
    return next(v for v in panel(record, _now()).motions if v.motion.pk == motion.pk)


def _now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


POSITION_CHOICES = PositionKind.choices
