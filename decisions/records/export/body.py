"""The Markdown body of a decision record (MADR sections) and the folder's index, escaped so user
text cannot break their structure."""

from __future__ import annotations

import re

from django.db import models

from decisions.models import ActionItemStatus, Decision, DecisionStatus, PrecedentKind, Rating
from decisions.records import matrix
from decisions.records.export.data import Parts, rfc_label

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


def record_body(decision: Decision, parts: Parts, data: dict, table: matrix.Matrix) -> str:
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


def _precedents(parts: Parts) -> str:
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


def _more_information(parts: Parts, data: dict) -> str:
    lines = []
    if data["related_rfcs"]:
        lines.append("- **Related RFCs:** " + ", ".join(_inline(rfc_label(n)) for n in data["related_rfcs"]))
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


def index(rows: list[tuple[Decision, str]]) -> str:
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
