"""The Markdown body of a decision record, MADR 4's sections in MADR's words, and the folder's index.

The body is written from a RecordSpec, so the importer can write it again from what it read and
compare (decisions.records.importing.body). MADR's sections come first (context and problem
statement, decision drivers, considered options, decision outcome with its consequences and
confirmation, pros and cons "Good, because" / "Neutral, because" / "Bad, because"), then the
options matrix as a table, how robust its outcome is (generated, skipped on import), the
precedents and MADR's more information.
"""

from __future__ import annotations

import re

from django.db import models

from decisions.models import ActionItemStatus, Decision, DecisionStatus, PrecedentKind, Rating
from decisions.records import matrix, sensitivity
from decisions.records.export.data import rfc_label
from decisions.records.export.text import block, cell, inline, strong
from decisions.records.specs import AssessmentSpec, RecordSpec

TITLES = {
    "context": "Context and Problem Statement",
    "drivers": "Decision Drivers",
    "options": "Considered Options",
    "outcome": "Decision Outcome",
    "consequences": "Consequences",
    "confirmation": "Confirmation",
    "pros_and_cons": "Pros and Cons of the Options",
    "matrix": "Options Matrix",
    # Generated from the matrix on every export; an import skips it (decisions.records.importing.body).
    "sensitivity": "Sensitivity of the Outcome",
    "precedents": "Precedents",
    "more": "More Information",
}
RATING_TEXT = {rating: f"{matrix.SYMBOLS[rating]} {label}" for rating, label in Rating.choices}
NOT_RATED = "? Not rated"
VERDICTS = {1: "Good", 0: "Neutral", -1: "Bad"}
NOT_CHOSEN = "No option has been chosen yet."
WHY_NOT = "**Why not chosen:** "
# The labels of the list that ends More Information, written from the front matter.
LINK_LABELS = (
    "Related RFCs",
    "Discussed at",
    "Supersedes",
    "Superseded by",
    "Action items",
    "Status history",
)
_BLOCK_START = re.compile(r"^(?:[#>+=-]|\d{1,9}[.)](?:\s|$))")


def line_start(text: str) -> str:
    """Inline text that begins a line: a leading `#`, `>`, `-` or `1.` would start a block."""
    match = _BLOCK_START.match(text)
    if not match:
        return text
    end = match.end() - (1 if match.group().endswith((" ", "\t")) else 0)
    return text[: end - 1] + "\\" + text[end - 1 :]


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def verdict(rating: int) -> str:
    return VERDICTS[(rating > 0) - (rating < 0)]


def ratings(spec: RecordSpec) -> dict[tuple[str, str], AssessmentSpec]:
    return {(a.option, a.criterion): a for a in spec.assessments}


def totals(spec: RecordSpec) -> tuple[dict[str, int], int]:
    """Each option's weighted total, and the highest total possible."""
    weights = {c.name: c.weight for c in spec.criteria}
    sums = {option.name: 0 for option in spec.options}
    for a in spec.assessments:
        sums[a.option] = sums.get(a.option, 0) + a.rating * weights.get(a.criterion, 0)
    return sums, 2 * sum(weights.values())


def record_body(spec: RecordSpec, *, holes: bool = False) -> str:
    """The body; with `holes`, without the options matrix and the arguments (the importer reads
    those apart and compares the rest of what it read with the file)."""
    sections = [f"# {inline(spec.title) or '(untitled)'}", f"## {TITLES['context']}", block(spec.context)]
    if spec.criteria:
        sections += [f"## {TITLES['drivers']}", drivers(spec)]
    if spec.options:
        sections += [f"## {TITLES['options']}", considered(spec)]
    sections += [f"## {TITLES['outcome']}", chosen_line(spec), block(spec.rationale)]
    for name in ("consequences", "confirmation"):
        if block(getattr(spec, name)):
            sections += [f"### {TITLES[name]}", block(getattr(spec, name))]
    if spec.options:
        sections.append(f"## {TITLES['pros_and_cons']}")
        for option in spec.options:
            sections += option_section(spec, option.name, holes=holes)
    table = "" if holes else matrix_table(spec)
    if table:
        sections += [f"## {TITLES['matrix']}", table]
        robustness = sensitivity_section(spec)
        if robustness:
            sections += [f"## {TITLES['sensitivity']}", robustness]
    if spec.precedents:
        sections += [f"## {TITLES['precedents']}", precedents(spec)]
    more = more_links(spec)
    if block(spec.more_information) or more:
        sections += [f"## {TITLES['more']}", block(spec.more_information), "\n".join(more)]
    return "\n\n".join(section for section in sections if section) + "\n"


