"""Sign-off over time (issue 17): the period starts, stops, restarts and ends on an injected clock.

time-machine moves the clock; nothing sleeps. `advance_motions` is run as cron would, and pages
advance a motion whose stored end has passed when nobody ran it.
"""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command

from decisions.models import (
    RFC,
    DecisionStatusChange,
    EventKind,
    Motion,
    MotionEvent,
    RFCStatusChange,
    RuleKind,
    SignOffRule,
    Team,
)
from decisions.signoff import flow
from tests.factories import make_decision, make_person, make_rfc

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
HOUR, DAY = datetime.timedelta(hours=1), datetime.timedelta(days=1)


@pytest.fixture
def core() -> Team:
    team = Team.objects.create(name="Wasmtime core", slug="wasmtime-core")
    team.members.add(*[make_person(name) for name in ("Ann A", "Ben B", "Cat C", "Dan D", "Eve E")])
    SignOffRule.objects.create(scope="rfc", kind=RuleKind.MAJORITY, max_outstanding=2, fcp_days=10)
    return team


def member(team: Team, name: str):
    return team.members.get(name=name)


def advance(now: datetime.datetime) -> list[dict]:
    out = StringIO()
    call_command("advance_motions", "--now", now.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue().splitlines()[-1])["changed"]


def approve(motion: Motion, person, now: datetime.datetime, kind: str = "approve") -> None:
    flow.record_position(motion, person=person, kind=kind, after=flow.latest_number(motion, person), now=now)


def test_the_period_starts_when_the_rule_is_met_and_ends_exactly_ten_days_later(core):
    rfc = make_rfc(number=8, status="proposed")
    motion = flow.propose(rfc, person=None, disposition="accept", teams=[core], summary="Ship it", now=T0)
    approve(motion, member(core, "Ann A"), T0 + HOUR)
    approve(motion, member(core, "Ben B"), T0 + 2 * HOUR)
    assert Motion.objects.get().state == "review"
    approve(motion, member(core, "Cat C"), T0 + 3 * HOUR, kind="no-objection")
    motion.refresh_from_db()
    assert (motion.state, motion.fcp_starts_at, motion.fcp_ends_at) == (
        "fcp",
        T0 + 3 * HOUR,
        T0 + 3 * HOUR + 10 * DAY,
    )

    assert advance(motion.fcp_ends_at - datetime.timedelta(seconds=1)) == []
    changed = advance(motion.fcp_ends_at)
    assert changed == [{"record": "RFC 8", "motion": motion.pk, "from": "fcp", "to": "ended"}]
    assert advance(motion.fcp_ends_at) == []  # a second run at the same time changes nothing
    rfc.refresh_from_db()
    assert rfc.status == "accepted"
    change = RFCStatusChange.objects.get(rfc=rfc, to_status="accepted")
    assert change.note.startswith("by the sign-off rule") and change.changed_at == motion.fcp_ends_at


def test_a_concern_stops_the_period_and_resolving_it_restarts_it_with_its_full_length(core):
    rfc = make_rfc(number=9)
    motion = flow.propose(rfc, person=None, disposition="postpone", teams=[core], summary="", now=T0)
    for name in ("Ann A", "Ben B", "Cat C"):
        approve(motion, member(core, name), T0 + HOUR)
    eve = member(core, "Eve E")
    flow.record_position(motion, person=eve, kind="concern", after=0, now=T0 + 4 * DAY,
                         concern_name="migration cost", concern_text="Who pays for it?")  # fmt: skip
    motion.refresh_from_db()
    assert (motion.state, motion.fcp_ends_at) == ("blocked", None)
    assert advance(T0 + 30 * DAY) == []  # a blocked motion never ends by itself
    flow.resolve(motion.concerns.get(), person=eve, user=None, note="A window was agreed.", now=T0 + 31 * DAY)
    motion.refresh_from_db()
    assert (motion.state, motion.fcp_starts_at, motion.fcp_ends_at, motion.fcp_runs) == (
        "fcp", T0 + 31 * DAY, T0 + 41 * DAY, 2,
    )  # fmt: skip
    assert motion.positions.filter(person=eve).latest("number").kind == "no-objection"


def test_every_event_is_in_the_outbox_once_per_person_undelivered(core):
    rfc = make_rfc(number=10, authors=[make_person("Author Z")])
    motion = flow.propose(rfc, person=None, disposition="accept", teams=[core], summary="", now=T0)
    kinds = dict(MotionEvent.objects.values_list("kind", "key").distinct())
    assert set(kinds) == {EventKind.PROPOSED, EventKind.POSITION_REQUESTED}
    assert MotionEvent.objects.filter(kind=EventKind.POSITION_REQUESTED).count() == 5
    assert MotionEvent.objects.filter(kind=EventKind.PROPOSED).count() == 6  # the members and the author
    for name in ("Ann A", "Ben B", "Cat C"):
        approve(motion, member(core, name), T0 + HOUR)
    advance(T0 + HOUR + 10 * DAY)
    advance(T0 + HOUR + 10 * DAY)
    for kind in (EventKind.FCP_STARTED, EventKind.FCP_ENDED):
        assert MotionEvent.objects.filter(kind=kind).count() == 6, kind
    assert not MotionEvent.objects.exclude(delivered_at=None).exists()


