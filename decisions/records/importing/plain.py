"""A plain ADR file as a record without a matrix: MADR 2, 3 or 4, log4brains, adr-tools (Nygard).

What every one of these formats writes is kept: the number (from the file name), the title (the
first heading, without adr-tools' "1. "), the status and date (MADR 3/4 front matter, MADR 2 and
log4brains' "- Status:" lines, adr-tools' "Date:" line and "## Status" section), the people, the
supersedes/superseded-by links (to files of the folder, or "ADR-0005"), and the body: context,
decision drivers, considered options with their pros and cons, the outcome and its
justification, consequences, confirmation; any other section goes to More Information as
written, so nothing of the text is lost.
"""

from __future__ import annotations

import datetime
import re
from pathlib import PurePosixPath

from decisions.formats.dates import parse_date
from decisions.formats.yaml import LinedMap
from decisions.models import Criterion, Decision, DecisionStatus, Option, OwnerRole, Person
from decisions.records.export.text import normal
from decisions.records.importing.report import Problem
from decisions.records.importing.sections import headings, split
from decisions.records.importing.statuses import status_from_madr
from decisions.records.specs import CriterionSpec, OptionSpec, OwnerSpec, RecordSpec, StatusSpec

_META = re.compile(
    r"^\s*(?:[*-]\s+)?(status|date|deciders|decision[- ]makers|consulted|informed)\s*:\s*(.*)$", re.I
)
_ITEM = re.compile(r"^\s{0,3}(?:[*+-]|\d{1,9}[.)])\s+(.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[^)]*)?\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_REFERENCE = re.compile(r"\b(?:ADR|DR)[- ]?0*(\d+)\b", re.I)
_RELATION = re.compile(r"^\s*(?:[*-]\s+)?(supersedes|superseded by)\b\s*:?\s*(.+)$", re.I)
_NYGARD_NUMBER = re.compile(r"^(\d+)\.\s+")
_CHOSEN = re.compile(
    r'^Chosen option:\s*(?:"(.+?)"(?=[\s,.;:]|$)|“(.+?)”|(.+?))(?:,?\s+because\b[,:]?\s*(.*)|\.?)$',
    re.I | re.DOTALL,
)
_QUOTES = str.maketrans("", "", "\"“”'‘’`")
_PEOPLE = {
    "deciders": "decision-makers",
    "decision-makers": "decision-makers",
    "decision makers": "decision-makers",
}
_SECTIONS = {
    "context": "context", "context and problem statement": "context", "context and problem": "context",
    "problem statement": "context", "status": "status", "decision drivers": "drivers",
    "considered options": "options", "decision outcome": "outcome", "decision": "decision",
    "consequences": "consequences", "confirmation": "confirmation", "validation": "confirmation",
    "pros and cons of the options": "pros_and_cons", "more information": "more", "links": "more",
}  # fmt: skip
_OUTCOME_PARTS = {
    "consequences": "Consequences", "positive consequences": "Positive consequences",
    "negative consequences": "Negative consequences", "confirmation": "", "validation": "",
}  # fmt: skip
_DECIDED = {
    DecisionStatus.ACCEPTED,
    DecisionStatus.REJECTED,
    DecisionStatus.SUPERSEDED,
    DecisionStatus.DEPRECATED,
}


def _plain_text(text: str) -> str:
    """An item's words: links become their text."""
    text = _LINK.sub(lambda m: m[1] or m[2], text)
    return " ".join(_AUTOLINK.sub(r"\1", text).split())


def _short(text: str, model: type, field: str = "name") -> str:
    limit = model._meta.get_field(field).max_length
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Plain:
    def __init__(self, path: str, number: int, links: dict[str, int], problems: list[Problem]) -> None:
        self.path, self.number, self.links, self.problems = path, number, links, problems
        self.notes: list[str] = []
        self.meta: dict[str, str] = {}
        self.supersedes: list[int] = []
        self.superseded_by: list[int] = []
        self.more: list[str] = []

    def target(self, text: str) -> int | None:
        """The record a link or reference names: a file of the folder, `ADR-0005`, `[2. Title]`."""
        for _, href in _LINK.findall(text):
            name = PurePosixPath(href.split("#")[0]).name
            for key in (name, name.removesuffix(".md")):
                if key in self.links:
                    return self.links[key]
        match = _REFERENCE.search(text) or re.match(r"^\s*\[?(\d+)\.\s", text)
        return int(match[1]) if match else None

    def relation(self, line: str) -> bool:
        """Take a "Supersedes …" / "Superseded by …" line; False when it is no such line."""
        match = _RELATION.match(line)
        number = self.target(match[2]) if match else None
        if match is None or number is None:
            return False
        (self.supersedes if match[1].lower() == "supersedes" else self.superseded_by).append(number)
        return True

    def read(self, body: str, front: LinedMap | None, file_name: str) -> RecordSpec:
        lines = body.split("\n")
        found = headings(lines)
        title = next((h for h in found if h.level == 1), None)
        if front:
            self._front(front)
        h2 = [h for h in found if h.level == 2 and (title is None or h.start > title.start)]
        preamble, sections = split(lines, h2)
        context = self._preamble(preamble.lines[title.end if title else 0 :])
        parts: dict[str, list[str]] = {}
        for section in sections:
            assert section.heading is not None
            key = _SECTIONS.get(section.heading.key)
            if key is None:
                self.more.append(
                    "\n".join(lines[section.heading.start : section.heading.end] + section.lines)
                )
            else:
                parts.setdefault(key, []).append("\n".join(section.lines))
        if "status" in parts:
            self._status_section(parts.pop("status"))
        spec = self._spec(title.text if title else "", file_name, context, parts)
        spec.notes = self.notes
        return spec

    def _front(self, front: LinedMap) -> None:
        kept = {"status", "date", "decision-makers", "deciders", "consulted", "informed"}
        for key, value in front.items():
            if key in kept and value is not None:
                self.meta[_PEOPLE.get(key, key)] = value if isinstance(value, list) else str(value)
        others = [str(key) for key in front if key not in kept]
        if others:
            self.notes.append(f"front matter keys not kept: {', '.join(others)}")

    def _preamble(self, lines: list[str]) -> str:
        """MADR 2 and log4brains' "- Status:" list and adr-tools' "Date:" line; other text is context."""
        rest = []
        for line in lines:
            match = _META.match(line)
            if match and match[1].lower() not in self.meta:
                self.meta[_PEOPLE.get(match[1].lower(), match[1].lower())] = match[2].strip()
            elif line.strip() and not (line.strip().startswith("<!--") and line.strip().endswith("-->")):
                rest.append(line)
        return normal("\n".join(rest))

    def _status_section(self, texts: list[str]) -> None:
        """adr-tools: the status word, then links such as "Superseded by [2. …](0002-….md)"."""
        lines = [line for line in "\n".join(texts).split("\n") if line.strip()]
        if lines and "status" not in self.meta:
            first = lines.pop(0)
            if self.relation(first) and first.lower().lstrip("*- ").startswith("superseded"):
                self.meta["status"] = "superseded"
            else:
                self.meta["status"] = first
        kept = [line for line in lines if not self.relation(line)]
        if kept:
            self.more.append("\n".join(kept))

    def _people(self, key: str) -> list[str]:
        value = self.meta.get(key)
        names = value if isinstance(value, list) else str(value or "").split(",")
        return [_short(str(name).strip(), Person) for name in names if str(name).strip()]

    def _status(self, has_outcome: bool) -> tuple[str, datetime.date | None]:
        text = str(self.meta.get("status", "")).strip()
        status, superseded, note = status_from_madr(text) if text else (None, "", "")
        if superseded and self.target(superseded) is not None:
            self.superseded_by.append(self.target(superseded) or 0)
        if note:
            self.notes.append(note)
        if status is None:
            status = DecisionStatus.ACCEPTED if has_outcome else DecisionStatus.OPEN
            said = f"status {text!r} is not one this site knows" if text else "no status"
            self.notes.append(f"{said}; imported as {status}")
        date, _ = parse_date(str(self.meta.get("date", ""))) if self.meta.get("date") else (None, None)
        if self.meta.get("date") and date is None:
            self.notes.append(f"date {self.meta['date']!r} is not a date; not kept")
        return status, date

    def _options(self, parts: dict[str, list[str]]) -> list[OptionSpec]:
        options: list[OptionSpec] = []
        for text in _items("\n".join(parts.get("options", []))):
            # MADR's own records write "[MADR](https://…) 4.0.0, an en dash, The Markdown …": name, dash, words.
            name = _short(re.split(r"\s[–—]\s", _plain_text(text), maxsplit=1)[0], Option) or "(unnamed)"
            if name not in {o.name for o in options}:
                options.append(OptionSpec(name, text if text != name else "", ""))
        for text in parts.get("pros_and_cons", []):
            lines = text.split("\n")
            preamble, sections = split(lines, [h for h in headings(lines) if h.level == 3])
            if preamble.text().strip():
                self.more.append(preamble.text())
            for section in sections:
                assert section.heading is not None
                name = _plain_text(section.heading.text)
                option = next((o for o in options if _same(o.name, name) or _same(name, o.name)), None)
                if option is None:
                    option = OptionSpec(_short(name, Option) or "(unnamed)", "", "")
                    options.append(option)
                option.summary = normal("\n\n".join(filter(None, [option.summary, section.text()])))
        return options

    def _outcome(self, parts: dict[str, list[str]], options: list[OptionSpec]) -> tuple[str, str, str, str]:
        """(chosen, rationale, consequences, confirmation) from MADR's outcome or adr-tools' Decision."""
        rationale, consequences, confirmation = [], list(parts.get("consequences", [])), []
        confirmation += parts.get("confirmation", [])
        for text in parts.get("outcome", []):
            lines = text.split("\n")
            preamble, sections = split(lines, [h for h in headings(lines) if h.level == 3])
            rationale.append(preamble.text())
            for section in sections:
                assert section.heading is not None
                label = _OUTCOME_PARTS.get(section.heading.key)
                if label is None:
                    rationale.append(
                        "\n".join(lines[section.heading.start : section.heading.end] + section.lines)
                    )
                elif label:
                    consequences.append(
                        f"{label}:\n\n{section.text()}" if label != "Consequences" else section.text()
                    )
                else:
                    confirmation.append(section.text())
        rationale += parts.get("decision", [])
        text = normal("\n\n".join(filter(None, (normal(t) for t in rationale))))
        chosen, match = "", _CHOSEN.match(text.split("\n\n")[0]) if text else None
        if match:
            said = _plain_text(match[1] or match[2] or match[3])
            option = next((o for o in options if _same(o.name, said)), None) or next(
                (o for o in options if _same(o.summary, said)), None
            )
            if option:
                chosen = option.name
                because = match[4] or ""
                text = normal("\n\n".join(filter(None, [because, *text.split("\n\n")[1:]])))
            else:
                self.notes.append(
                    f"the chosen option {said!r} is not one of the considered options; kept as text"
                )
        joined = [
            normal("\n\n".join(filter(None, (normal(t) for t in group))))
            for group in (consequences, confirmation)
        ]
        return chosen, text, joined[0], joined[1]

    def _spec(self, title: str, file_name: str, context: str, parts: dict[str, list[str]]) -> RecordSpec:
        options = self._options(parts)
        chosen, rationale, consequences, confirmation = self._outcome(parts, options)
        status, date = self._status(bool(chosen or rationale))
        title = (
            _NYGARD_NUMBER.sub("", title)
            if (m := _NYGARD_NUMBER.match(title)) and int(m[1]) == self.number
            else title
        )
        if not title.strip():
            title = (
                PurePosixPath(file_name).stem.lstrip("0123456789-").replace("-", " ").capitalize()
                or file_name
            )
            self.notes.append("no title; taken from the file name")
        drivers = _items("\n".join(parts.get("drivers", [])))
        owners = [OwnerSpec(n, "", OwnerRole.OWNER) for n in self._people("decision-makers")]
        owners += [OwnerSpec(n, "", OwnerRole.CONTRIBUTOR) for n in self._people("consulted")]
        owners += [OwnerSpec(n, "", OwnerRole.INFORMED) for n in self._people("informed")]
        more = [text for text in (normal(t) for t in [*parts.get("more", []), *self.more]) if text]
        more = ["\n".join(line for line in text.split("\n") if not self.relation(line)) for text in more]
        return RecordSpec(
            path=self.path,
            lines={},
            number=self.number,
            title=_short(" ".join(title.split()), Decision, "title"),
            status=status,
            decided_on=date if status in _DECIDED else None,
            owners=_unique_owners(owners),
            areas=[],
            context=normal(
                "\n\n".join(filter(None, [context, *(normal(t) for t in parts.get("context", []))]))
            ),
            options=options,
            criteria=_drivers(drivers),
            assessments=[],
            chosen=chosen,
            rationale=rationale,
            consequences=consequences,
            confirmation=confirmation,
            more_information=normal("\n\n".join(filter(None, (normal(t) for t in more)))),
            related_rfcs=[],
            meetings=[],
            precedents=[],
            supersedes=next((n for n in self.supersedes if n != self.number), None),
            superseded_by=sorted({n for n in self.superseded_by if n != self.number}),
            status_history=[StatusSpec(date, "", status, "")] if date else [],
            action_items=[],
        )


def _same(name: str, said: str) -> bool:
    """Whether an option's name (or its item's text) is what "Chosen option" names."""

    def key(text: str) -> str:
        return " ".join(_plain_text(text).translate(_QUOTES).split()).casefold()

    return bool(name) and (key(name) == key(said) or key(name).startswith(key(said) + " "))


def _items(text: str) -> list[str]:
    items: list[str] = []
    for line in text.split("\n"):
        match = _ITEM.match(line)
        if match:
            items.append(match[1].strip())
        elif line.strip() and items:
            items[-1] += " " + line.strip()
    return [item for item in items if item and item not in {"…", "..."}]


def _drivers(items: list[str]) -> list[CriterionSpec]:
    criteria: list[CriterionSpec] = []
    for text in items:
        name = _short(_plain_text(text), Criterion)
        if name not in {c.name for c in criteria}:
            criteria.append(CriterionSpec(name, text if name != text else "", 1))
    return criteria


def _unique_owners(owners: list[OwnerSpec]) -> list[OwnerSpec]:
    seen, unique = set(), []
    for owner in owners:
        if (owner.name.casefold(), owner.role) not in seen:
            seen.add((owner.name.casefold(), owner.role))
            unique.append(owner)
    return unique


def read_plain(
    body: str, front: LinedMap | None, *, path: str, file_name: str, number: int, links: dict[str, int],
    problems: list[Problem],
) -> RecordSpec:  # fmt: skip
    """The record a plain ADR file describes."""
    return _Plain(path, number, links, problems).read(body, front, file_name)
