"""Records as Markdown files with YAML front matter.

One module owns both directions so the format cannot drift between export and import.

A decision record file is YAML front matter holding every field needed to rebuild the record,
then a body for people to read (MADR sections: context, drivers, options, outcome, pros and cons,
the options matrix, precedents, more information). The front matter is the source of truth:
import reads nothing else, and the body is generated again from the data on every export, so
edit the front matter, never the body. Export, import, export gives the same bytes.

Import checks every file before it writes anything, then writes all of them in one transaction:
a problem in any file (named with its file, line and reason) means nothing is written. People,
precedents and areas are matched to existing rows or created; RFCs, meetings and decisions that
this site does not have yet are kept as written as PendingReference rows, exported exactly like
resolved ones, and turned into real links by decisions/records/references.py when the target arrives.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils.text import slugify

from decisions import markdown, matrix
from decisions.formats import yaml as safe_yaml
from decisions.models import (
    RFC,
    ActionItem,
    ActionItemStatus,
    Area,
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionStatus,
    DecisionStatusChange,
    Meeting,
    Option,
    OwnerRole,
    PendingReference,
    Person,
    Precedent,
    PrecedentKind,
    Rating,
    ReferenceKind,
    Topic,
    parse_reference,
)
from decisions.records.pages import decision_links
from decisions.sources import files as safe_files
from decisions.text import first_control_line, strip_controls

INDEX_NAME = "README.md"
FILENAME_SLUG_CHARS = 60
# Files this exporter names; write_folder removes stale ones so a renamed record never leaves
# a second file with the same number behind (the import would refuse the folder).
EXPORTED_NAME = re.compile(r"^\d{4,}(-[a-z0-9-]+)?\.md$")


def front_matter(data: dict) -> str:
    """YAML between --- fences, keys in the given order, unicode kept readable."""
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return f"---\n{dumped}---\n"


def rfc_to_markdown(rfc: RFC) -> str:
    """The RFC as one Markdown file: metadata in front matter, then the body as written."""
    data = {
        "series": rfc.series or None,
        "number": rfc.number,
        "title": rfc.title,
        "status": rfc.status,
        "authors": [person.name for person in rfc.authors.all()],
        "shepherd": rfc.shepherd.name if rfc.shepherd else None,
        "areas": [area.slug for area in rfc.areas.all()],
        "created": rfc.created_on.isoformat(),
        "discussion_url": rfc.discussion_url or None,
        "supersedes": rfc_reference_value(rfc.supersedes.series, rfc.supersedes.number)
        if rfc.supersedes
        else None,
        "body_format": rfc.body_format if rfc.body_format != "markdown" else None,
        "metadata": rfc.metadata or None,
    }
    body = rfc.body if rfc.body.endswith("\n") or not rfc.body else rfc.body + "\n"
    return front_matter({k: v for k, v in data.items() if v not in (None, [])}) + "\n" + body


# YAML ------------------------------------------------------------------------------------

_CLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The front matter is written by a small emitter for its fixed shape (a mapping of scalars and
# lists of flat mappings) instead of yaml.dump: PyYAML's representer costs about 3 s for 1,000
# records, this about 0.2 s. It writes three scalar styles, each read back exactly by YAML:
# plain when the text reads back as the same string, a literal block (`|`) for multi-line text,
# and double quotes, with escapes, for everything else.
_PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_PLAIN_TEXT = re.compile(f"[{_PRINTABLE}]+")
_LITERAL_TEXT = re.compile(f"[{_PRINTABLE}\n]+")
_PLAIN_FIRST = set("-?:,[]{}#&*!|>'\"%@` ")
_QUOTED_ESCAPES = {
    "\\": "\\\\", '"': '\\"', "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n",
    "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\e", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P",
}  # fmt: skip
_NOT_QUOTABLE = re.compile(f'[^{_PRINTABLE}]|["\\\\]')
_RESOLVER = yaml.resolver.Resolver()


def _quoted(text: str) -> str:
    def escape(match: re.Match) -> str:
        char = match.group()
        if char in _QUOTED_ESCAPES:
            return _QUOTED_ESCAPES[char]
        code = ord(char)
        return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"

    return '"' + _NOT_QUOTABLE.sub(escape, text) + '"'


@lru_cache(maxsize=65536)
def _scalar_line(text: str) -> str:
    """A one-line string as a plain scalar when YAML reads it back unchanged, else quoted."""
    if (
        text
        and text[0] not in _PLAIN_FIRST
        and text[-1] not in " :"
        and ": " not in text
        and " #" not in text
        and _PLAIN_TEXT.fullmatch(text)
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return text
    return _quoted(text)


def _literal(text: str, indent: int) -> list[str] | None:
    """A multi-line string as a literal block: header and lines, or None when one cannot hold it.

    Tabs, control characters, Unicode line separators and spaces at the end of a line do not
    survive a literal block unchanged, so such text is quoted instead.
    """
    if not _LITERAL_TEXT.fullmatch(text) or " \n" in text or text.endswith(" ") or not text.strip():
        return None
    if text.endswith("\n\n"):
        chomp, text = "+", text[:-1]
    elif text.endswith("\n"):
        chomp, text = "", text[:-1]
    else:
        chomp = "-"
    # An explicit indentation when the first line starts with a space (or is empty), which
    # YAML would otherwise take for indentation.
    hint = "2" if text[:1] in (" ", "\n") else ""
    pad = " " * (indent + 2)
    return [f"|{hint}{chomp}", *(pad + line if line else "" for line in text.split("\n"))]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _scalar_line(str(value))


def _emit_value(out: list[str], prefix: str, value: Any, indent: int) -> None:
    if type(value) is str:
        if "\n" not in value:
            out.append(f"{prefix} {_scalar_line(value)}")
            return
        block = _literal(value, indent)
        if block:
            out.append(f"{prefix} {block[0]}")
            out.extend(block[1:])
            return
    out.append(f"{prefix} {_scalar(value)}")


def _dump_yaml(data: dict) -> str:
    """The front matter: top-level keys, lists of scalars, lists of one-level mappings."""
    out: list[str] = []
    for key, value in data.items():
        if not isinstance(value, list):
            _emit_value(out, f"{key}:", value, 0)
        elif not value:
            out.append(f"{key}: []")
        else:
            out.append(f"{key}:")
            for item in value:
                if not isinstance(item, dict):
                    _emit_value(out, "-", item, 0)
                    continue
                prefix = "- "
                for name, field_value in item.items():
                    _emit_value(out, f"{prefix}{name}:", field_value, 2)
                    prefix = "  "
    return "\n".join(out) + "\n"


class _Map(dict):
    """A YAML mapping that remembers the line of each key, for error messages."""

    line: int = 0
    lines: dict


class _Seq(list):
    line: int = 0
    lines: list


class _RecordLoader(_CLoader):
    """Safe loading that records lines, refuses duplicate keys and reads 0012 as twelve."""


def _construct_map(loader: Any, node: yaml.MappingNode) -> Any:
    data = _Map()
    data.line, data.lines = node.start_mark.line + 1, {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | datetime.date | None):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word", key_node.start_mark
            )
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> Any:
    data = _Seq()
    data.line, data.lines = node.start_mark.line + 1, [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    # YAML 1.1 reads 0012 as octal 10; a person writing a record number means twelve.
    value = loader.construct_scalar(node).replace("_", "")
    if re.fullmatch(r"[-+]?0[0-9]+", value):
        return int(value, 10)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


_RecordLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_RecordLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_RecordLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


# Export ----------------------------------------------------------------------------------


@dataclass
class _Parts:
    """What one record shows besides its own fields, loaded for many decisions at once."""

    options: list[Any] = field(default_factory=list)  # with Option's attributes
    criteria: list[Any] = field(default_factory=list)  # with Criterion's attributes
    ratings: dict[int, dict[int, _Rated]] = field(default_factory=dict)
    ownerships: list[DecisionOwner] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    rfcs: list[int | str] = field(default_factory=list)
    discussions: list[DecisionMeeting] = field(default_factory=list)
    citations: list[DecisionPrecedent] = field(default_factory=list)
    status_changes: list[DecisionStatusChange] = field(default_factory=list)
    pending: list[PendingReference] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    supersedes: int | None = None
    superseded_by: list[int] = field(default_factory=list)


class _Rated(NamedTuple):
    """An assessment as matrix.Cell reads it: 48,000 Assessment instances cost 0.7 s."""

    rating: int
    note: str


def _load_parts(decisions: list[Decision], scope: models.QuerySet) -> dict[int, _Parts]:
    """Everything the records of `decisions` show, in 4 queries whatever their number.

    Each relation is one query grouped here by decision: Django's prefetch_related costs about
    50 ms per relation per 1,000 records in manager overhead alone, more than the queries.
    `scope` is a queryset of the same decisions, used as a subquery (no list of ids to bind).
    """
    parts = {decision.pk: _Parts() for decision in decisions}
    ids = scope.order_by().values("pk")
    by_order = ("order", "pk")
    # Plain namespaces with the attributes matrix.Cell reads: 14,000 model instances cost 0.4 s.
    option_fields = ("decision_id", "name", "summary", "why_not", "order")
    for pk, *values in (
        Option.objects.filter(decision__in=ids).order_by(*by_order).values_list("pk", *option_fields)
    ):
        parts[values[0]].options.append(
            SimpleNamespace(pk=pk, **dict(zip(option_fields, values, strict=True)))
        )
    criterion_fields = ("decision_id", "name", "description", "weight", "order")
    for pk, *values in (
        Criterion.objects.filter(decision__in=ids).order_by(*by_order).values_list("pk", *criterion_fields)
    ):
        parts[values[0]].criteria.append(
            SimpleNamespace(pk=pk, **dict(zip(criterion_fields, values, strict=True)))
        )
    option_owner = {option.pk: part for part in parts.values() for option in part.options}
    for option_id, criterion_id, rating, note in (
        Assessment.objects.filter(option__decision__in=ids)
        .order_by()
        .values_list("option_id", "criterion_id", "rating", "note")
    ):
        option_owner[option_id].ratings.setdefault(option_id, {})[criterion_id] = _Rated(rating, note)
    # The short lists, one UNION query for all of them (decisions.records.pages).
    for decision_id, links in decision_links(ids, light=True).items():
        part = parts[decision_id]
        part.ownerships = links.ownerships
        part.areas = [area.slug for area in links.areas]
        part.rfcs = [rfc_reference_value(rfc.series, rfc.number) for rfc in links.rfcs]
        part.discussions = sorted(links.discussions, key=lambda discussion: discussion.pk)
        part.citations = links.citations
        part.status_changes = links.status_changes
        part.pending = links.pending
        part.action_items = links.action_items
        part.supersedes = links.supersedes.number if links.supersedes else None
        part.superseded_by = [other.number for other in links.superseded_by]
    return parts


def decision_filename(decision: Decision) -> str:
    """NNNN-slug.md, the slug cut at a word boundary so names stay short in a file listing."""
    slug = slugify(decision.title)
    if len(slug) > FILENAME_SLUG_CHARS:
        cut = slug[: FILENAME_SLUG_CHARS + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:FILENAME_SLUG_CHARS]
    slug = slug.strip("-")
    return f"{decision.number:04d}-{slug}.md" if slug else f"{decision.number:04d}.md"


def _sortable(value: Any) -> tuple:
    return (not isinstance(value, int), value if isinstance(value, int) else 0, str(value))


def _reference_number(key: str) -> int | str:
    return int(key) if key.isdigit() else key


def rfc_reference_value(series: str, number: int) -> int | str:
    """How front matter names an RFC: 6 for the site's own, "pep-8" in another series."""
    return f"{series}-{number}" if series else number


