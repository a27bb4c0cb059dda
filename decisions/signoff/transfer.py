"""A record's motions in its Markdown export and back: the `sign-off` front matter, the "Sign-off"
section written from it, and the import that restores them.

The front matter holds everything (motions, the rule each used, teams with their members, every
position with its history, every concern); the body's section is written from those values
alone, so an import can write it again and take it off the body before the body is read. A file
whose section says something else is refused naming it. An import restores the motions of a
record that has none (a fresh site, a restored backup); a record that has motions keeps them,
since the site is where positions are taken. Export, import, export gives the same bytes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from decisions.models import (
    RFC,
    Concern,
    Decision,
    Motion,
    Person,
    Position,
    RuleKind,
    Team,
)
from decisions.signoff.pages import _UNIONS, MotionView, build
from decisions.signoff.written import check, when


def _time(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _compact(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if value is not None and value != "" and value != []}


def motion_values(view: MotionView) -> dict[str, Any]:
    """One motion as plain values, in the order the front matter writes them."""
    motion = view.motion
    concerns = {concern.pk: concern.name for concern in view.concerns}
    return _compact({
        "disposition": motion.disposition,
        "state": motion.state,
        "proposed-by": motion.proposed_by.name if motion.proposed_by_id else None,
        "proposed-at": _time(motion.proposed_at),
        "summary": motion.summary,
        "rule": {"kind": motion.kind, "max-outstanding": motion.max_outstanding, "min-teams": motion.min_teams,
                 "fcp-days": motion.fcp_days, "auto-apply": motion.auto_apply},
        "teams": [{"name": t.team.name, "members": [m.person.name for m in t.members]} for t in view.teams],
        "fcp-starts-at": _time(motion.fcp_starts_at),
        "fcp-ends-at": _time(motion.fcp_ends_at),
        "fcp-runs": motion.fcp_runs or None,
        "closed-at": _time(motion.closed_at),
        "applied": True if motion.applied else None,
        "withdrawn-note": motion.withdrawn_note,
        "positions": [
            _compact({"person": p.person.name, "number": p.number, "position": p.kind, "at": _time(p.created_at),
                      "note": p.note, "concern": concerns.get(p.concern_id)})
            for p in view.positions
        ],
        "concerns": [
            _compact({"name": c.name, "raised-by": c.raised_by.name, "raised-at": _time(c.raised_at), "text": c.text,
                      "resolved-at": _time(c.resolved_at), "resolved-by": c.resolver_shown, "resolution": c.resolution})
            for c in view.concerns
        ],
    })  # fmt: skip


def values_for(records: list[RFC] | list[Decision]) -> dict[int, list[dict[str, Any]]]:
    """Each record's motions (oldest first) as plain values, in one query for all of them."""
    if not records:
        return {}
    kind = "rfc" if isinstance(records[0], RFC) else "decision"
    rows = _UNIONS[kind].rows_of([record.pk for record in records])
    if not rows["so_motion"]:
        return {}
    by_record: dict[int, dict[str, list]] = {}
    for tag, tagged in rows.items():
        for owner, row in tagged:
            by_record.setdefault(owner, {name: [] for name in rows})[tag].append((owner, row))
    records_by_pk = {record.pk: record for record in records}
    return {
        pk: [motion_values(view) for view in reversed(build(own, records_by_pk[pk]))]
        for pk, own in by_record.items()
        if own["so_motion"]
    }


def restore(record: RFC | Decision, motions: list[dict[str, Any]], person: Callable[[str], Person]) -> bool:
    """Write the motions of a record that has none (call inside the import's transaction)."""
    if not motions or record.motions.exists():
        return False
    for values in check(motions):
        rule = values.get("rule") or {}
        motion = Motion(
            rfc=record if isinstance(record, RFC) else None,
            decision=record if isinstance(record, Decision) else None,
            disposition=values["disposition"], state=values["state"], summary=values.get("summary", ""),
            proposed_by=person(values["proposed-by"]) if values.get("proposed-by") else None,
            proposed_at=when(values["proposed-at"], "proposed-at"),
            kind=rule.get("kind", RuleKind.EVERY_TEAM), max_outstanding=rule.get("max-outstanding", 2),
            min_teams=rule.get("min-teams", 2), fcp_days=rule.get("fcp-days", 10),
            auto_apply=bool(rule.get("auto-apply", True)),
            fcp_starts_at=when(values.get("fcp-starts-at"), "fcp-starts-at"),
            fcp_ends_at=when(values.get("fcp-ends-at"), "fcp-ends-at"), fcp_runs=values.get("fcp-runs", 0),
            closed_at=when(values.get("closed-at"), "closed-at"), applied=bool(values.get("applied")),
            withdrawn_note=values.get("withdrawn-note", ""),
        )  # fmt: skip
        motion.save()
        teams = []
        for team_values in values.get("teams", []):
            team = Team.objects.filter(name=team_values["name"]).first()
            if team is None:
                from django.utils.text import slugify

                team = Team.objects.create(name=team_values["name"], slug=slugify(team_values["name"])[:100])
            team.members.add(*[person(name) for name in team_values.get("members", [])])
            teams.append(team)
        motion.teams.set(teams)
        concerns = {}
        for c in values.get("concerns", []):
            resolver = c.get("resolved-by")
            concerns[c["name"]] = Concern.objects.create(
                motion=motion, raised_by=person(c["raised-by"]), name=c["name"], text=c.get("text", ""),
                raised_at=when(c.get("raised-at"), "raised-at"), resolved_at=when(c.get("resolved-at"), "resolved-at"),
                resolved_by=person(resolver) if resolver else None, resolution=c.get("resolution", ""),
            )  # fmt: skip
        for p in values.get("positions", []):
            Position.objects.create(
                motion=motion, person=person(p["person"]), number=p.get("number", 1), kind=p["position"],
                note=p.get("note", ""), concern=concerns.get(p.get("concern")), created_at=when(p.get("at"), "at"),
            )  # fmt: skip
    return True
