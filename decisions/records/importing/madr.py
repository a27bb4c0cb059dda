"""An exported MADR 4 record read back: MADR's front matter, the site's `rfcs-site` key and the body.

The body is the record's text (decisions.records.importing.body); the front matter holds what
the body cannot say. Whatever the reader takes from the body is written again and compared with
the body, so a part it does not read back (the precedents, the list ending More Information) or
a heading it took for a section is refused with its line and both values, never dropped.
Where two places say different things (a rating in the table and in an argument, the status and
its history, `date` and the record's dates), the stored record settles it: the one that changed
wins; when both changed, the file is refused naming both.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import timezone

from decisions.formats.yaml import LinedMap
from decisions.models import Criterion, DecisionStatus, Option, OwnerRole, Person
from decisions.records.export import body as written
from decisions.records.export.data import (
    DECISION_MAKER_ROLES,
    LIST_ROLES,
    MADR_KEYS,
    SITE_KEY,
    SITE_KEYS,
    last_updated,
)
from decisions.records.importing.body import Claim, claims, first_difference, read_body
from decisions.records.importing.fields import (
    Fields,
    hyphens,
    max_length,
    read_action,
    read_areas,
    read_meeting,
    read_precedent,
    read_rfcs,
    read_status,
)
from decisions.records.importing.report import Problem
from decisions.records.importing.statuses import status_from_madr
from decisions.records.specs import (
    AssessmentSpec,
    CriterionSpec,
    OptionSpec,
    OwnerSpec,
    RecordSpec,
    StatusSpec,
)
from decisions.signoff import written as signoff

_NUMBER_IN_NAME = re.compile(r"^(\d+)(?:-|\.md$)")


def is_madr_export(data: LinedMap) -> bool:
    return SITE_KEY in data


def people(top: Fields, key: str) -> list[tuple[str, int]]:
    """A MADR list of people: a YAML list, or one text with names between commas."""
    value = top.mapping.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [(name.strip(), top.line(key)) for name in value.split(",") if name.strip()]
    names = []
    for name, line in top.scalars(key):
        if not isinstance(name, str) or not name.strip():
            top.problem(key, f"{name!r} is not a name", line)
        elif len(name) > max_length(Person, "name"):
            top.problem(key, f"{name[:40]!r}… is longer than {max_length(Person, 'name')} characters", line)
        else:
            names.append((name.strip(), line))
    return names


def _owners(top: Fields, site: Fields) -> list[OwnerSpec]:
    makers = people(top, "decision-makers")
    names = {name for name, _ in makers}
    roles: dict[str, list[str]] = {}
    for item in site.items("roles"):
        item.only(("name", "role"))
        name = item.text("name", required=True)
        role = item.choice("role", OwnerRole)
        if name and name not in names:
            item.problem("name", f"{name!r} is not one of the decision-makers")
        elif role and role not in DECISION_MAKER_ROLES:
            item.problem("role", f"{role!r} is not one of {', '.join(DECISION_MAKER_ROLES)}")
        elif name and role:
            roles.setdefault(name, []).append(role)
    owners = [
        OwnerSpec(name, "", role, line)
        for name, line in makers
        for role in roles.get(name, [OwnerRole.OWNER])
    ]
    for key, role in LIST_ROLES.items():
        owners += [OwnerSpec(name, "", role, line) for name, line in people(top, key)]
    return owners


def read_madr(top: Fields, body: str, body_line: int, file_name: str) -> RecordSpec:
    """The record a MADR 4 export file describes; problems go to top.problems."""
    top.only(MADR_KEYS)
    site_map = top.mapping.get(SITE_KEY)
    if not isinstance(site_map, LinedMap):
        top.problem(SITE_KEY, "must be a mapping (number, decided-on, areas, …)")
        site_map = LinedMap()
        site_map.lines, site_map.line = {}, top.line(SITE_KEY)
    site = Fields(site_map, SITE_KEY, top.path, top.problems)
    site.only(SITE_KEYS)
    # 0 is a number: MADR's own first record is 0000-use-markdown-architectural-decision-records.md.
    number = site.integer("number", low=0, high=2**31 - 1) or 0
    named = _NUMBER_IN_NAME.match(file_name)
    if number and named and int(named[1]) != number:
        site.problem("number", f"is {number}, but the file name says {int(named[1])}")
    status = madr_status(top)
    motions, body = _signoff(site, body)
    read = read_body(body, body_line, top.path, top.problems)
    spec = RecordSpec(
        path=top.path,
        lines=top.mapping.lines,
        number=number,
        title=read.title,
        status=status,
        decided_on=site.date("decided-on"),
        owners=_owners(top, site),
        areas=read_areas(site, "areas"),
        context=read.context,
        options=[
            OptionSpec(name, read.summaries.get(name, ""), read.why_not.get(name, ""))
            for name, _ in read.options
        ],
        criteria=[
            CriterionSpec(name, description, (read.weights or {}).get(name, (1, 0))[0])
            for name, description, _ in read.drivers
        ],
        assessments=[],
        chosen=read.chosen,
        rationale=read.rationale,
        consequences=read.consequences,
        confirmation=read.confirmation,
        more_information=read.more_information,
        revisit_by=site.date("revisit-by"),
        related_rfcs=read_rfcs(site, "related-rfcs"),
        meetings=[read_meeting(item, hyphens) for item in site.items("meetings")],
        precedents=[read_precedent(item, hyphens) for item in site.items("precedents")],
        supersedes=site.integer("supersedes", low=1, high=2**31 - 1, default=None),
        superseded_by=[n for n, _ in _numbers(site, "superseded-by")],
        status_history=[read_status(item, hyphens) for item in site.items("status-history")],
        action_items=[read_action(item, hyphens) for item in site.items("action-items")],
    )
    spec.signoff = motions
    _check(spec, read, top)
    cells = claims(read)
    spec.assessments = _agreed(cells, read)
    date = top.date("date")
    spec.settle = lambda stored, problems: _settle(spec, cells, read, stored, date, top, problems)
    return spec


def _signoff(site: Fields, body: str) -> tuple[list[dict[str, Any]], str]:
    """The record's motions (`rfcs-site.sign-off`) and the body without the section written from them."""
    value = site.mapping.get(signoff.KEY)
    if value is None:
        return [], body
    try:
        motions = signoff.check(value)
    except signoff.SignOffProblem as problem:
        site.problem(signoff.KEY, str(problem))
        return [], body
    stripped = signoff.without_section(body, motions)
    if stripped is None:
        site.problem(
            signoff.KEY, f"the body's '{signoff.HEADING}' section is not the one this sign-off gives; the "
            "section is written from the front matter, so change the front matter instead",
        )  # fmt: skip
        heading = body.rfind(f"\n{signoff.HEADING}\n")
        return motions, body[: heading + 1] if heading >= 0 else body
    return motions, stripped


