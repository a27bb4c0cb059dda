"""Decision record files to checked records, every problem kept with its file and line.

Each file is read only inside its folder (decisions.sources.files), its front matter loaded
with the line of every key, and every field checked before anything is written; the keys are
FRONT_MATTER_KEYS, so a misspelt field is reported instead of silently dropped.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import models

from decisions import markdown
from decisions.formats import frontmatter
from decisions.formats import yaml as safe_yaml
from decisions.formats.yaml import LinedMap
from decisions.models import (
    ActionItem,
    ActionItemStatus,
    Area,
    Assessment,
    Criterion,
    Decision,
    DecisionStatus,
    DecisionStatusChange,
    Option,
    OwnerRole,
    PendingReference,
    Person,
    Precedent,
    PrecedentKind,
    Rating,
    parse_reference,
)
from decisions.records.export import INDEX_NAME
from decisions.records.export.data import FRONT_MATTER_KEYS, rfc_label
from decisions.records.importing.report import ImportFailed, Problem
from decisions.records.importing.specs import (
    ActionSpec,
    AssessmentSpec,
    CriterionSpec,
    MeetingSpec,
    OptionSpec,
    OwnerSpec,
    PrecedentSpec,
    RecordSpec,
    StatusSpec,
)
from decisions.rfcs.export import rfc_reference_value
from decisions.sources import files as safe_files
from decisions.text import first_control_line, strip_controls


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


_NO_VALUE = object()


class _Fields:
    """Typed values out of one YAML mapping; each problem is kept with the line of its key."""

    def __init__(self, mapping: LinedMap, where: str, path: str, problems: list[Problem]) -> None:
        self.mapping, self.where, self.path, self.problems = mapping, where, path, problems

    def line(self, key: str | None = None) -> int:
        return self.mapping.lines.get(key, self.mapping.line) if key else self.mapping.line

    def problem(self, key: str | None, message: str, line: int | None = None) -> None:
        name = ".".join(part for part in (self.where, key) if part)
        text = f"{name}: {message}" if name else message
        self.problems.append(Problem(self.path, line or self.line(key), text))

    def only(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key in self.mapping:
            if key not in allowed:
                self.problem(None, f"unknown key {key!r}; the keys are {', '.join(allowed)}", self.line(key))

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.problem(key, "is missing")
            return ""
        if not isinstance(value, str):
            self.problem(key, f"must be text, not {value!r} (put it in quotes)")
            return ""
        if "\x00" in value:
            self.problem(key, "contains a NUL character")
            return value
        if first_control_line(value) is not None:  # other C0 controls: feeds cannot carry them
            value = strip_controls(value)
        if required and not value.strip():
            self.problem(key, "is empty")
        if max_length is not None and len(value) > max_length:
            self.problem(key, f"is {len(value)} characters long; the limit is {max_length}")
        elif max_length is None:
            try:
                markdown.check_size(value)
            except markdown.MarkdownTooLarge as error:
                self.problem(key, str(error))
        return value

    def integer(self, key: str, *, low: int, high: int | None = None, default: Any = _NO_VALUE) -> Any:
        value = self.mapping.get(key)
        if value is None:
            if default is _NO_VALUE:
                self.problem(key, "is missing")
            return None if default is _NO_VALUE else default
        limits = f"from {low} to {high}" if high is not None else f"{low} or more"
        if type(value) is not int or value < low or (high is not None and value > high):
            self.problem(key, f"must be a whole number {limits}, not {value!r}")
            return None
        return value

    def choice(self, key: str, choices: type[models.TextChoices], *, default: str | None = None) -> str:
        value = self.mapping.get(key)
        if value is None and default is not None:
            return default
        if value is None:
            self.problem(key, "is missing")
            return ""
        if value not in choices.values:
            self.problem(key, f"{value!r} is not one of {', '.join(choices.values)}")
            return default or ""
        return value

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.problem(key, "is missing")
            return None
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = datetime.date.fromisoformat(value)
        if type(value) is not datetime.date:
            self.problem(key, f"must be a date like 2023-03-30, not {value!r}")
            return None
        return value

    def slug(self, key: str, *, max_length: int, required: bool = False) -> str:
        value = self.text(key, required=required, max_length=max_length)
        if value and not _is_slug(value):
            self.problem(key, f"{value!r} is not a slug (lowercase letters, digits and hyphens)")
        return value

    def items(self, key: str) -> list[_Fields]:
        """A list of mappings."""
        value = self.mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "must be a list")
            return []
        result = []
        for index, item in enumerate(value):
            where = f"{key}[{index + 1}]"
            if isinstance(item, LinedMap):
                result.append(_Fields(item, where, self.path, self.problems))
            else:
                self.problems.append(Problem(self.path, value.lines[index], f"{where}: must be a mapping"))
        return result

    def scalars(self, key: str) -> list[tuple[Any, int]]:
        value = self.mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "must be a list")
            return []
        return list(zip(value, value.lines, strict=True))


def _is_slug(value: str) -> bool:
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return True


def _load_front_matter(text: str, path: str, problems: list[Problem]) -> LinedMap | None:
    """The front matter as a mapping that knows its file lines, or None with the problem added."""
    try:
        front = frontmatter.split(text)
    except frontmatter.NoFrontMatter:
        problems.append(Problem(path, 1, "missing front matter: the file must start with a line ---"))
        return None
    except frontmatter.UnclosedFrontMatter:
        problems.append(
            Problem(path, 1, "the front matter is not terminated: add a line --- after it, before the body")
        )
        return None
    try:
        # The loader refuses large aliases before building the value: a problem's message shows
        # the value, and a billion laughs shown took 35 s and then all the memory.
        data = safe_yaml.load(front.yaml, first_line=front.yaml_line, loader=safe_yaml.RecordLoader)
    except safe_yaml.YAMLLoadError as error:
        reason = error.problem or error.context or "cannot be read"
        if error.context and error.context_line is not None and error.context_line != error.line:
            reason += f" ({error.context} on line {error.context_line})"
        problems.append(Problem(path, error.line, f"invalid YAML: {reason}"))
        return None
    if not isinstance(data, LinedMap):
        problems.append(
            Problem(path, front.yaml_line, "the front matter must be a mapping of keys to values")
        )
        return None
    return data


def _read_file(file: Path, problems: list[Problem], root: Path | None = None) -> RecordSpec | None:
    """Parse and check one file (only inside root: decisions.safe_files); its problems are added
    to `problems`."""
    path = str(file)
    # A record holds many Markdown fields, each up to MARKDOWN_MAX_BYTES.
    limit = settings.MARKDOWN_MAX_BYTES * 16
    try:
        data = safe_files.read_bytes(file, root, limit=limit, setting="16 × MARKDOWN_MAX_BYTES")
    except safe_files.RefusedFile as error:
        problems.append(Problem(path, None, error.reason))
        return None
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        problems.append(Problem(path, None, f"is not UTF-8 text ({error.reason} at byte {error.start})"))
        return None
    before = len(problems)
    data = _load_front_matter(text, path, problems)
    if data is None:
        return None
    record = _read_record(_Fields(data, "", path, problems))
    problems[before:] = sorted(problems[before:], key=lambda problem: problem.line or 0)
    return record if len(problems) == before else None


def _unique(names: list[tuple[str, int]], what: str, fields: _Fields, key: str) -> set[str]:
    seen: set[str] = set()
    for name, line in names:
        if name in seen:
            fields.problem(key, f"{what} {name!r} is listed twice", line)
        seen.add(name)
    return seen


def _read_record(top: _Fields) -> RecordSpec:
    top.only(FRONT_MATTER_KEYS)
    options = [_read_option(item) for item in top.items("options")]
    criteria = [_read_criterion(item) for item in top.items("criteria")]
    option_names = _unique([(o.name, line) for o, line in options], "the option", top, "options")
    criterion_names = _unique([(c.name, line) for c, line in criteria], "the criterion", top, "criteria")
    chosen = top.text("chosen", max_length=_max_length(Option, "name"))
    if chosen and chosen not in option_names:
        top.problem("chosen", f"{chosen!r} is not one of the options")
    owners = [_read_owner(item) for item in top.items("owners")]
    _unique([(f"{o.slug or o.name} as {o.role}", o.line) for o in owners], "the owner", top, "owners")
    meetings = [_read_meeting(item) for item in top.items("meetings")]
    _unique([(f"{m.key} {m.topic}".strip(), m.line) for m in meetings], "the meeting", top, "meetings")
    precedents = [_read_precedent(item) for item in top.items("precedents")]
    _unique([(p.url, p.line) for p in precedents], "the precedent", top, "precedents")
    number = top.integer("number", low=1, high=2**31 - 1)
    supersedes = top.integer("supersedes", low=1, high=2**31 - 1, default=None)
    if supersedes is not None and supersedes == number:
        top.problem("supersedes", "a record cannot supersede itself")
    return RecordSpec(
        path=top.path,
        lines=top.mapping.lines,
        number=number or 0,
        title=top.text("title", required=True, max_length=_max_length(Decision, "title")),
        status=top.choice("status", DecisionStatus, default=DecisionStatus.OPEN),
        decided_on=top.date("decided_on"),
        owners=owners,
        areas=_read_areas(top),
        context=top.text("context"),
        options=[option for option, _ in options],
        criteria=[criterion for criterion, _ in criteria],
        assessments=_read_assessments(top, option_names, criterion_names),
        chosen=chosen,
        rationale=top.text("rationale"),
        consequences=top.text("consequences"),
        related_rfcs=_read_rfcs(top),
        meetings=meetings,
        precedents=precedents,
        supersedes=supersedes,
        status_history=[_read_status(item) for item in top.items("status_history")],
        action_items=[_read_action(item) for item in top.items("action_items")],
    )


def _read_owner(item: _Fields) -> OwnerSpec:
    item.only(("name", "slug", "role"))
    return OwnerSpec(
        name=item.text("name", required=True, max_length=_max_length(Person, "name")),
        slug=item.slug("slug", max_length=_max_length(Person, "slug")),
        role=item.choice("role", OwnerRole, default=OwnerRole.OWNER),
        line=item.line(),
    )


def _read_option(item: _Fields) -> tuple[OptionSpec, int]:
    item.only(("name", "summary", "why_not"))
    name = item.text("name", required=True, max_length=_max_length(Option, "name"))
    return OptionSpec(name, item.text("summary"), item.text("why_not")), item.line("name")


def _read_criterion(item: _Fields) -> tuple[CriterionSpec, int]:
    item.only(("name", "description", "weight"))
    name = item.text("name", required=True, max_length=_max_length(Criterion, "name"))
    weight = item.integer("weight", low=0, high=10, default=1)
    return CriterionSpec(name, item.text("description"), 1 if weight is None else weight), item.line("name")


def _read_assessments(top: _Fields, options: set[str], criteria: set[str]) -> list[AssessmentSpec]:
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
        note = item.text("note", max_length=_max_length(Assessment, "note"))
        assessments.append(AssessmentSpec(option, criterion, rating or 0, note))
    return assessments


def _read_areas(top: _Fields) -> list[str]:
    areas = []
    for value, line in top.scalars("areas"):
        if not isinstance(value, str) or not _is_slug(value) or len(value) > _max_length(Area, "slug"):
            top.problem("areas", f"{value!r} is not an area slug", line)
        elif value in areas:
            top.problem("areas", f"{value!r} is listed twice", line)
        else:
            areas.append(value)
    return areas


def _read_rfcs(top: _Fields) -> list[int | str]:
    """6 for the site's RFC 6; "pep-8" or "kep-625" for an RFC of an imported series."""
    numbers: list[int | str] = []
    for value, line in top.scalars("related_rfcs"):
        reference = parse_reference(value) if isinstance(value, str) else None
        if isinstance(value, str) and reference and reference[0]:
            value = rfc_reference_value(*reference)
        elif type(value) is not int or value < 1:
            top.problem("related_rfcs", f"{value!r} is not an RFC number (or a reference like pep-8)", line)
            continue
        if value in numbers:
            top.problem("related_rfcs", f"{rfc_label(value)} is listed twice", line)
        else:
            numbers.append(value)
    return numbers


