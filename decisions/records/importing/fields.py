"""Typed values out of a record's YAML front matter, each problem kept with its file line.

Shared by the readers of the MADR 4 export (madr.py), of the export before it (legacy.py) and of
plain ADR folders (plain.py). Keys of lists of mappings are written with hyphens in MADR files
(`series-name`) and with underscores in the old export (`series_name`): `style` picks one.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable
from typing import Any

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
    DecisionStatus,
    DecisionStatusChange,
    PendingReference,
    Precedent,
    PrecedentKind,
    parse_reference,
)
from decisions.records.export.data import rfc_label
from decisions.records.importing.report import Problem
from decisions.records.specs import ActionSpec, MeetingSpec, PrecedentSpec, StatusSpec
from decisions.rfcs.export import rfc_reference_value
from decisions.text import first_control_line, strip_controls


def underscores(key: str) -> str:
    return key


def hyphens(key: str) -> str:
    return key.replace("_", "-")


def max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


_NO_VALUE = object()


class Fields:
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
        if value and not is_slug(value):
            self.problem(key, f"{value!r} is not a slug (lowercase letters, digits and hyphens)")
        return value

    def items(self, key: str) -> list[Fields]:
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
                result.append(Fields(item, where, self.path, self.problems))
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


def is_slug(value: str) -> bool:
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return True


def load_front_matter(text: str, path: str, problems: list[Problem]) -> LinedMap | None:
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


def unique(names: list[tuple[str, int]], what: str, fields: Fields, key: str) -> set[str]:
    seen: set[str] = set()
    for name, line in names:
        if name in seen:
            fields.problem(key, f"{what} {name!r} is listed twice", line)
        seen.add(name)
    return seen


def read_areas(top: Fields, key: str = "areas") -> list[str]:
    areas = []
    for value, line in top.scalars(key):
        if not isinstance(value, str) or not is_slug(value) or len(value) > max_length(Area, "slug"):
            top.problem(key, f"{value!r} is not an area slug", line)
        elif value in areas:
            top.problem(key, f"{value!r} is listed twice", line)
        else:
            areas.append(value)
    return areas


def read_rfcs(top: Fields, key: str = "related_rfcs") -> list[int | str]:
    """6 for the site's RFC 6; "pep-8" or "kep-625" for an RFC of an imported series."""
    numbers: list[int | str] = []
    for value, line in top.scalars(key):
        reference = parse_reference(value) if isinstance(value, str) else None
        if isinstance(value, str) and reference and reference[0]:
            value = rfc_reference_value(*reference)
        elif type(value) is not int or value < 1:
            top.problem(key, f"{value!r} is not an RFC number (or a reference like pep-8)", line)
            continue
        if value in numbers:
            top.problem(key, f"{rfc_label(value)} is listed twice", line)
        else:
            numbers.append(value)
    return numbers


def read_meeting(item: Fields, k: Any = underscores) -> MeetingSpec:
    item.only(("date", "series", k("series_name"), "topic"))
    return MeetingSpec(
        date=item.date("date", required=True) or datetime.date.min,
        series=item.slug("series", required=True, max_length=100),
        series_name=item.text(k("series_name"), max_length=max_length(PendingReference, "label")),
        topic=item.text("topic", max_length=max_length(PendingReference, "topic")),
        line=item.line(),
    )


def read_precedent(item: Fields, k: Any = underscores) -> PrecedentSpec:
    item.only(("title", "url", "organization", "kind", "date", "note"))
    url = item.text("url", required=True, max_length=max_length(Precedent, "url"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            item.problem("url", f"{url!r} is not an http(s) URL")
    return PrecedentSpec(
        title=item.text("title", required=True, max_length=max_length(Precedent, "title")),
        url=url,
        organization=item.text("organization", max_length=max_length(Precedent, "organization")),
        kind=item.choice("kind", PrecedentKind, default=PrecedentKind.PROPOSAL),
        date=item.date("date"),
        note=item.text("note"),
        line=item.line(),
    )


def read_status(item: Fields, k: Any = underscores) -> StatusSpec:
    item.only(("date", "from", "to", "note"))
    from_status = item.mapping.get("from")
    if from_status not in (None, "", *DecisionStatus.values):
        item.problem("from", f"{from_status!r} is not one of {', '.join(DecisionStatus.values)}")
    return StatusSpec(
        date=item.date("date", required=True) or datetime.date.min,
        from_status=from_status or "",
        to_status=item.choice("to", DecisionStatus),
        note=item.text("note", max_length=max_length(DecisionStatusChange, "note")),
    )


def read_action(item: Fields, k: Any = underscores) -> ActionSpec:
    item.only(("owner", "text", "status", "due"))
    return ActionSpec(
        owner=item.text("owner", max_length=max_length(ActionItem, "owner_name")),
        text=item.text("text", required=True),
        status=item.choice("status", ActionItemStatus, default=ActionItemStatus.OPEN),
        due=item.date("due"),
    )