def madr_status(top: Fields) -> str:
    """The status, in this site's words or MADR's ("draft", "superseded by …")."""
    value = top.mapping.get("status")
    if value is None:
        return DecisionStatus.OPEN
    status, _, _ = status_from_madr(str(value))
    if status is None:
        top.problem("status", f"{value!r} is not one of {', '.join(DecisionStatus.values)}")
        return DecisionStatus.OPEN
    return status


def _numbers(fields: Fields, key: str) -> list[tuple[int, int]]:
    found = []
    for value, line in fields.scalars(key):
        if type(value) is not int or value < 1:
            fields.problem(key, f"{value!r} is not a record number", line)
        else:
            found.append((value, line))
    return found


def _check(spec: RecordSpec, read: Any, top: Fields) -> None:
    """Names unique and known; then the body written again from what was read must be the body."""
    before = len(top.problems)
    for what, names, model in (
        ("decision driver", read.drivers, Criterion),
        ("considered option", read.options, Option),
    ):
        seen: set[str] = set()
        for name, *_, line in names:
            if name in seen:
                top.problem(None, f"the {what} {name!r} is listed twice", line)
            if not name.strip() or len(name) > max_length(model, "name"):
                top.problem(
                    None, f"a {what}'s name must have 1 to {max_length(model, 'name')} characters", line
                )
            seen.add(name)
    if spec.chosen and spec.chosen not in {o.name for o in spec.options}:
        top.problem(
            None, f"the chosen option {spec.chosen!r} is not one of the considered options", read.chosen_line
        )
    if spec.supersedes is not None and spec.supersedes == spec.number:
        top.problem(None, f"{SITE_KEY}.supersedes: a record cannot supersede itself", top.line(SITE_KEY))
    if len(top.problems) > before:
        return
    if read.weights is None and read.arguments:
        top.problem(
            None, "the Options Matrix table is missing: it holds the weights and ratings", read.more_line
        )
    difference = first_difference(read, written.record_body(spec, holes=True))
    if difference:
        line, found, expected = difference
        top.problems.append(
            Problem(
                top.path,
                line,
                f"the body says {found!r} where the record read from it gives {expected!r}: this part is "
                f"not read back from the body (precedents and the list ending More Information come from "
                f"{SITE_KEY} in the front matter), or a heading was taken for a section",
            )
        )