def _read_meeting(item: _Fields) -> MeetingSpec:
    item.only(("date", "series", "series_name", "topic"))
    return MeetingSpec(
        date=item.date("date", required=True) or datetime.date.min,
        series=item.slug("series", required=True, max_length=100),
        series_name=item.text("series_name", max_length=_max_length(PendingReference, "label")),
        topic=item.text("topic", max_length=_max_length(PendingReference, "topic")),
        line=item.line(),
    )


def _read_precedent(item: _Fields) -> PrecedentSpec:
    item.only(("title", "url", "organization", "kind", "date", "note"))
    url = item.text("url", required=True, max_length=_max_length(Precedent, "url"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            item.problem("url", f"{url!r} is not an http(s) URL")
    return PrecedentSpec(
        title=item.text("title", required=True, max_length=_max_length(Precedent, "title")),
        url=url,
        organization=item.text("organization", max_length=_max_length(Precedent, "organization")),
        kind=item.choice("kind", PrecedentKind, default=PrecedentKind.PROPOSAL),
        date=item.date("date"),
        note=item.text("note"),
        line=item.line(),
    )


def _read_status(item: _Fields) -> StatusSpec:
    item.only(("date", "from", "to", "note"))
    from_status = item.mapping.get("from")
    if from_status not in (None, "", *DecisionStatus.values):
        item.problem("from", f"{from_status!r} is not one of {', '.join(DecisionStatus.values)}")
    return StatusSpec(
        date=item.date("date", required=True) or datetime.date.min,
        from_status=from_status or "",
        to_status=item.choice("to", DecisionStatus),
        note=item.text("note", max_length=_max_length(DecisionStatusChange, "note")),
    )


def _read_action(item: _Fields) -> ActionSpec:
    item.only(("owner", "text", "status", "due"))
    return ActionSpec(
        owner=item.text("owner", max_length=_max_length(ActionItem, "owner_name")),
        text=item.text("text", required=True),
        status=item.choice("status", ActionItemStatus, default=ActionItemStatus.OPEN),
        due=item.date("due"),
    )


def _check_numbers(records: list[RecordSpec]) -> list[Problem]:
    first: dict[int, RecordSpec] = {}
    problems = []
    for record in records:
        if record.number in first:
            other = Path(first[record.number].path).name
            problems.append(
                Problem(record.path, record.lines.get("number"), f"DR-{record.number:04d} is also in {other}")
            )
        else:
            first[record.number] = record
    return problems


def read_folder(path: str | Path, refused: list[tuple[str, str]]) -> list[RecordSpec]:
    """Parse and check every record file of a folder; raise ImportFailed listing every problem.

    Files that may not be read at all (links out of the folder, FIFOs, devices) are left out
    and added to `refused` with the reason.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ImportFailed([Problem(str(folder), None, "is not a folder")])
    problems: list[Problem] = []
    records = []
    files, skipped = safe_files.files_below(folder, suffixes=[".md"], recursive=False)
    refused += [(str(file), reason) for file, reason in skipped if file.name.lower() != INDEX_NAME.lower()]
    for file in files:
        if file.name.lower() != INDEX_NAME.lower():
            record = _read_file(file, problems, folder)
            if record is not None:
                records.append(record)
    problems += _check_numbers(records)
    if problems:
        raise ImportFailed(problems, refused)
    return records
