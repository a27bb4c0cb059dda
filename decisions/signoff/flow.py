"""Every change to a motion, each in one transaction with its outbox rows: propose, take a position,
raise or resolve a concern, withdraw, and settle (what decisions.signoff.rules says at `now`).

Writes lock the motion's row first (select_for_update; SQLite serializes writes anyway), so two
positions saved at once are judged one after the other and the period starts exactly once. A
time-driven change (the end of a period) is claimed with a conditional UPDATE on the state the
motion was read in: of two servers advancing the same motion, one changes it and the other
finds nothing to do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F, Max

from decisions.markdown.fields import prerender
from decisions.models import (
    RFC,
    Concern,
    Decision,
    DecisionStatus,
    DecisionStatusChange,
    Disposition,
    EventKind,
    Motion,
    MotionEvent,
    MotionState,
    Person,
    Position,
    PositionKind,
    RFCStatus,
    RFCStatusChange,
    SignOffRule,
    Team,
)
from decisions.signoff import rules
from decisions.signoff.models import scope_of
from decisions.signoff.tasks import queue_delivery

BY_RULE = "by the sign-off rule"
RFC_STATUS = {
    Disposition.ACCEPT: RFCStatus.ACCEPTED,
    Disposition.CLOSE: RFCStatus.REJECTED,
    Disposition.POSTPONE: RFCStatus.POSTPONED,
}
DECISION_STATUS = {
    Disposition.ACCEPT: DecisionStatus.ACCEPTED,
    Disposition.CLOSE: DecisionStatus.REJECTED,
    Disposition.POSTPONE: DecisionStatus.DEFERRED,
}


class Refused(Exception):
    """A write that may not happen now (409): the message says why and what to do."""


@dataclass(frozen=True)
class Change:
    """A state change settle() made, as `advance_motions --json` reports it."""

    record: str
    motion: int
    before: str
    after: str

    def as_json(self) -> dict[str, Any]:
        return {"record": self.record, "motion": self.motion, "from": self.before, "to": self.after}


def rule_for(record: RFC | Decision) -> SignOffRule:
    """The rule of the record's series (or of decision records); the default rule when none is set."""
    return SignOffRule.objects.filter(scope=scope_of(record)).first() or SignOffRule(scope=scope_of(record))


def situation(motion: Motion) -> rules.Situation:
    """The motion's teams, members, latest positions and open concerns, in three queries."""
    teams: dict[str, list[int]] = {}
    for name, person in Team.members.through.objects.filter(team__motions=motion).values_list(
        "team__name", "person_id"
    ):
        teams.setdefault(name, []).append(person)
    for name in motion.teams.exclude(name__in=teams).values_list("name", flat=True):
        teams[name] = []
    latest: dict[int, str] = {}
    for person, kind in motion.positions.order_by("person", "number").values_list("person_id", "kind"):
        latest[person] = kind
    concerns = list(motion.concerns.filter(resolved_at=None).values_list("name", flat=True))
    return rules.Situation(
        rule=rules.Rule(motion.kind, motion.max_outstanding, motion.min_teams, motion.fcp_length),
        teams=teams,
        positions=latest,
        open_concerns=concerns,
        state=motion.state,
        fcp_starts_at=motion.fcp_starts_at,
        fcp_ends_at=motion.fcp_ends_at,
    )


def _people_of(motion: Motion) -> set[int]:
    """Whoever hears of a motion: its proposer, the record's people and every member asked."""
    people = set(
        Team.members.through.objects.filter(team__motions=motion).values_list("person_id", flat=True)
    )
    if motion.proposed_by_id:
        people.add(motion.proposed_by_id)
    if motion.rfc_id:
        people |= set(
            RFC.authors.through.objects.filter(rfc=motion.rfc_id).values_list("person_id", flat=True)
        )
        shepherd = RFC.objects.filter(pk=motion.rfc_id).values_list("shepherd_id", flat=True).first()
        if shepherd:
            people.add(shepherd)
    else:
        people |= set(
            Decision.owners.through.objects.filter(decision=motion.decision_id).values_list(
                "person_id", flat=True
            )
        )
    return people


def _outbox(
    motion: Motion,
    kind: str,
    key: str,
    text: str,
    people: set[int],
    now: datetime.datetime,
    concern: Concern | None = None,
) -> None:
    """One undelivered row per person; a row already written for (key, person) is left alone."""
    MotionEvent.objects.bulk_create(
        [
            MotionEvent(
                key=key,
                kind=kind,
                motion=motion,
                concern=concern,
                person_id=person,
                text=text[:500],
                created_at=now,
            )
            for person in sorted(people)
        ],
        ignore_conflicts=True,
    )
    queue_delivery()  # the mail worker runs once the change commits


