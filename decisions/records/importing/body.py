"""The body of an exported MADR 4 record read back: the prose sections, the arguments and the matrix.

The sections are found by MADR's headings in MADR's order (a heading of the text itself, such as
`## Background` in the context, stays part of its section). What is read: the title, context and
problem statement, decision drivers, considered options, the outcome (chosen option and its
justification), consequences, confirmation, each option's description, arguments ("Good,
because **Driver** (+ For): note") and why it was not chosen, the options matrix table (weights
and ratings; totals are computed) and More Information's own text. The Sensitivity of the
Outcome section is generated on export and skipped here. A rating said both in the
table and in an argument is a Claim, settled later against the stored record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from decisions.records.export import body as written
from decisions.records.export.text import normal, unescape
from decisions.records.importing.report import Problem
from decisions.records.importing.sections import Heading, Section, headings, split

_MARKERS = [
    (2, "context"), (2, "drivers"), (2, "options"), (2, "outcome"), (3, "consequences"),
    (3, "confirmation"), (2, "pros_and_cons"), (2, "matrix"), (2, "sensitivity"), (2, "precedents"), (2, "more"),
]  # fmt: skip
# Bold text as strong() writes it: escaped characters (`\*`, `\\`) or any but a backslash.
_BOLD = r"\*\*((?:\\.|[^\\])*?)\*\*"
_DRIVER = re.compile(rf"^[*-] {_BOLD}(?:: (.*))?$")
_ITEM = re.compile(r"^[*-] (.*)$")
_CHOSEN = re.compile(r'^Chosen option: "(.*)"(?:, because(?: (.*))?|\.)$')
_ARGUMENT_START = re.compile(r"^[*-] (Good|Neutral|Bad), because \*\*")
_ARGUMENT = re.compile(rf"^[*-] (Good|Neutral|Bad), because {_BOLD} \(([^()]*)\)(?:: (.*))?$")
_WEIGHT = re.compile(r"^(.*?)\s*\((?:×|x|X|\*)\s*(\d+)\)$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_TOTALS = re.compile(r"^Weighted totals out of a possible [+-]?\d+\.$")
_SYMBOLS = {"++": 2, "+": 1, "○": 0, "o": 0, "-": -1, "--": -2}
_LABELS = {"strongly for": 2, "for": 1, "neutral": 0, "against": -1, "strongly against": -2}
_UNRATED = {"", "?", "? not rated", "not rated"}


def parse_rating(text: str) -> int | str | None:
    """-2..2, None when not rated, or the text itself when it is not a rating."""
    value = " ".join(text.replace("−", "-").split()).casefold()
    if value in _UNRATED:
        return None
    if re.fullmatch(r"[+-]?[0-2]", value):
        return int(value)
    symbol, _, label = value.partition(" ")
    if symbol in _SYMBOLS and (not label or _LABELS.get(label) == _SYMBOLS[symbol]):
        return _SYMBOLS[symbol]
    return _LABELS.get(value, text)


@dataclass
class Claim:
    """One cell's rating as the options matrix and the option's arguments say it."""

    option: str
    criterion: str
    table: int | None
    table_line: int | None
    argument: int | None
    argument_line: int | None


@dataclass
class BodyRead:
    title: str = ""
    context: str = ""
    drivers: list[tuple[str, str, int]] = field(default_factory=list)  # name, description, line
    options: list[tuple[str, int]] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)
    why_not: dict[str, str] = field(default_factory=dict)
    chosen: str = ""
    chosen_line: int = 0
    rationale: str = ""
    consequences: str = ""
    confirmation: str = ""
    more_information: str = ""
    more_line: int = 0
    weights: dict[str, tuple[int, int]] | None = None  # None: no table
    table: dict[tuple[str, str], tuple[int | None, int]] = field(default_factory=dict)
    arguments: dict[tuple[str, str], tuple[int, str, int]] = field(default_factory=dict)
    # The body's lines as compared with the body written from what was read: (text, file line).
    compared: list[tuple[str, int]] = field(default_factory=list)


class _Reader:
    def __init__(self, text: str, first_line: int, path: str, problems: list[Problem]) -> None:
        self.lines = text.split("\n")
        self.first_line, self.path, self.problems = first_line, path, problems
        self.read = BodyRead()

    def line(self, index: int) -> int:
        return self.first_line + index

    def problem(self, index: int, message: str) -> None:
        self.problems.append(Problem(self.path, self.line(index), message))

    def keep(self, start: int, lines: list[str]) -> None:
        self.read.compared += [(text, self.line(start + n)) for n, text in enumerate(lines)]

    def run(self) -> BodyRead:
        found = headings(self.lines)
        title = next((h for h in found if h.level == 1), None)
        if title is None:
            self.problem(0, "the body has no title: its first heading must be `# Title`")
            return self.read
        self.read.title = unescape(title.text)
        starts, position = [title], 0
        for heading in found:
            if heading.start <= title.start:
                continue
            for index in range(position, len(_MARKERS)):
                level, key = _MARKERS[index]
                if heading.level == level and heading.key == written.TITLES[key].casefold():
                    starts.append(heading)
                    position = index + 1
                    break
        preamble, sections = split(self.lines, starts)
        self.keep(0, preamble.lines)
        for section in sections:
            heading = section.heading
            assert heading is not None
            if heading is title:
                self.keep(heading.start, self.lines[heading.start : heading.end])
                self.keep(section.start, section.lines)
                continue
            key = next(k for k, t in written.TITLES.items() if t.casefold() == heading.key)
            if key not in ("matrix", "sensitivity"):
                self.keep(heading.start, ["#" * heading.level + " " + written.TITLES[key]])
            getattr(self, f"_{key}")(section)
        return self.read

    def _text(self, section: Section) -> str:
        self.keep(section.start, section.lines)
        return normal(section.text())

    def _context(self, section: Section) -> None:
        self.read.context = self._text(section)

    def _consequences(self, section: Section) -> None:
        self.read.consequences = self._text(section)

    def _confirmation(self, section: Section) -> None:
        self.read.confirmation = self._text(section)

    def _drivers(self, section: Section) -> None:
        self.keep(section.start, section.lines)
        for index, text in enumerate(section.lines, section.start):
            match = _DRIVER.match(text)
            if match:
                self.read.drivers.append((unescape(match[1]), unescape(match[2] or ""), self.line(index)))
            elif text.strip():
                self.problem(index, f"a decision driver is written `* **Name**: description`, not {text!r}")

    def _options(self, section: Section) -> None:
        self.keep(section.start, section.lines)
        for index, text in enumerate(section.lines, section.start):
            match = _ITEM.match(text)
            if match:
                self.read.options.append((unescape(match[1]), self.line(index)))
            elif text.strip():
                self.problem(index, f"a considered option is written `* Name`, not {text!r}")

    def _outcome(self, section: Section) -> None:
        lines = section.lines
        first = next((n for n, text in enumerate(lines) if text.strip()), len(lines))
        end = next((n for n in range(first, len(lines)) if not lines[n].strip()), len(lines))
        paragraph = " ".join(text.strip() for text in lines[first:end])
        match = _CHOSEN.match(paragraph)
        if paragraph == written.NOT_CHOSEN:
            rest = lines[end:]
        elif match:
            self.read.chosen, self.read.chosen_line = unescape(match[1]), self.line(section.start + first)
            # MADR's one-line form, "Chosen option: "X", because it is fast.", is kept as two parts.
            rest = ([match[2], ""] if match[2] else []) + lines[end:]
            reasons = any(text.strip() for text in rest)
            paragraph = f'Chosen option: "{match[1]}"' + (", because" if reasons else ".")
        else:
            self.problem(
                section.start + first,
                f'the Decision Outcome starts with `Chosen option: "Name", because` or '
                f"`{written.NOT_CHOSEN}`, not {paragraph!r}",
            )
            return
        self.keep(section.start + first, [paragraph])
        self.keep(section.start + end, rest)
        self.read.rationale = normal("\n".join(rest))

    def _pros_and_cons(self, section: Section) -> None:
        names = [name for name, _ in self.read.options]
        starts, position = [], 0
        for heading in headings(section.lines):
            if heading.level == 3 and position < len(names) and unescape(heading.text) == names[position]:
                starts.append(heading)
                position += 1
        preamble, options = split(section.lines, starts)
        self.keep(section.start, preamble.lines)
        for name, option in zip(names, options, strict=False):
            heading = option.heading
            assert heading is not None
            start = section.start + option.start
            self.keep(section.start + heading.start, section.lines[heading.start : heading.end])
            self._option(name, start, option.lines)

    def _option(self, name: str, start: int, lines: list[str]) -> None:
        end = len(lines)
        while end and not lines[end - 1].strip():
            end -= 1
        why_not = ""
        if end and lines[end - 1].startswith(written.WHY_NOT):
            why_not = unescape(lines[end - 1][len(written.WHY_NOT) :])
            end -= 1
        first = end
        while first and (not lines[first - 1].strip() or _ARGUMENT_START.match(lines[first - 1])):
            first -= 1
        for index in range(first, end):
            if lines[index].strip():
                self._argument(name, start + index, lines[index])
        for index in range(first):
            if _ARGUMENT_START.match(lines[index]):
                self.problem(
                    start + index,
                    "an argument about a decision driver goes with the others, after the option's "
                    "description and any argument in free words",
                )
        self.keep(start, lines[:first])
        if why_not:
            self.keep(start + end, [lines[end]])
        self.read.summaries[name] = normal("\n".join(lines[:first]))
        self.read.why_not[name] = why_not

    def _argument(self, option: str, index: int, text: str) -> None:
        match = _ARGUMENT.match(text)
        drivers = {name for name, _, _ in self.read.drivers}
        if not match:
            self.problem(
                index, f"an argument is written `* Good, because **Driver** (+ For): note`, not {text!r}"
            )
            return
        criterion, rating = unescape(match[2]), parse_rating(match[3])
        if criterion not in drivers:
            self.problem(index, f"{criterion!r} is not one of the decision drivers")
        elif not isinstance(rating, int):
            self.problem(
                index,
                f"{match[3]!r} is not a rating (++ Strongly for, + For, ○ Neutral, − Against, −− Strongly against)",
            )
        elif written.verdict(rating) != match[1]:
            self.problem(index, f"the argument says {match[1]} but rates it {written.RATING_TEXT[rating]}")
        elif (option, criterion) in self.read.arguments:
            self.problem(index, f"{option!r} has two arguments about {criterion!r}")
        else:
            self.read.arguments[(option, criterion)] = (rating, unescape(match[4] or ""), self.line(index))

    def _matrix(self, section: Section) -> None:
        rows = []
        for index, text in enumerate(section.lines, section.start):
            if text.strip().startswith("|"):
                rows.append((index, [unescape(c, in_table=True) for c in _cell_texts(text)]))
            elif text.strip() and not _TOTALS.match(text.strip()):
                self.problem(index, f"only the table and its totals go under Options Matrix, not {text!r}")
        if len(rows) < 2:
            self.problem(section.start, "the Options Matrix has no table")
            return
        (index, header), body = rows[0], rows[2:]
        has_total = header[-1:] == ["Total"]
        columns = header[1 : -1 if has_total else None]
        self.read.weights = {}
        for column in columns:
            match = _WEIGHT.match(column)
            if not match or not 0 <= int(match[2]) <= 10:
                self.problem(
                    index, f"the column {column!r} is written `Driver (×weight)`, a weight from 0 to 10"
                )
                return
            self.read.weights[match[1]] = (int(match[2]), self.line(index))
        names = [name for name, _, _ in self.read.drivers]
        if list(self.read.weights) != names:
            self.problem(
                index, f"the table's columns are {list(self.read.weights)}; the decision drivers are {names}"
            )
            return
        options = {name for name, _ in self.read.options}
        for index, cells in body:
            name = re.sub(r"^\*\*(.*)\*\*$", r"\1", cells[0])
            given = cells[1 : len(columns) + 1]
            if name not in options:
                self.problem(index, f"the table's row {name!r} is not one of the considered options")
            elif len(cells) != len(header):
                self.problem(index, f"the row {name!r} has {len(cells)} cells; the header has {len(header)}")
            else:
                for criterion, text in zip(names, given, strict=True):
                    rating = parse_rating(text)
                    if isinstance(rating, str):
                        self.problem(index, f"{text!r} ({name!r}, {criterion!r}) is not a rating")
                    else:
                        self.read.table[(name, criterion)] = (rating, self.line(index))

    def _sensitivity(self, section: Section) -> None:
        """Generated from the matrix on export: not read, and not compared, so a file whose
        ratings were edited imports even though this section still says what they were."""

    def _precedents(self, section: Section) -> None:
        self.keep(section.start, section.lines)

    def _more(self, section: Section) -> None:
        lines = section.lines
        labels = tuple(f"* **{label}:**" for label in written.LINK_LABELS)
        cut = next((n for n, text in enumerate(lines) if text.startswith(labels)), len(lines))
        self.keep(section.start, lines)
        self.read.more_information = normal("\n".join(lines[:cut]))
        self.read.more_line = self.line(section.start)


def _cell_texts(row: str) -> list[str]:
    text = row.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [cell.strip() for cell in _CELL_SPLIT.split(text)]


def read_body(text: str, first_line: int, path: str, problems: list[Problem]) -> BodyRead:
    """What the body says; its problems are added to `problems`."""
    return _Reader(text, first_line, path, problems).run()


def claims(read: BodyRead) -> list[Claim]:
    """Every cell the table or an argument rates, with what each says."""
    cells = dict.fromkeys([*read.table, *read.arguments])
    found = []
    for option, criterion in cells:
        table, table_line = read.table.get((option, criterion), (None, None))
        argument, _, argument_line = read.arguments.get((option, criterion), (None, "", None))
        found.append(Claim(option, criterion, table, table_line, argument, argument_line))
    return found


def first_difference(read: BodyRead, expected: str) -> tuple[int, str, str] | None:
    """The first line where the body differs from `expected` (blank lines and trailing spaces
    aside): its file line, what the file says and what was expected there."""
    mine = [(text.rstrip(), line) for text, line in read.compared if text.strip()]
    theirs = [text.rstrip() for text in expected.split("\n") if text.strip()]
    for (text, line), other in zip(mine, theirs, strict=False):
        if text != other:
            return line, text, other
    if len(mine) > len(theirs):
        return mine[len(theirs)][1], mine[len(theirs)][0], "(nothing)"
    if len(theirs) > len(mine):
        return (mine[-1][1] if mine else read.more_line), "(nothing)", theirs[len(mine)]
    return None


__all__ = ["BodyRead", "Claim", "Heading", "claims", "first_difference", "parse_rating", "read_body"]