def test_two_servers_settling_the_same_motion_change_it_once(core):
    rfc = make_rfc(number=11)
    motion = flow.propose(rfc, person=None, disposition="close", teams=[core], summary="", now=T0)
    for name in ("Ann A", "Ben B", "Cat C"):
        approve(motion, member(core, name), T0)
    one, two = (
        Motion.objects.get(pk=motion.pk),
        Motion.objects.get(pk=motion.pk),
    )  # both read before either writes
    end = one.fcp_ends_at
    assert flow.settle(one, end) is not None
    assert flow.settle(two, end) is None
    assert RFCStatusChange.objects.filter(rfc=rfc, to_status="rejected").count() == 1
    assert MotionEvent.objects.filter(kind=EventKind.FCP_ENDED).count() == 5  # once per member


def test_reading_the_page_applies_a_period_that_ended_while_no_timer_ran(core, client):
    rfc = make_rfc(number=12, status="proposed")
    motion = flow.propose(rfc, person=None, disposition="accept", teams=[core], summary="", now=T0)
    for name in ("Ann A", "Ben B", "Cat C"):
        approve(motion, member(core, name), T0)
    with time_machine.travel(T0 + 11 * DAY, tick=False):
        page = client.get("/rfcs/12/").content.decode()
    assert "The final comment period ended" in page and "Accepted" in page
    assert RFC.objects.get(pk=rfc.pk).status == "accepted"


def test_a_visitor_page_is_cached_no_longer_than_the_running_period(core, client, settings, monkeypatch):
    from django.core.cache import caches

    rfc = make_rfc(number=13)
    motion = flow.propose(rfc, person=None, disposition="accept", teams=[core], summary="", now=T0)
    for name in ("Ann A", "Ben B", "Cat C"):
        approve(motion, member(core, name), T0)
    kept = []  # timeouts of what is cached: the record fragment first, the whole page last
    store = caches[settings.PAGE_CACHE_ALIAS]
    monkeypatch.setattr(store, "set", lambda key, value, timeout=None: kept.append(timeout))
    monkeypatch.setattr("decisions.caching.datastate.current", lambda using=None: "state-1")
    with time_machine.travel(T0 + 10 * DAY - datetime.timedelta(seconds=90), tick=False):
        response = client.get("/rfcs/13/")
    assert kept[-1] == 90
    assert "X-Page-Cache-Seconds" not in response and "max-age" not in response.get("Cache-Control", "")


def test_a_withdrawn_motion_keeps_its_concerns_and_another_may_be_proposed(core):
    decision = make_decision(number=1)
    SignOffRule.objects.create(scope="decisions")
    motion = flow.propose(decision, person=None, disposition="accept", teams=[core], summary="", now=T0)
    flow.record_position(motion, person=member(core, "Eve E"), kind="concern", after=0, now=T0,
                         concern_name="scope", concern_text="Too broad.")  # fmt: skip
    with pytest.raises(flow.Refused, match="already has an open motion"):
        flow.propose(decision, person=None, disposition="close", teams=[core], summary="", now=T0)
    flow.withdraw(
        Motion.objects.get(pk=motion.pk),
        version=Motion.objects.get(pk=motion.pk).version,
        note="",
        now=T0 + DAY,
    )
    assert Motion.objects.get(pk=motion.pk).state == "withdrawn"
    assert motion.concerns.get().name == "scope"
    flow.propose(decision, person=None, disposition="close", teams=[core], summary="", now=T0 + DAY)
    assert decision.motions.count() == 2


def test_a_decision_record_takes_the_disposition_as_its_status(core):
    decision = make_decision(number=2)
    motion = flow.propose(decision, person=None, disposition="postpone", teams=[core], summary="", now=T0)
    for person in core.members.all():
        approve(motion, person, T0)
    advance(T0 + 10 * DAY)
    decision.refresh_from_db()
    assert decision.status == "deferred"
    assert DecisionStatusChange.objects.get(decision=decision).note.startswith("by the sign-off rule")


def test_advance_motions_refuses_a_time_that_is_not_iso_8601():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not an ISO 8601 time"):
        call_command("advance_motions", "--now", "next tuesday")


def test_staff_who_is_nobody_may_resolve_a_concern(core):
    rfc = make_rfc(number=14)
    motion = flow.propose(rfc, person=None, disposition="accept", teams=[core], summary="", now=T0)
    flow.record_position(motion, person=member(core, "Eve E"), kind="concern", after=0, now=T0,
                         concern_name="scope", concern_text="Too broad.")  # fmt: skip
    staff = User.objects.create_superuser("root", "r@example.org", "pw")
    concern = flow.resolve(motion.concerns.get(), person=None, user=staff, note="Narrowed.", now=T0 + DAY)
    assert (concern.resolved_by_user, concern.resolution) == (staff, "Narrowed.")
    with pytest.raises(flow.Refused, match="already resolved"):
        flow.resolve(concern, person=None, user=staff, note="Again.", now=T0 + DAY)