def settle(motion: Motion, now: datetime.datetime) -> Change | None:
    """Move the motion to the state the rule gives at `now` (call inside a transaction).

    The UPDATE only matches the state the motion was read in, so a concurrent advance of the
    same motion changes nothing twice; None when nothing changed here.
    """
    outcome = rules.evaluate(situation(motion), now)
    same = (outcome.state, outcome.fcp_starts_at, outcome.fcp_ends_at) == (
        motion.state,
        motion.fcp_starts_at,
        motion.fcp_ends_at,
    )
    if same:
        return None
    changes: dict[str, Any] = {
        "state": outcome.state,
        "fcp_starts_at": outcome.fcp_starts_at,
        "fcp_ends_at": outcome.fcp_ends_at,
        "version": F("version") + 1,
    }
    if outcome.started:
        changes["fcp_runs"] = F("fcp_runs") + 1
    if outcome.ended:
        changes["closed_at"] = outcome.fcp_ends_at
    claimed = Motion.objects.filter(pk=motion.pk, state=motion.state, fcp_ends_at=motion.fcp_ends_at).update(
        **changes
    )
    if not claimed:
        return None
    before = motion.state
    motion.refresh_from_db()
    label = motion.record_label
    if outcome.started:
        again = (
            " again, with its full length, now that the last concern is resolved"
            if motion.fcp_runs > 1
            else ""
        )
        text = f"{label}: the final comment period started{again}; it ends {outcome.fcp_ends_at:%Y-%m-%d %H:%M} UTC"
        _outbox(
            motion,
            EventKind.FCP_STARTED,
            f"fcp-started:{motion.pk}:{motion.fcp_runs}",
            text,
            _people_of(motion),
            now,
        )
    if outcome.ended:
        applied = _apply(motion) if motion.auto_apply else False
        what = f"; {label} is now {motion.get_disposition_display().lower()}ed" if applied else ""
        _outbox(
            motion,
            EventKind.FCP_ENDED,
            f"fcp-ended:{motion.pk}",
            f"{label}: the final comment period ended{what}",
            _people_of(motion),
            now,
        )
    return Change(label, motion.pk, before, motion.state)


def _apply(motion: Motion) -> bool:
    """The disposition as the record's status, with a status change "by the sign-off rule"."""
    end = motion.fcp_ends_at
    assert end is not None
    note = f"{BY_RULE} (motion {motion.pk})"
    if motion.rfc_id:
        rfc = RFC.objects.only("status").get(pk=motion.rfc_id)
        status = RFC_STATUS[motion.disposition]
        if rfc.status == status:
            return False
        RFC.objects.filter(pk=rfc.pk).update(status=status, version=F("version") + 1, updated_at=end)
        change = RFCStatusChange.objects.create(rfc=rfc, from_status=rfc.status, to_status=status, note=note)
        RFCStatusChange.objects.filter(pk=change.pk).update(changed_at=end)  # auto_now_add: the end, not now
    else:
        decision = Decision.objects.only("status").get(pk=motion.decision_id)
        status = DECISION_STATUS[motion.disposition]
        if decision.status == status:
            return False
        decided = end.date() if status != DecisionStatus.DEFERRED else None
        Decision.objects.filter(pk=decision.pk).update(
            status=status, decided_on=decided, outcome_version=F("outcome_version") + 1, updated_at=end
        )
        DecisionStatusChange.objects.create(
            decision=decision, from_status=decision.status, to_status=status, changed_on=end.date(), note=note
        )
    Motion.objects.filter(pk=motion.pk).update(applied=True)
    motion.applied = True
    return True


def _locked(motion: Motion, now: datetime.datetime) -> Motion:
    """The motion's row, locked for this transaction and settled at `now`; refused when closed."""
    motion = (
        Motion.objects.select_for_update(of=("self",)).select_related("rfc", "decision").get(pk=motion.pk)
    )
    settle(motion, now)
    if not motion.is_open:
        raise Refused(
            f"This motion is {motion.get_state_display().lower()}, so it takes no more positions or "
            "concerns. The record's page shows how it ended."
        )
    return motion


def propose(
    record: RFC | Decision,
    *,
    person: Person | None,
    disposition: str,
    teams: list[Team],
    summary: str,
    now: datetime.datetime,
) -> Motion:
    """Open a motion on the record with the rule of its series; refused when one is already open."""
    rule = rule_for(record)
    motion = Motion(
        rfc=record if isinstance(record, RFC) else None,
        decision=record if isinstance(record, Decision) else None,
        disposition=disposition,
        summary=summary,
        proposed_by=person,
        proposed_at=now,
        kind=rule.kind,
        max_outstanding=rule.max_outstanding,
        min_teams=rule.min_teams,
        fcp_days=rule.fcp_days,
        auto_apply=rule.auto_apply,
    )
    prerender(motion)  # Markdown before the write lock (decisions.markdown.fields)
    try:
        with transaction.atomic():
            motion.save()
            motion.teams.set(teams)
            label = motion.record_label
            _outbox(
                motion,
                EventKind.PROPOSED,
                f"proposed:{motion.pk}",
                f"{label}: motion to {disposition}",
                _people_of(motion),
                now,
            )
            members = set(
                Team.members.through.objects.filter(team__in=teams).values_list("person_id", flat=True)
            )
            _outbox(
                motion,
                EventKind.POSITION_REQUESTED,
                f"position-requested:{motion.pk}",
                f"{label}: your position on the motion to {disposition} is asked",
                members,
                now,
            )
            settle(motion, now)
    except IntegrityError as error:
        raise Refused(
            "This record already has an open motion: take a position on it, or withdraw it before "
            "proposing another."
        ) from error
    return motion


