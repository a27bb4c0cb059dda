"""The export before MADR 4, still read so folders committed then import: every field in the front matter.

Its keys are FRONT_MATTER_KEYS, so a misspelt field is reported instead of silently dropped; the
body was generated from the front matter and is not read.
"""

from __future__ import annotations

from decisions.models import (
    Assessment,
    Criterion,
    Decision,
    DecisionStatus,
    Option,
    OwnerRole,
    Person,
    Rating,
)
from decisions.records.importing.fields import (
    Fields,
    max_length,
    read_action,
    read_areas,
    read_meeting,
    read_precedent,
    read_rfcs,
    read_status,
    unique,
)
from decisions.records.specs import AssessmentSpec, CriterionSpec, OptionSpec, OwnerSpec, RecordSpec

FRONT_MATTER_KEYS = (
    "number",
    "title",
    "status",
    "decided_on",
    "owners",
    "areas",
    "context",
    "options",
    "criteria",
    "assessments",
    "chosen",
    "rationale",
    "consequences",
    "related_rfcs",
    "meetings",
    "precedents",
    "supersedes",
    "status_history",
    "action_items",
)


def read_legacy(top: Fields) -> RecordSpec:
    """A record of the export before MADR 4: every field in the front matter, the body not read."""
    top.only(FRONT_MATTER_KEYS)
    options = [_read_option(item) for item in top.items("options")]
    criteria = [_read_criterion(item) for item in top.items("criteria")]
    option_names = unique([(o.name, line) for o, line in options], "the option", top, "options")
    criterion_names = unique([(c.name, line) for c, line in criteria], "the criterion", top, "criteria")
    chosen = top.text("chosen", max_length=max_length(Option, "name"))
    if chosen and chosen not in option_names:
        top.problem("chosen", f"{chosen!r} is not one of the options")
    owners = [_read_owner(item) for item in top.items("owners")]
    unique([(f"{o.slug or o.name} as {o.role}", o.line) for o in owners], "the owner", top, "owners")
    meetings = [read_meeting(item) for item in top.items("meetings")]
    unique([(f"{m.key} {m.topic}".strip(), m.line) for m in meetings], "the meeting", top, "meetings")
    precedents = [read_precedent(item) for item in top.items("precedents")]
    unique([(p.url, p.line) for p in precedents], "the precedent", top, "precedents")
    number = top.integer("number", low=1, high=2**31 - 1)
    supersedes = top.integer("supersedes", low=1, high=2**31 - 1, default=None)
    if supersedes is not None and supersedes == number:
        top.problem("supersedes", "a record cannot supersede itself")
    record = RecordSpec(
        path=top.path,
        lines=top.mapping.lines,
        number=number or 0,
        title=top.text("title", required=True, max_length=max_length(Decision, "title")),
        status=top.choice("status", DecisionStatus, default=DecisionStatus.OPEN),
        decided_on=top.date("decided_on"),
        owners=owners,
        areas=read_areas(top),
        context=top.text("context"),
        options=[option for option, _ in options],
        criteria=[criterion for criterion, _ in criteria],
        assessments=_read_assessments(top, option_names, criterion_names),
        chosen=chosen,
        rationale=top.text("rationale"),
        consequences=top.text("consequences"),
        related_rfcs=read_rfcs(top),
        meetings=meetings,
        precedents=precedents,
        supersedes=supersedes,
        status_history=[read_status(item) for item in top.items("status_history")],
        action_items=[read_action(item) for item in top.items("action_items")],
    )
    # In the order the export writes them, so an unchanged record compares equal.
    order = {
        (o.name, c.name): n
        for n, (o, c) in enumerate((o, c) for o in record.options for c in record.criteria)
    }
    record.assessments.sort(key=lambda a: order.get((a.option, a.criterion), 0))
    return record


def _read_owner(item: Fields) -> OwnerSpec:
    item.only(("name", "slug", "role"))
    return OwnerSpec(
        name=item.text("name", required=True, max_length=max_length(Person, "name")),
        slug=item.slug("slug", max_length=max_length(Person, "slug")),
        role=item.choice("role", OwnerRole, default=OwnerRole.OWNER),
        line=item.line(),
    )


def _read_option(item: Fields) -> tuple[OptionSpec, int]:
    item.only(("name", "summary", "why_not"))
    name = item.text("name", required=True, max_length=max_length(Option, "name"))
    return OptionSpec(name, item.text("summary"), item.text("why_not")), item.line("name")


def _read_criterion(item: Fields) -> tuple[CriterionSpec, int]:
    item.only(("name", "description", "weight"))
    name = item.text("name", required=True, max_length=max_length(Criterion, "name"))
    weight = item.integer("weight", low=0, high=10, default=1)
    return CriterionSpec(name, item.text("description"), 1 if weight is None else weight), item.line("name")


def _read_assessments(top: Fields, options: set[str], criteria: set[str]) -> list[AssessmentSpec]:
    assessments, seen = [], set()
    for item in top.items("assessments"):
        item.only(("option", "criterion", "rating", "note"))
        option = item.text("option", required=True)
        criterion = item.text("criterion", required=True)
        if option and option not in options:
            item.problem("option", f"{option!r} is not one of the options")
        if criterion and criterion not in criteria:
            item.problem("criterion", f"{criterion!r} is not one of the criteria")
        if (option, criterion) in seen:
            item.problem(None, f"{option!r} is assessed against {criterion!r} twice")
        seen.add((option, criterion))
        rating = item.integer("rating", low=min(Rating.values), high=max(Rating.values))
        note = item.text("note", max_length=max_length(Assessment, "note"))
        assessments.append(AssessmentSpec(option, criterion, rating or 0, note))
    return assessments