def _agreed(cells: list[Claim], read: Any) -> list[AssessmentSpec]:
    """The cells whose table and argument agree (or only one of them speaks)."""
    found = []
    for claim in cells:
        rating = claim.table if claim.argument is None else claim.argument
        if claim.table_line is not None and claim.argument is not None and claim.table != claim.argument:
            continue
        if rating is not None:
            note = read.arguments.get((claim.option, claim.criterion), (0, "", 0))[1]
            found.append(AssessmentSpec(claim.option, claim.criterion, rating, note))
    return found


def _settle(
    spec: RecordSpec,
    cells: list[Claim],
    read: Any,
    stored: RecordSpec | None,
    date: datetime.date | None,
    top: Fields,
    problems: list[Problem],
) -> None:
    """Settle with the stored record what the file says twice, or refuse naming both values."""
    before = {(a.option, a.criterion): a.rating for a in stored.assessments} if stored else {}
    for claim in cells:
        if claim.table_line is None or claim.argument is None or claim.table == claim.argument:
            continue
        old = before.get((claim.option, claim.criterion))
        taken = (
            claim.argument
            if stored and claim.table == old
            else claim.table
            if stored and claim.argument == old
            else None
        )
        if taken is None:
            said = (
                written.RATING_TEXT.get(claim.table, written.NOT_RATED)
                if claim.table is not None
                else written.NOT_RATED
            )
            problems.append(
                Problem(
                    spec.path,
                    claim.argument_line,
                    f"{claim.option!r} against {claim.criterion!r}: the argument rates it "
                    f"{written.RATING_TEXT[claim.argument]}, the options matrix (line {claim.table_line}) "
                    f"says {said}; make them agree",
                )
            )
            continue
        note = read.arguments[(claim.option, claim.criterion)][1]
        spec.assessments.append(AssessmentSpec(claim.option, claim.criterion, taken, note))
    order = {
        (o.name, c.name): n for n, (o, c) in enumerate((o, c) for o in spec.options for c in spec.criteria)
    }
    spec.assessments.sort(key=lambda a: order.get((a.option, a.criterion), 0))
    moved = date is not None and (stored is None or date != last_updated(stored))
    if stored and spec.status != stored.status and spec.status_history == stored.status_history:
        # A status changed in git: its day is the file's `date` when that moved too, else today.
        day = date if moved and date else timezone.localdate()
        spec.status_history = [*spec.status_history, StatusSpec(day, stored.status, spec.status, "")]
        if spec.status == DecisionStatus.ACCEPTED and spec.decided_on is None:
            spec.decided_on = day
    elif not moved:
        return
    derived = last_updated(spec)
    if date is not None and date != derived:
        problems.append(
            Problem(
                spec.path,
                top.line("date"),
                f"date is {date}, but the record's own dates say {derived or 'none'} (the latest of "
                f"{SITE_KEY}.decided-on and its status history); change the status to date a change",
            )
        )