def drivers(spec: RecordSpec) -> str:
    lines = []
    for criterion in spec.criteria:
        description = inline(criterion.description)
        lines.append(f"* {strong(criterion.name)}" + (f": {description}" if description else ""))
    return "\n".join(lines)


def considered(spec: RecordSpec) -> str:
    return "\n".join(f"* {line_start(inline(option.name)) or '(unnamed)'}" for option in spec.options)


def chosen_line(spec: RecordSpec) -> str:
    if not spec.chosen:
        return NOT_CHOSEN
    name = inline(spec.chosen, quoted=True)
    return f'Chosen option: "{name}", because' if block(spec.rationale) else f'Chosen option: "{name}".'


def bullet(assessment: AssessmentSpec) -> str:
    line = (
        f"* {verdict(assessment.rating)}, because {strong(assessment.criterion)} "
        f"({RATING_TEXT[assessment.rating]})"
    )
    note = inline(assessment.note)
    return line + (f": {note}" if note else "")


def option_bullets(spec: RecordSpec, option: str) -> list[str]:
    """Good first (heaviest first), then neutral, then bad (heaviest first), as the page lists them."""
    weights = {c.name: c.weight for c in spec.criteria}
    rated = ratings(spec)
    cells = [rated[(option, c.name)] for c in spec.criteria if (option, c.name) in rated]
    pros = sorted((a for a in cells if a.rating > 0), key=lambda a: -a.rating * weights[a.criterion])
    neutral = [a for a in cells if a.rating == 0]
    cons = sorted((a for a in cells if a.rating < 0), key=lambda a: a.rating * weights[a.criterion])
    return [bullet(a) for a in (*pros, *neutral, *cons)]


def option_section(spec: RecordSpec, name: str, *, holes: bool = False) -> list[str]:
    option = next(option for option in spec.options if option.name == name)
    parts = [f"### {inline(option.name) or '(unnamed)'}", block(option.summary)]
    if not holes:
        parts.append("\n".join(option_bullets(spec, name)))
    if inline(option.why_not):
        parts.append(WHY_NOT + inline(option.why_not))
    return [part for part in parts if part]


def matrix_shown(spec: RecordSpec) -> bool:
    """The table carries ratings and weights; without either it would only repeat the options."""
    return bool(spec.criteria) and (bool(spec.assessments) or any(c.weight != 1 for c in spec.criteria))


def matrix_table(spec: RecordSpec) -> str:
    if not matrix_shown(spec):
        return ""
    rated = ratings(spec)
    sums, most = totals(spec)
    header = ["Option", *(f"{cell(c.name)} (×{c.weight})" for c in spec.criteria), "Total"]
    lines = [
        "| " + " | ".join(header) + " |",
        "| --- | " + " | ".join(":---:" for _ in spec.criteria) + " | ---: |",
    ]
    for option in spec.options:
        cells = [
            RATING_TEXT[rated[(option.name, c.name)].rating] if (option.name, c.name) in rated else NOT_RATED
            for c in spec.criteria
        ]
        lines.append(
            "| " + " | ".join([f"**{cell(option.name)}**", *cells, f"{sums[option.name]:+d}"]) + " |"
        )
    return "\n".join(lines) + f"\n\nWeighted totals out of a possible {most}."


GENERATED = "<!-- Generated from the options matrix on export; an import ignores this section. -->"