def latest_number(motion: Motion, person: Person) -> int:
    return motion.positions.filter(person=person).aggregate(n=Max("number"))["n"] or 0


def record_position(
    motion: Motion,
    *,
    person: Person,
    kind: str,
    note: str = "",
    after: int,
    now: datetime.datetime,
    concern_name: str = "",
    concern_text: str = "",
) -> Position:
    """Add the person's next position (seen at number `after`); a concern also opens a Concern."""
    try:
        with transaction.atomic():
            motion = _locked(motion, now)
            if latest_number(motion, person) != after:
                raise Refused(
                    "Your position on this motion changed (in another tab or window) after you opened "
                    "this page, so this one was not saved. The panel now shows your latest position; "
                    "choose again."
                )
            concern = None
            if kind == PositionKind.CONCERN:
                concern = Concern.objects.create(
                    motion=motion, raised_by=person, name=concern_name, text=concern_text, raised_at=now
                )
                _outbox(
                    motion,
                    EventKind.CONCERN_RAISED,
                    f"concern-raised:{concern.pk}",
                    f"{motion.record_label}: {person.name} raised the concern “{concern_name}”",
                    _people_of(motion),
                    now,
                    concern,
                )
            position = Position.objects.create(
                motion=motion,
                person=person,
                number=after + 1,
                kind=kind,
                note=note,
                concern=concern,
                created_at=now,
            )
            settle(motion, now)
    except IntegrityError as error:  # the same number claimed by a save at the same moment
        raise Refused(
            "Your position was saved from another page at the same moment; reload and check it."
        ) from error
    return position


def resolve(
    concern: Concern, *, person: Person | None, user: Any, note: str, now: datetime.datetime
) -> Concern:
    """Mark the concern resolved with a note; the raiser's concern position becomes "no objection"."""
    with transaction.atomic():
        motion = _locked(concern.motion, now)
        claimed = Concern.objects.filter(pk=concern.pk, resolved_at=None).update(
            resolved_at=now, resolved_by=person, resolved_by_user=user, resolution=note
        )
        if not claimed:
            raise Refused("This concern was already resolved; the panel shows by whom and when.")
        concern.refresh_from_db()
        latest = motion.positions.filter(person=concern.raised_by_id).order_by("-number").first()
        if latest and latest.concern_id == concern.pk:
            Position.objects.create(
                motion=motion,
                person_id=concern.raised_by_id,
                number=latest.number + 1,
                kind=PositionKind.NO_OBJECTION,
                note=f"Concern “{concern.name}” resolved",
                created_at=now,
            )
        who = person.name if person else user.get_username()
        _outbox(
            motion,
            EventKind.CONCERN_RESOLVED,
            f"concern-resolved:{concern.pk}",
            f"{motion.record_label}: {who} resolved the concern “{concern.name}”",
            _people_of(motion),
            now,
            concern,
        )
        settle(motion, now)
    return concern


def withdraw(motion: Motion, *, version: int, note: str, now: datetime.datetime) -> Motion:
    """Close the motion without a decision; it and its concerns stay in the history."""
    with transaction.atomic():
        motion = _locked(motion, now)
        if not motion.claim_version(version):
            raise Refused(
                "The motion changed after you opened this page (a position, a concern or the period), "
                "so it was not withdrawn. Look at it again and withdraw it if you still want to."
            )
        Motion.objects.filter(pk=motion.pk).update(
            state=MotionState.WITHDRAWN,
            closed_at=now,
            withdrawn_note=note,
            fcp_starts_at=None,
            fcp_ends_at=None,
        )
        motion.refresh_from_db()
        _outbox(
            motion,
            EventKind.WITHDRAWN,
            f"withdrawn:{motion.pk}",
            f"{motion.record_label}: the motion to {motion.disposition} was withdrawn",
            _people_of(motion),
            now,
        )
    return motion


def advance(now: datetime.datetime, motions: models.QuerySet[Motion] | None = None) -> list[Change]:
    """Settle every open motion (or those given) at `now`, each in its own short transaction.

    Safe to run from several servers at once: a motion another transaction holds is skipped
    (PostgreSQL's SKIP LOCKED) and settle() claims the state it read, so nothing changes twice.
    """
    scope = motions if motions is not None else Motion.objects.all()
    changes = []
    for pk in scope.filter(state__in=MotionState.open()).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            motion = (
                Motion.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("rfc", "decision")
                .filter(pk=pk, state__in=MotionState.open())
                .first()
            )
            change = settle(motion, now) if motion is not None else None
        if change:
            changes.append(change)
    return changes


def advance_due(record: RFC | Decision, now: datetime.datetime) -> bool:
    """Advance the record's motion when its stored period end has passed (one cheap query otherwise)."""
    field = "rfc" if isinstance(record, RFC) else "decision"
    due = Motion.objects.filter(**{field: record.pk}, state=MotionState.FCP, fcp_ends_at__lte=now)
    return bool(advance(now, due)) if due.exists() else False
