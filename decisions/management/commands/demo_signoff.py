"""manage.py demo_signoff: the demo's sign-off story, dated relative to now (`make install` runs it).

A fixture cannot date a motion "five days ago", so this command adds, after `loaddata
fixtures/demo.json`: two teams and the rules of the site's RFCs and of decision records; RFC 8
"Exception handling" in its final comment period with three of five positions given and one
resolved concern; DR-0001 with a motion to accept the in-tree option, blocked by Victor's concern
about migration cost. Running it again adds nothing (a record that has a motion is left alone).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from decisions.management.base import SiteCommand
from decisions.models import (
    RFC,
    Decision,
    Disposition,
    Person,
    PositionKind,
    Precedent,
    RuleKind,
    SignOffRule,
    Team,
)
from decisions.signoff import flow

DAY = datetime.timedelta(days=1)
CORE = ["Till Brennecke", "Nick Fallow", "Chris Marwood", "Jamey Cortland", "Dan Whitcombe"]
WASI = ["Victor Lindqvist", "Roman Petrakov", "Joel Dunmore", "Steve Okafor"]


def people(names: list[str]) -> dict[str, Person]:
    found = {person.name: person for person in Person.objects.filter(name__in=names)}
    missing = sorted(set(names) - set(found))
    if missing:
        raise CommandError(f"Load fixtures/demo.json first: {', '.join(missing)} not found.")
    return found


def team(name: str, slug: str, description: str, members: list[Person]) -> Team:
    made, _ = Team.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    made.members.add(*members)
    return made


def rfc_8(now: datetime.datetime, core: Team, who: dict[str, Person]) -> bool:
    rfc = RFC.objects.filter(series="", number=8).first()
    if rfc is None or rfc.motions.exists():
        return False
    start = now - 5 * DAY
    motion = flow.propose(
        rfc, person=who["Chris Marwood"], disposition=Disposition.ACCEPT, teams=[core], now=start,
        summary="Ship the exception-handling proposal as written: `try_table` lowering in Cranelift, "
        "with the unwinding tables Wasmtime already emits. Windows SEH is covered by the new tests.",
    )  # fmt: skip
    flow.record_position(
        motion, person=who["Till Brennecke"], kind=PositionKind.APPROVE, after=0, now=start + DAY / 4
    )
    flow.record_position(
        motion, person=who["Jamey Cortland"], kind=PositionKind.CONCERN, after=0, now=start + DAY,
        concern_name="unwinding on Windows",
        concern_text="Does the unwinder handle SEH frames Cranelift did not emit? Show a test with a host frame in between.",
    )  # fmt: skip
    concern = motion.concerns.get()
    flow.resolve(concern, person=who["Jamey Cortland"], user=None, now=start + 2 * DAY,
                 note="The new test crosses a host frame on Windows; it passes.")  # fmt: skip
    flow.record_position(motion, person=who["Nick Fallow"], kind=PositionKind.APPROVE, after=0, now=start + 3 * DAY,
                         note="Looks good; the fuzzing results convinced me.")  # fmt: skip
    return True


def dr_1(now: datetime.datetime, core: Team, wasi: Team, who: dict[str, Person]) -> bool:
    decision = Decision.objects.filter(number=1).first()
    if decision is None or decision.motions.exists():
        return False
    start = now - 3 * DAY
    motion = flow.propose(
        decision, person=who["Till Brennecke"], disposition=Disposition.ACCEPT, teams=[core, wasi], now=start,
        summary="Accept **In-tree subproject behind feature flags**: the shared WASI implementations live "
        "in the Wasmtime repository, each behind a Cargo feature, so they are tested with every change.",
    )  # fmt: skip
    flow.record_position(
        motion, person=who["Nick Fallow"], kind=PositionKind.APPROVE, after=0, now=start + DAY / 2
    )
    flow.record_position(
        motion, person=who["Joel Dunmore"], kind=PositionKind.NO_OBJECTION, after=0, now=start + DAY
    )
    precedent = Precedent.objects.filter(title__contains="KEP #178").first()
    cite = f"[{precedent.title}](/precedents/{precedent.pk}/)" if precedent else "Kubernetes' KEP #178"
    flow.record_position(
        motion, person=who["Victor Lindqvist"], kind=PositionKind.CONCERN, after=0, now=start + 2 * DAY,
        concern_name="migration cost",
        concern_text=f"Embedders who vendor the WASI crates today would all have to migrate at once. Kubernetes "
        f"moved its in-tree volume plugins out over several releases and ran both paths meanwhile ({cite}); "
        "we need a migration plan and a deprecation window before accepting.",
    )  # fmt: skip
    return True


class Command(SiteCommand):
    help = "Add the demo's teams, sign-off rules and motions (dated relative to now); again, nothing."

    def run(self, options: dict[str, Any]) -> dict[str, Any]:
        now = timezone.now().replace(microsecond=0)
        who = people(CORE + WASI)
        with transaction.atomic():
            core = team("Wasmtime core", "wasmtime-core", "Maintainers of Wasmtime and Cranelift",
                        [who[name] for name in CORE])  # fmt: skip
            wasi = team(
                "WASI subgroup", "wasi-subgroup", "Implementers of the WASI APIs", [who[n] for n in WASI]
            )
            rule, made = SignOffRule.objects.get_or_create(
                scope="rfc", defaults={"kind": RuleKind.MAJORITY, "max_outstanding": 2, "fcp_days": 10}
            )
            if made:
                rule.teams.add(core)
            rule, made = SignOffRule.objects.get_or_create(
                scope="decisions", defaults={"kind": RuleKind.EVERY_TEAM}
            )
            if made:
                rule.teams.add(core, wasi)
            added = {"RFC 8": rfc_8(now, core, who), "DR-0001": dr_1(now, core, wasi, who)}
        return {"added": [name for name, done in added.items() if done]}

    def as_json(self, result: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
        return result

    def summary(self, result: dict[str, Any], options: dict[str, Any]) -> None:
        added = result["added"]
        self.stdout.write(
            f"Sign-off demo: {', '.join(added)} added." if added else "Sign-off demo already there."
        )