def sensitivity_section(spec: RecordSpec) -> str:
    """How robust the outcome is (decisions.records.sensitivity), in the page's words, with the
    table of weights at which the chosen option (or the leader) stays first."""
    if not spec.options:
        return ""
    names = [option.name for option in spec.options]
    criteria = [(c.name, c.weight) for c in spec.criteria]
    rated = {(a.option, a.criterion): a.rating for a in spec.assessments}
    result = sensitivity.for_names(names, criteria, rated, spec.chosen)
    if result is None:
        return ""
    words = sensitivity.describe(result, [inline(n) for n in names], [inline(n) for n, _ in criteria])
    lines = [GENERATED, "", words["summary"], "", f"**{words['sentence']}**"]
    if result.close_call:
        lines += ["", "**Close call:** a tie, or a lead of less than a tenth of the best possible total."]
    lines += [
        "",
        "| Driver | Weight | Stays first at weights | Outside that range |",
        "| --- | ---: | --- | --- |",
    ]
    for span in result.ranges:
        stays, outside = sensitivity.range_words(span, [cell(n) for n in names])
        lines.append(f"| {cell(criteria[span.criterion][0])} | {span.weight} | {stays} | {outside} |")
    return "\n".join(lines)


def _link_target(url: str) -> str:
    for char, code in (("(", "%28"), (")", "%29"), (" ", "%20"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def precedents(spec: RecordSpec) -> str:
    lines = []
    for precedent in spec.precedents:
        details = [inline(precedent.organization), _label(PrecedentKind, precedent.kind)]
        if precedent.date:
            details.append(precedent.date.isoformat())
        line = f"* [{inline(precedent.title) or precedent.url}]({_link_target(precedent.url)})"
        line += " (" + ", ".join(part for part in details if part) + ")"
        if inline(precedent.note):
            line += f": {inline(precedent.note)}"
        lines.append(line)
    return "\n".join(lines)


def _code(number: int | str) -> str:
    return f"DR-{number:04d}" if isinstance(number, int) else f"DR-{inline(str(number))}"


def more_links(spec: RecordSpec) -> list[str]:
    """The list that ends More Information: links and history the front matter holds."""
    lines = []
    if spec.related_rfcs:
        lines.append("* **Related RFCs:** " + ", ".join(inline(rfc_label(n)) for n in spec.related_rfcs))
    if spec.meetings:
        lines.append("* **Discussed at:**")
        for meeting in spec.meetings:
            line = f"  * {meeting.date}, {inline(meeting.series_name or meeting.series)}"
            lines.append(line + (f": {inline(meeting.topic)}" if meeting.topic else ""))
    if spec.supersedes is not None:
        lines.append(f"* **Supersedes:** {_code(spec.supersedes)}")
    if spec.superseded_by:
        lines.append("* **Superseded by:** " + ", ".join(_code(n) for n in spec.superseded_by))
    if spec.action_items:
        lines.append("* **Action items:**")
        for item in spec.action_items:
            box = "[x]" if item.status == ActionItemStatus.DONE else "[ ]"
            text = f"{inline(item.owner)}: " if item.owner else ""
            text += inline(item.text)
            if item.status == ActionItemStatus.DROPPED:
                text += " (dropped)"
            lines.append(f"  * {box} {text}" + (f" (due {item.due})" if item.due else ""))
    if spec.status_history:
        lines.append("* **Status history:**")
        for change in spec.status_history:
            moved = f"{change.from_status or 'new'} → {change.to_status}"
            note = f" — {inline(change.note)}" if inline(change.note) else ""
            lines.append(f"  * {change.date}: {moved}{note}")
    return lines


def index(rows: list[tuple[Decision, str]]) -> str:
    lines = [
        "# Decision records",
        "",
        "One file per record, in the MADR 4 format (<https://adr.github.io/madr/>). `manage.py",
        "import_decisions` reads each file back: MADR's front matter (`status`, `date`,",
        "`decision-makers`, `consulted`, `informed`), this site's data under `rfcs-site`, and the",
        "body: edit the text, a driver, an option, an argument or a rating in the options matrix",
        "and import the folder. The matrix's totals and the Sensitivity of the Outcome are",
        "computed (an import skips that section); the precedents and the list at the end of More",
        "Information are written from `rfcs-site` (edit them there). A change the importer cannot",
        "take is refused with its file, line and both values; nothing is written.",
        "",
    ]
    if not rows:
        return "\n".join([*lines, "None yet.", ""])
    lines += ["| Number | Title | Status | Decided on |", "| --- | --- | --- | --- |"]
    for decision, name in rows:
        decided = decision.decided_on.isoformat() if decision.decided_on else "—"
        title = cell(decision.title)
        lines.append(
            f"| {decision.code} | [{title}]({name}) | {_label(DecisionStatus, decision.status)} | {decided} |"
        )
    return "\n".join(lines) + "\n"