def _rfc_label(value: int | str) -> str:
    reference = parse_reference(str(value))
    return RFC(series=reference[0], number=reference[1]).label if reference else f"RFC {value}"


def _meeting_entry(date: Any, series: str, series_name: str | None, topic: str | None) -> dict:
    return {"date": date, "series": series, "series_name": series_name, "topic": topic}


def _pending_meeting(pending: PendingReference) -> dict:
    date_text, _, series = pending.key.partition("/")
    try:
        date: Any = datetime.date.fromisoformat(date_text)
    except ValueError:
        date = date_text
    return _meeting_entry(date, series, pending.label or None, pending.topic or None)


def _matrix(decision: Decision, parts: _Parts) -> matrix.Matrix:
    """The options matrix, as matrix.build makes it, from the loaded parts."""
    rows = []
    for option in parts.options:
        rated = parts.ratings.get(option.pk, {})
        cells = [matrix.Cell(option, criterion, rated.get(criterion.pk)) for criterion in parts.criteria]
        rows.append(matrix.Row(option, cells, chosen=option.pk == decision.chosen_option_id))
    return matrix.Matrix(decision, parts.criteria, rows)


def _record_data(decision: Decision, parts: _Parts, table: matrix.Matrix) -> dict:
    """The front matter: every field needed to rebuild the record, in a fixed order.

    References kept as written (PendingReference) are written exactly like resolved ones.
    """
    pending = parts.pending
    chosen = table.chosen.option.name if table.chosen else None
    rfcs: set[Any] = set(parts.rfcs)
    rfcs |= {_reference_number(p.key) for p in pending if p.kind == ReferenceKind.RFC}
    meetings = [
        _meeting_entry(
            d.meeting.date, d.meeting.series.slug, d.meeting.series.name, d.topic.title if d.topic else None
        )
        for d in parts.discussions
    ] + [_pending_meeting(p) for p in pending if p.kind == ReferenceKind.MEETING]
    supersedes: Any = parts.supersedes
    if supersedes is None:
        supersedes = next(
            (_reference_number(p.key) for p in pending if p.kind == ReferenceKind.DECISION), None
        )
    return {
        "number": decision.number,
        "title": decision.title,
        "status": decision.status,
        "decided_on": decision.decided_on,
        "owners": [{"name": o.person.name, "slug": o.person.slug, "role": o.role} for o in parts.ownerships],
        "areas": sorted(parts.areas),
        "context": decision.context,
        "options": [
            {"name": row.option.name, "summary": row.option.summary, "why_not": row.option.why_not}
            for row in table.rows
        ],
        "criteria": [
            {"name": c.name, "description": c.description, "weight": c.weight} for c in table.criteria
        ],
        "assessments": [
            {
                "option": row.option.name,
                "criterion": cell.criterion.name,
                "rating": cell.rating,
                "note": cell.note,
            }
            for row in table.rows
            for cell in row.cells
            if cell.rated
        ],
        "chosen": chosen,
        "rationale": decision.rationale,
        "consequences": decision.consequences,
        "related_rfcs": sorted(rfcs, key=_sortable),
        "meetings": sorted(meetings, key=lambda m: (str(m["date"]), m["series"], m["topic"] or "")),
        "precedents": [
            {
                "title": c.precedent.title,
                "url": c.precedent.url,
                "organization": c.precedent.organization,
                "kind": c.precedent.kind,
                "date": c.precedent.date,
                "note": c.note,
            }
            for c in parts.citations
        ],
        "supersedes": supersedes,
        "status_history": [
            {"date": s.changed_on, "from": s.from_status or None, "to": s.to_status, "note": s.note}
            for s in parts.status_changes
        ],
        "action_items": [
            {
                "owner": item.owner.name if item.owner else (item.owner_name or None),
                "text": item.text,
                "status": item.status,
                "due": item.due_on,
            }
            for item in parts.action_items
        ],
    }


def decision_to_markdown(decision: Decision) -> str:
    """One record: front matter (the source of truth on import), then the body people read."""
    parts = _load_parts([decision], Decision.objects.filter(pk=decision.pk))
    return _render(decision, parts[decision.pk])


def _render(decision: Decision, parts: _Parts) -> str:
    table = _matrix(decision, parts)
    data = _record_data(decision, parts, table)
    return f"---\n{_dump_yaml(data)}---\n\n{_body(decision, parts, data, table)}"


def export_all() -> dict[str, str]:
    """Every record as `filename -> text`, plus README.md, an index like an ADR folder's."""
    files: dict[str, str] = {}
    rows = []
    scope = Decision.objects.all()
    decisions = list(scope.defer("context_html", "rationale_html", "consequences_html").order_by("number"))
    parts = _load_parts(decisions, scope)
    for decision in decisions:
        name = decision_filename(decision)
        files[name] = _render(decision, parts[decision.pk])
        rows.append((decision, name))
    files[INDEX_NAME] = _index(rows)
    return files


def write_folder(
    path: str | Path,
    files: dict[str, str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write the export into a folder (made if missing), removing records it no longer has."""
    folder = Path(path)
    files = export_all() if files is None else files
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.md"):
        if EXPORTED_NAME.match(stale.name) and stale.name not in files:
            stale.unlink()
    written = []
    for index, (name, text) in enumerate(sorted(files.items()), 1):
        target = folder / name
        target.write_bytes(text.encode("utf-8"))
        written.append(target)
        if progress:
            progress(index, len(files))
    return written


# The body: Markdown derived from the data, escaped so user text cannot break its structure.

_INLINE_SPECIAL = re.compile(r"[\\`*\[\]<>|~$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|&(?=#?\w+;)|#+(?=\s*$)")
_MAYBE_SPECIAL = re.compile(r"[\\`*\[\]<>|~$_&#\r\n]")
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.*?[^`].*?)(?<!`)\1(?!`)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HTML_BLOCKS = [
    (re.compile(r"^ {0,3}<(script|pre|style|textarea)(\s|>|$)", re.IGNORECASE), None),
    (re.compile(r"^ {0,3}<!--"), "-->"),
    (re.compile(r"^ {0,3}<\?"), "?>"),
    (re.compile(r"^ {0,3}<![A-Za-z]"), ">"),
    (re.compile(r"^ {0,3}<!\[CDATA\["), "]]>"),
]


def _escape(text: str) -> str:
    return _INLINE_SPECIAL.sub(lambda m: "".join("\\" + ch for ch in m.group()), text)


def _inline(text: str, *, in_table: bool = False) -> str:
    """User text inside a sentence, heading, list item or table cell, on one line.

    Markdown punctuation is escaped, except inside `code spans`, which are kept: people write
    them in notes, and on one line they cannot break the structure around them.
    """
    if not _MAYBE_SPECIAL.search(text):
        return text
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    parts, start = [], 0
    for match in _CODE_SPAN.finditer(text):
        code = match.group().replace("|", "\\|") if in_table else match.group()
        parts += [_escape(text[start : match.start()]), code]
        start = match.end()
    parts.append(_escape(text[start:]))
    return "".join(parts)


def _strong(text: str) -> str:
    inner = _inline(text).strip()
    return f"**{inner}**" if inner else "(unnamed)"


def _cell(text: str) -> str:
    return _inline(text, in_table=True).strip() or " "


def _html_block_closer(line: str) -> str | None:
    for pattern, closer in _HTML_BLOCKS:
        match = pattern.match(line)
        if match:
            end = closer or f"</{match.group(1).lower()}>"
            return None if end in line[match.end() :].lower() else end
    return None


def _block(text: str) -> str:
    """A Markdown field as written, with a code fence or HTML block left open at its end closed,
    so it cannot swallow the sections after it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    if not text.strip():
        return "None."
    fence, closer = None, None
    for line in text.split("\n"):
        if fence:
            match = _FENCE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None if not match.group(2).strip() else fence
        elif closer:
            if closer in line.lower():
                closer = None
        elif (match := _FENCE.match(line)) and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
        else:
            closer = _html_block_closer(line)
    if fence:
        text += "\n" + fence
    elif closer:
        text += "\n" + closer
    return text


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _body(decision: Decision, parts: _Parts, data: dict, table: matrix.Matrix) -> str:
    sections = [
        f"# {decision.code}: {_inline(decision.title).strip()}",
        _status_line(decision, data),
        "## Context and problem statement",
        _block(decision.context),
        "## Decision drivers",
        _drivers(table),
        "## Considered options",
        _considered(table),
        "## Decision outcome",
        *_outcome(decision, table),
        "## Pros and cons of the options",
        *_pros_and_cons(table),
        "## Options matrix",
        _matrix_table(table),
        "## Precedents",
        _precedents(parts),
        "## More information",
        _more_information(parts, data),
    ]
    return "\n\n".join(sections) + "\n"


def _status_line(decision: Decision, data: dict) -> str:
    decided = decision.decided_on.isoformat() if decision.decided_on else "not yet"
    line = f"**Status:** {_label(DecisionStatus, decision.status)} · **Decided on:** {decided}"
    if data["areas"]:
        line += " · **Areas:** " + ", ".join(_inline(slug) for slug in data["areas"])
    owners = [f"{_inline(o['name'])} ({o['role']})" for o in data["owners"]]
    return line + "\n\n**Owners:** " + (", ".join(owners) if owners else "none named")


def _drivers(table: matrix.Matrix) -> str:
    lines = []
    for criterion in table.criteria:
        line = f"- {_strong(criterion.name)} (weight {criterion.weight})"
        if criterion.description.strip():
            line += f": {_inline(criterion.description).strip()}"
        lines.append(line)
    return "\n".join(lines) or "None."


def _considered(table: matrix.Matrix) -> str:
    lines = [
        f"{index}. {_strong(row.option.name)}" + (" (chosen)" if row.chosen else "")
        for index, row in enumerate(table.rows, 1)
    ]
    return "\n".join(lines) or "None."


_RATING_TEXT = {rating: f"{matrix.SYMBOLS[rating]} {label}" for rating, label in Rating.choices}


def _cell_text(cell: matrix.Cell) -> str:
    return _RATING_TEXT[cell.rating] if cell.rated else "? Not rated"


def _outcome(decision: Decision, table: matrix.Matrix) -> list[str]:
    chosen = table.chosen
    parts = []
    if chosen:
        parts.append(
            f"Chosen option: {_strong(chosen.option.name)}, weighted total {chosen.total:+d} "
            f"of a possible {table.max_total}."
        )
    else:
        parts.append("No option has been chosen yet.")
    if decision.rationale.strip():
        parts.append(_block(decision.rationale))
    if chosen and chosen.pros:
        strongest = [
            f"- {_strong(cell.criterion.name)} (×{cell.criterion.weight}): {_cell_text(cell)}"
            + (f". {_inline(cell.note).strip()}" if cell.note.strip() else "")
            for cell in chosen.pros[:3]
        ]
        parts.append("Strongest points of the chosen option:\n\n" + "\n".join(strongest))
    parts += ["### Consequences", _block(decision.consequences)]
    return parts


def _assessment_bullet(verdict: str, cell: matrix.Cell) -> str:
    line = f"- {verdict}: {_strong(cell.criterion.name)} ({_cell_text(cell)})"
    return line + (f": {_inline(cell.note).strip()}" if cell.note.strip() else "")


def _pros_and_cons(table: matrix.Matrix) -> list[str]:
    if not table.rows:
        return ["None."]
    parts = []
    for row in table.rows:
        heading = f"### {_inline(row.option.name).strip() or '(unnamed)'}"
        parts.append(heading + (" (chosen)" if row.chosen else ""))
        if row.option.summary.strip():
            parts.append(_block(row.option.summary))
        neutral = [cell for cell in row.cells if cell.rated and cell.rating == 0]
        bullets = (
            [_assessment_bullet("Good", cell) for cell in row.pros]
            + [_assessment_bullet("Neutral", cell) for cell in neutral]
            + [_assessment_bullet("Bad", cell) for cell in row.cons]
        )
        parts.append("\n".join(bullets) or "No assessments.")
        why_not = table.why_not(row) if not row.chosen else ""
        if why_not.strip():
            parts.append(f"**Why not chosen:** {_inline(why_not).strip()}")
    return parts


def _matrix_table(table: matrix.Matrix) -> str:
    if not table.rows or not table.criteria:
        return "None."
    header = ["Option", *(f"{_cell(c.name)} (×{c.weight})" for c in table.criteria), "Total"]
    lines = [
        "| " + " | ".join(header) + " |",
        "| --- | " + " | ".join(":---:" for _ in table.criteria) + " | ---: |",
    ]
    for row in table.rows:
        name = f"**{_cell(row.option.name)}**" + (" (chosen)" if row.chosen else "")
        cells = [_cell_text(cell) for cell in row.cells]
        lines.append("| " + " | ".join([name, *cells, f"{row.total:+d}"]) + " |")
    return "\n".join(lines) + f"\n\nWeighted totals out of a possible {table.max_total}."


def _link_target(url: str) -> str:
    for char, code in (("(", "%28"), (")", "%29"), (" ", "%20"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def _precedents(parts: _Parts) -> str:
    lines = []
    for citation in parts.citations:
        precedent = citation.precedent
        details = [_inline(precedent.organization).strip(), _label(PrecedentKind, precedent.kind)]
        if precedent.date:
            details.append(precedent.date.isoformat())
        line = f"- [{_inline(precedent.title).strip() or precedent.url}]({_link_target(precedent.url)})"
        line += " (" + ", ".join(part for part in details if part) + ")"
        if citation.note.strip():
            line += f": {_inline(citation.note).strip()}"
        lines.append(line)
    return "\n".join(lines) or "None."


def _more_information(parts: _Parts, data: dict) -> str:
    lines = []
    if data["related_rfcs"]:
        lines.append("- **Related RFCs:** " + ", ".join(_inline(_rfc_label(n)) for n in data["related_rfcs"]))
    if data["meetings"]:
        lines.append("- **Discussed at:**")
        for meeting in data["meetings"]:
            where = _inline(meeting["series_name"] or meeting["series"]).strip()
            line = f"  - {meeting['date']}, {where}"
            lines.append(line + (f": {_inline(meeting['topic']).strip()}" if meeting["topic"] else ""))
    supersedes = data["supersedes"]
    if supersedes is not None:
        code = f"DR-{supersedes:04d}" if isinstance(supersedes, int) else f"DR-{_inline(str(supersedes))}"
        lines.append(f"- **Supersedes:** {code}")
    if parts.superseded_by:
        lines.append("- **Superseded by:** " + ", ".join(f"DR-{n:04d}" for n in parts.superseded_by))
    if data["action_items"]:
        lines.append("- **Action items:**")
        for item in data["action_items"]:
            box = "[x]" if item["status"] == ActionItemStatus.DONE else "[ ]"
            text = f"{_inline(item['owner']).strip()}: " if item["owner"] else ""
            text += _inline(item["text"]).strip()
            if item["status"] == ActionItemStatus.DROPPED:
                text += " (dropped)"
            lines.append(f"  - {box} {text}" + (f" (due {item['due']})" if item["due"] else ""))
    if data["status_history"]:
        lines.append("- **Status history:**")
        for change in data["status_history"]:
            moved = f"{change['from'] or 'new'} → {change['to']}"
            note = f" — {_inline(change['note']).strip()}" if change["note"].strip() else ""
            lines.append(f"  - {change['date']}: {moved}{note}")
    return "\n".join(lines) or "None."


def _index(rows: list[tuple[Decision, str]]) -> str:
    lines = [
        "# Decision records",
        "",
        "One file per record. The YAML front matter of each file is what `manage.py import_decisions`",
        "reads back; the text below it is generated from the front matter on every export.",
        "",
    ]
    if not rows:
        return "\n".join([*lines, "None yet.", ""])
    lines += ["| Number | Title | Status | Decided on |", "| --- | --- | --- | --- |"]
    for decision, name in rows:
        decided = decision.decided_on.isoformat() if decision.decided_on else "—"
        title = _cell(decision.title)
        lines.append(
            f"| {decision.code} | [{title}]({name}) | {_label(DecisionStatus, decision.status)} | {decided} |"
        )
    return "\n".join(lines) + "\n"


# Import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason a folder cannot be imported, where a person can find it."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class ImportFailed(Exception):
    """Raised instead of writing anything when any file of an import has a problem."""

    def __init__(self, problems: list[Problem], refused: list[tuple[str, str]] | None = None) -> None:
        self.problems = problems
        self.refused = refused or []  # (path, reason) of the files not read at all
        super().__init__("\n".join(str(problem) for problem in problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


@dataclass(frozen=True)
class Unresolved:
    """A reference kept as written because this site does not have its target yet."""

    decision: int
    kind: str
    key: str
    label: str


@dataclass
class ImportReport:
    """What an import did (in a dry run, what it would have done), for people and --json."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    people_matched: list[str] = field(default_factory=list)
    people_created: list[str] = field(default_factory=list)
    precedents_matched: list[str] = field(default_factory=list)
    precedents_created: list[str] = field(default_factory=list)
    areas_created: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) not read at all
    dry_run: bool = False

    def as_json(self) -> dict:
        data = asdict(self)
        data["refused"] = [{"path": path, "reason": reason} for path, reason in self.refused]
        return data

    def note(self, bucket: list[str], value: str) -> None:
        """Add to one of the lists once, keeping the order things were met in."""
        if value not in bucket:
            bucket.append(value)


@dataclass
class _OwnerSpec:
    name: str
    slug: str
    role: str
    line: int


@dataclass
class _OptionSpec:
    name: str
    summary: str
    why_not: str


@dataclass
class _CriterionSpec:
    name: str
    description: str
    weight: int


@dataclass
class _AssessmentSpec:
    option: str
    criterion: str
    rating: int
    note: str


@dataclass
class _MeetingSpec:
    date: datetime.date
    series: str
    series_name: str
    topic: str
    line: int

    @property
    def key(self) -> str:
        return f"{self.date:%Y-%m-%d}/{self.series}"


@dataclass
class _PrecedentSpec:
    title: str
    url: str
    organization: str
    kind: str
    date: datetime.date | None
    note: str
    line: int


@dataclass
class _StatusSpec:
    date: datetime.date
    from_status: str
    to_status: str
    note: str


@dataclass
class _ActionSpec:
    owner: str
    text: str
    status: str
    due: datetime.date | None


@dataclass
class _Record:
    path: str
    lines: dict
    number: int
    title: str
    status: str
    decided_on: datetime.date | None
    owners: list[_OwnerSpec]
    areas: list[str]
    context: str
    options: list[_OptionSpec]
    criteria: list[_CriterionSpec]
    assessments: list[_AssessmentSpec]
    chosen: str
    rationale: str
    consequences: str
    related_rfcs: list[int | str]
    meetings: list[_MeetingSpec]
    precedents: list[_PrecedentSpec]
    supersedes: int | None
    status_history: list[_StatusSpec]
    action_items: list[_ActionSpec]


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


# The front matter keys, in the order export writes them; import refuses any other key, so a
# misspelt field is reported instead of silently dropped.
FRONT_MATTER_KEYS = (
    "number", "title", "status", "decided_on", "owners", "areas", "context", "options", "criteria",
    "assessments", "chosen", "rationale", "consequences", "related_rfcs", "meetings", "precedents",
    "supersedes", "status_history", "action_items",
)  # fmt: skip
_NO_VALUE = object()


class _Fields:
    """Typed values out of one YAML mapping; each problem is kept with the line of its key."""

    def __init__(self, mapping: _Map, where: str, path: str, problems: list[Problem]) -> None:
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
            if isinstance(item, _Map):
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


def _split_front_matter(text: str, path: str, problems: list[Problem]) -> str | None:
    """The YAML between the fences, opening fence included so YAML lines are file lines."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        problems.append(Problem(path, 1, "missing front matter: the file must start with a line ---"))
        return None
    for index, line in enumerate(lines[1:], 1):
        if line.rstrip() == "---":
            return "\n".join(lines[:index]) + "\n"
    problems.append(
        Problem(path, 1, "the front matter is not terminated: add a line --- after it, before the body")
    )
    return None


def _load_yaml(text: str, path: str, problems: list[Problem]) -> _Map | None:
    try:
        # Before building the value: a problem's message shows the value, and a billion laughs
        # shown took 35 s and then all the memory.
        safe_yaml.refuse_large_aliases(text)
        data = yaml.load(text, Loader=_RecordLoader)
    except safe_yaml.LargeAlias as error:
        problems.append(Problem(path, error.line + 1, f"invalid YAML: {error}"))
        return None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "cannot be read"
        if error.context and error.context_mark and error.context_mark.line != getattr(mark, "line", None):
            reason += f" ({error.context} on line {error.context_mark.line + 1})"
        problems.append(Problem(path, mark.line + 1 if mark else None, f"invalid YAML: {reason}"))
        return None
    except (yaml.YAMLError, RecursionError) as error:
        problems.append(Problem(path, None, f"invalid YAML: {error}"))
        return None
    if not isinstance(data, _Map):
        problems.append(Problem(path, 2, "the front matter must be a mapping of keys to values"))
        return None
    return data


def _read_file(file: Path, problems: list[Problem], root: Path | None = None) -> _Record | None:
    """Parse and check one file (only inside root: decisions.sources.files); its problems are added
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
    yaml_text = _split_front_matter(text, path, problems)
    data = _load_yaml(yaml_text, path, problems) if yaml_text is not None else None
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


def _read_record(top: _Fields) -> _Record:
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
    return _Record(
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


def _read_owner(item: _Fields) -> _OwnerSpec:
    item.only(("name", "slug", "role"))
    return _OwnerSpec(
        name=item.text("name", required=True, max_length=_max_length(Person, "name")),
        slug=item.slug("slug", max_length=_max_length(Person, "slug")),
        role=item.choice("role", OwnerRole, default=OwnerRole.OWNER),
        line=item.line(),
    )


def _read_option(item: _Fields) -> tuple[_OptionSpec, int]:
    item.only(("name", "summary", "why_not"))
    name = item.text("name", required=True, max_length=_max_length(Option, "name"))
    return _OptionSpec(name, item.text("summary"), item.text("why_not")), item.line("name")


def _read_criterion(item: _Fields) -> tuple[_CriterionSpec, int]:
    item.only(("name", "description", "weight"))
    name = item.text("name", required=True, max_length=_max_length(Criterion, "name"))
    weight = item.integer("weight", low=0, high=10, default=1)
    return _CriterionSpec(name, item.text("description"), 1 if weight is None else weight), item.line("name")


def _read_assessments(top: _Fields, options: set[str], criteria: set[str]) -> list[_AssessmentSpec]:
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
        assessments.append(_AssessmentSpec(option, criterion, rating or 0, note))
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
            top.problem("related_rfcs", f"{_rfc_label(value)} is listed twice", line)
        else:
            numbers.append(value)
    return numbers


def _read_meeting(item: _Fields) -> _MeetingSpec:
    item.only(("date", "series", "series_name", "topic"))
    return _MeetingSpec(
        date=item.date("date", required=True) or datetime.date.min,
        series=item.slug("series", required=True, max_length=100),
        series_name=item.text("series_name", max_length=_max_length(PendingReference, "label")),
        topic=item.text("topic", max_length=_max_length(PendingReference, "topic")),
        line=item.line(),
    )


def _read_precedent(item: _Fields) -> _PrecedentSpec:
    item.only(("title", "url", "organization", "kind", "date", "note"))
    url = item.text("url", required=True, max_length=_max_length(Precedent, "url"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            item.problem("url", f"{url!r} is not an http(s) URL")
    return _PrecedentSpec(
        title=item.text("title", required=True, max_length=_max_length(Precedent, "title")),
        url=url,
        organization=item.text("organization", max_length=_max_length(Precedent, "organization")),
        kind=item.choice("kind", PrecedentKind, default=PrecedentKind.PROPOSAL),
        date=item.date("date"),
        note=item.text("note"),
        line=item.line(),
    )


def _read_status(item: _Fields) -> _StatusSpec:
    item.only(("date", "from", "to", "note"))
    from_status = item.mapping.get("from")
    if from_status not in (None, "", *DecisionStatus.values):
        item.problem("from", f"{from_status!r} is not one of {', '.join(DecisionStatus.values)}")
    return _StatusSpec(
        date=item.date("date", required=True) or datetime.date.min,
        from_status=from_status or "",
        to_status=item.choice("to", DecisionStatus),
        note=item.text("note", max_length=_max_length(DecisionStatusChange, "note")),
    )


def _read_action(item: _Fields) -> _ActionSpec:
    item.only(("owner", "text", "status", "due"))
    return _ActionSpec(
        owner=item.text("owner", max_length=_max_length(ActionItem, "owner_name")),
        text=item.text("text", required=True),
        status=item.choice("status", ActionItemStatus, default=ActionItemStatus.OPEN),
        due=item.date("due"),
    )


def _check_numbers(records: list[_Record]) -> list[Problem]:
    first: dict[int, _Record] = {}
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


class _WriteProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _render_record(record: _Record, rendered: dict[str, str]) -> None:
    """Add the HTML of the record's Markdown texts to `rendered`, before the import's transaction.

    With SQLite's IMMEDIATE transactions that holds the write lock from its start, and rendering
    inside it made every other writer fail with "database is locked". Decisions and options
    render their fields alike (Markdown, no mention links), so one text has one HTML.
    """
    for text in (record.context, record.rationale, record.consequences, *(o.summary for o in record.options)):
        if text not in rendered:
            rendered[text] = Decision(context=text).render_field("context").html


class _Writer:
    """Saves checked records; looks existing rows up once for the whole import."""

    def __init__(self, records: list[_Record], report: ImportReport, rendered: dict[str, str]) -> None:
        self.report = report
        self.rendered = rendered
        self.decisions = {
            d.number: d for d in Decision.objects.filter(number__in=[r.number for r in records])
        }
        self.people: list[Person] = list(Person.objects.only("id", "name", "slug", "aliases"))
        self.people_by_slug = {person.slug: person for person in self.people}
        self.people_by_name: dict[str, Person] = {}
        for person in reversed(self.people):
            for name in (person.name, *[a for a in person.aliases if isinstance(a, str)]):
                self.people_by_name[name.casefold()] = person
        self.areas = {area.slug: area for area in Area.objects.all()}
        self.precedents = list(Precedent.objects.only("id", "url", "slug", "title"))
        wanted = Q()
        for value in {n for record in records for n in record.related_rfcs}:
            series, number = parse_reference(str(value)) or ("", 0)
            wanted |= Q(series=series, number=number)
        self.rfcs: dict[int | str, int] = (
            {
                rfc_reference_value(series, number): pk
                for series, number, pk in RFC.objects.filter(wanted).values_list("series", "number", "id")
            }
            if wanted
            else {}
        )
        self.meetings = self._meetings(records)

    @staticmethod
    def _meetings(records: list[_Record]) -> dict[str, list[tuple[Meeting, dict[str, int]]]]:
        specs = [spec for record in records for spec in record.meetings]
        found: dict[str, list[tuple[Meeting, dict[str, int]]]] = {}
        if not specs:
            return found
        meetings = (
            Meeting.objects.filter(
                date__in={spec.date for spec in specs}, series__slug__in={spec.series for spec in specs}
            )
            .select_related("series")
            .only("id", "date", "series__slug")
            .order_by("pk")
        )
        topics: dict[int, dict[str, int]] = {}
        for meeting_id, title, topic_id in Topic.objects.filter(meeting__in=meetings).values_list(
            "meeting_id", "title", "id"
        ):
            topics.setdefault(meeting_id, {}).setdefault(title, topic_id)
        for meeting in meetings:
            key = f"{meeting.date:%Y-%m-%d}/{meeting.series.slug}"
            found.setdefault(key, []).append((meeting, topics.get(meeting.pk, {})))
        return found

    def person(self, name: str, slug: str = "") -> Person:
        person = (self.people_by_slug.get(slug) if slug else None) or self.people_by_name.get(name.casefold())
        if person:
            if person.slug not in self.report.people_created:
                self.report.note(self.report.people_matched, person.slug)
            return person
        person = Person(name=name, slug=slug)
        person.save()
        self.people_by_slug[person.slug] = person
        self.people_by_name[name.casefold()] = person
        self.report.note(self.report.people_created, person.slug)
        return person

    def area(self, slug: str) -> Area:
        if slug not in self.areas:
            names = {area.name for area in self.areas.values()}
            name, n = slug, 2
            while name in names:
                name, n = f"{slug}-{n}", n + 1
            self.areas[slug] = Area.objects.create(slug=slug, name=name)
            self.report.note(self.report.areas_created, slug)
        return self.areas[slug]

    def precedent(self, spec: _PrecedentSpec) -> Precedent:
        slug, title = slugify(spec.title), spec.title.casefold()
        for test in (
            lambda p: p.url == spec.url,
            lambda p: bool(slug) and p.slug == slug,
            lambda p: p.title.casefold() == title,
        ):
            match = next((p for p in self.precedents if test(p)), None)
            if match:
                if match.url not in self.report.precedents_created:
                    self.report.note(self.report.precedents_matched, match.url)
                return match
        precedent = Precedent(
            title=spec.title, url=spec.url, organization=spec.organization, kind=spec.kind, date=spec.date
        )
        precedent.save()
        self.precedents.append(precedent)
        self.report.note(self.report.precedents_created, precedent.url)
        return precedent

    def take_rendered(self, row: Decision | Option) -> None:
        """Give a row about to be saved the HTML rendered before the transaction: save() only writes."""
        if not row.markdown_is_stale():
            return
        html = [self.rendered.get(getattr(row, name) or "") for name in row.MARKDOWN_FIELDS]
        if None in html:
            return  # a text that was not rendered before: save() renders it
        for html_name, value in zip(row.MARKDOWN_FIELDS.values(), html, strict=True):
            setattr(row, html_name, value)
        row._rendered_sources = {name: getattr(row, name) for name in row.MARKDOWN_FIELDS}

    def pending(
        self, decision: Decision, kind: str, key: str, label: str, topic: str = ""
    ) -> PendingReference:
        self.report.unresolved.append(Unresolved(decision.number, kind, key, label))
        return PendingReference(decision=decision, kind=kind, key=key, label=label, topic=topic)

    def write(self, record: _Record) -> Decision:
        decision = self.decisions.get(record.number)
        if decision is None:
            decision = Decision(number=record.number)
            self.report.created.append(record.number)
        else:
            decision.version += 1
            self.report.updated.append(record.number)
        for name in ("title", "status", "decided_on", "context", "rationale", "consequences"):
            setattr(decision, name, getattr(record, name))
        self.take_rendered(decision)
        decision.save()
        self.decisions[record.number] = decision
        decision.pending_references.all().delete()
        options = self._write_options(decision, record)
        chosen = options[record.chosen].pk if record.chosen else None
        Decision.objects.filter(pk=decision.pk).update(chosen_option_id=chosen)
        decision.chosen_option_id = chosen
        decision.areas.set([self.area(slug) for slug in record.areas])
        self._write_owners(decision, record)
        self._write_links(decision, record)
        self._write_status_history(decision, record)
        self._write_action_items(decision, record)
        return decision

    def _write_options(self, decision: Decision, record: _Record) -> dict[str, Option]:
        existing = {option.name: option for option in decision.options.all()}
        options = {}
        for order, spec in enumerate(record.options, 1):
            option = existing.pop(spec.name, None) or Option(decision=decision, name=spec.name)
            if option.pk is None or (option.summary, option.why_not, option.order) != (
                spec.summary,
                spec.why_not,
                order,
            ):
                option.summary, option.why_not, option.order = spec.summary, spec.why_not, order
                self.take_rendered(option)
                option.save()
            options[spec.name] = option
        Option.objects.filter(pk__in=[option.pk for option in existing.values()]).delete()
        criteria = self._write_criteria(decision, record)
        Assessment.objects.filter(option__decision=decision).delete()
        Assessment.objects.bulk_create(
            Assessment(
                option=options[a.option], criterion=criteria[a.criterion], rating=a.rating, note=a.note
            )
            for a in record.assessments
        )
        return options

    def _write_criteria(self, decision: Decision, record: _Record) -> dict[str, Criterion]:
        existing = {criterion.name: criterion for criterion in decision.criteria.all()}
        new, changed = [], []
        for order, spec in enumerate(record.criteria, 1):
            criterion = existing.pop(spec.name, None)
            if criterion is None:
                new.append(
                    Criterion(
                        decision=decision,
                        name=spec.name,
                        description=spec.description,
                        weight=spec.weight,
                        order=order,
                    )
                )
            elif (criterion.description, criterion.weight, criterion.order) != (
                spec.description,
                spec.weight,
                order,
            ):
                criterion.description, criterion.weight, criterion.order = (
                    spec.description,
                    spec.weight,
                    order,
                )
                changed.append(criterion)
        Criterion.objects.filter(pk__in=[criterion.pk for criterion in existing.values()]).delete()
        Criterion.objects.bulk_update(changed, ["description", "weight", "order"])
        Criterion.objects.bulk_create(new)
        return {criterion.name: criterion for criterion in decision.criteria.all()}

    def _write_owners(self, decision: Decision, record: _Record) -> None:
        DecisionOwner.objects.filter(decision=decision).delete()
        rows, seen = [], set()
        for order, spec in enumerate(record.owners):
            person = self.person(spec.name, spec.slug)
            if (person.pk, spec.role) in seen:
                raise _WriteProblem(
                    Problem(record.path, spec.line, f"owners: {person.name} is listed twice as {spec.role}")
                )
            seen.add((person.pk, spec.role))
            rows.append(DecisionOwner(decision=decision, person=person, role=spec.role, order=order))
        DecisionOwner.objects.bulk_create(rows)

    def _write_links(self, decision: Decision, record: _Record) -> None:
        pending = [
            self.pending(decision, ReferenceKind.RFC, str(n), _rfc_label(n))
            for n in record.related_rfcs
            if n not in self.rfcs
        ]
        decision.related_rfcs.set([self.rfcs[n] for n in record.related_rfcs if n in self.rfcs])
        DecisionMeeting.objects.filter(decision=decision).delete()
        discussions, pending_keys = [], set()
        for spec in record.meetings:
            candidates = self.meetings.get(spec.key, [])
            match = next(((m, t) for m, t in candidates if not spec.topic or spec.topic in t), None)
            if match:
                meeting, topics = match
                topic_id = topics[spec.topic] if spec.topic else None
                discussions.append(DecisionMeeting(decision=decision, meeting=meeting, topic_id=topic_id))
                continue
            if spec.key in pending_keys:
                raise _WriteProblem(
                    Problem(
                        record.path,
                        spec.line,
                        f"meetings: {spec.key} is listed twice and this site does not have it (or the topic) "
                        "yet; a reference kept as written holds one topic per meeting",
                    )
                )
            pending_keys.add(spec.key)
            pending.append(
                self.pending(decision, ReferenceKind.MEETING, spec.key, spec.series_name, spec.topic)
            )
        DecisionMeeting.objects.bulk_create(discussions)
        PendingReference.objects.bulk_create(pending)
        DecisionPrecedent.objects.filter(decision=decision).delete()
        citations, seen = [], set()
        for order, spec in enumerate(record.precedents):
            precedent = self.precedent(spec)
            if precedent.pk in seen:
                raise _WriteProblem(
                    Problem(
                        record.path, spec.line, f"precedents: {spec.title!r} is the same precedent as another"
                    )
                )
            seen.add(precedent.pk)
            citations.append(
                DecisionPrecedent(decision=decision, precedent=precedent, note=spec.note, order=order)
            )
        DecisionPrecedent.objects.bulk_create(citations)

    def _write_status_history(self, decision: Decision, record: _Record) -> None:
        existing = list(decision.status_changes.order_by("changed_on", "pk"))
        wanted = [(s.date, s.from_status, s.to_status, s.note) for s in record.status_history]
        # Unchanged history keeps its rows, and with them who made each change.
        if [(s.changed_on, s.from_status, s.to_status, s.note) for s in existing] == wanted:
            return
        DecisionStatusChange.objects.filter(decision=decision).delete()
        DecisionStatusChange.objects.bulk_create(
            DecisionStatusChange(decision=decision, changed_on=d, from_status=f, to_status=t, note=n)
            for d, f, t, n in wanted
        )

    def _write_action_items(self, decision: Decision, record: _Record) -> None:
        existing = list(decision.action_items.select_related("owner").order_by("pk"))
        for spec in record.action_items:
            item = next((item for item in existing if item.text == spec.text), None)
            if item:
                existing.remove(item)
            else:
                item = ActionItem(decision=decision, text=spec.text)
            owner = self.person(spec.owner) if spec.owner else None
            if owner is None or item.owner_id != owner.pk:
                item.owner, item.owner_name = owner, spec.owner
            item.status, item.due_on = spec.status, spec.due
            item.save()
        # Items from meeting notes stay with their meeting; only the link to this record goes.
        ActionItem.objects.filter(pk__in=[i.pk for i in existing if i.meeting_id]).update(decision=None)
        ActionItem.objects.filter(pk__in=[i.pk for i in existing if not i.meeting_id]).delete()

    def link_supersedes(self, records: list[_Record]) -> None:
        """Second pass: a record may supersede one written later in the same import."""
        targets = {r.supersedes for r in records if r.supersedes}
        numbers = dict(Decision.objects.filter(number__in=targets).values_list("number", "id"))
        pending = []
        for record in records:
            decision = self.decisions[record.number]
            target = numbers.get(record.supersedes) if record.supersedes else None
            Decision.objects.filter(pk=decision.pk).update(supersedes_id=target)
            if record.supersedes and target is None:
                n = record.supersedes
                pending.append(self.pending(decision, ReferenceKind.DECISION, str(n), f"DR-{n:04d}"))
        PendingReference.objects.bulk_create(pending)


def _read_folder(path: str | Path, refused: list[tuple[str, str]]) -> list[_Record]:
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


def import_folder(
    path: str | Path, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import every record of a folder in one transaction: all of them, or (on any problem) none.

    A dry run does the whole import, reports it, and rolls it back.
    """
    report = ImportReport(dry_run=dry_run)
    records = _read_folder(path, report.refused)
    current = None
    try:
        rendered: dict[str, str] = {}
        for current in records:  # before the transaction, which holds the write lock
            _render_record(current, rendered)
        current = None
        with transaction.atomic():
            writer = _Writer(records, report, rendered)
            for index, current in enumerate(records, 1):
                writer.write(current)
                if progress:
                    progress(index, len(records))
            current = None
            writer.link_supersedes(records)
            if dry_run:
                transaction.set_rollback(True)
    except _WriteProblem as error:
        raise ImportFailed([error.problem]) from error
    except Exception as error:
        # The contract is ImportFailed for any problem; the cause stays chained for a traceback.
        where = current.path if current else str(path)
        reason = str(error) if isinstance(error, DatabaseError | ValidationError) else repr(error)
        raise ImportFailed([Problem(where, None, f"could not be saved: {reason}")]) from error
    return report
