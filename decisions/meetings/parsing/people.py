"""Attendees inside the notes: attendee lists, lines, tables and note-takers, and the names and handles in them."""

from __future__ import annotations

import re

from decisions.meetings.parsing.base import ReaderBase
from decisions.meetings.parsing.blocks import Block, plain, strip_markup, unescape
from decisions.meetings.parsing.words import (
    LINK_ONLY_RE,
    METADATA_LABELS,
    PARTICLES,
    PLACEHOLDER_RE,
    STOP_LABELS,
)
from decisions.people.names import name_key


class AttendeesPass(ReaderBase):
    """Who attended: the metadata lines, tables and lists of pass 1, settled before pass 3."""

    def _metadata(self, block: Block, section: str) -> bool:
        """Date, time, place, attendee and note-taker lines; True when the paragraph was only that."""
        lines = block.text.split("\n")
        collecting = False
        consumed = 0
        for raw in lines:
            line = strip_markup(raw)
            if not line:
                consumed += 1
                continue
            date = re.match(r"(?i)^(?:date|when)\s*:\s*(.+)$", line)
            if date:
                self.field_date = self.field_date or date[1]
                consumed += 1
                continue
            rest = _attendee_label(line)
            if rest is not None:
                self._add_names(rest, table=True)
                collecting = True
                consumed += 1
                continue
            taker = re.match(
                r"(?i)^(?:note[- ]?takers?|notes(?: by)?|scribe|minutes(?: by)?)\s*:\s*(.+)$", line
            )
            if taker and section == "preamble" and _names_in(taker[1], table=True):
                self._add_names(taker[1], table=True)
                consumed += 1
                continue
            if section == "preamble" and (_metadata_line(line) or LINK_ONLY_RE.match(line)):
                consumed += 1
                continue
            if collecting and _names_in(line, table=False):
                self._add_names(line, table=False)
                consumed += 1
                continue
            collecting = False
        return consumed == len(lines)

    def _table_attendees(self, block: Block) -> bool:
        cells = [[plain(cell) for cell in row] for row in block.rows]
        found = False
        for row in cells:
            if len(row) >= 2 and re.fullmatch(
                r"(?i)attend(?:ing|ees?)|present|participants|note ?takers?", row[0].strip()
            ):
                self._add_names(row[1], table=True)
                found = True
        if (
            cells
            and len(cells[0]) == 1
            and re.fullmatch(r"(?i)attendees?|names?|participants", cells[0][0].strip())
        ):
            for row in cells[1:]:
                if row and row[0].strip():
                    self._add_names(row[0], table=False)
            found = True
        return found

    def _collect_names(self, block: Block) -> None:
        if block.kind == "table":
            for row in block.rows[1:] if len(block.rows) > 1 else block.rows:
                if row:
                    self._add_names(plain(row[0]), table=False)
            return
        if block.kind != "para":
            return
        for index, line in enumerate(block.text.split("\n")):
            if index == 0 and block.first_in_item and block.item in self.item_role:
                continue
            self._add_names(strip_markup(line), table=False)

    def _add_names(self, text: str, *, table: bool) -> None:
        self.names.extend(_names_in(text, table=table))

    def _settle_attendees(self) -> None:
        for block in self.blocks:
            role, _ = self._role(block)
            if role == "attendees" and block.kind == "para":
                self._collect_names(block)
                block.section = "meta"
        pairs = [n for n, _ in self.names if re.fullmatch(r"[^,\s]+,\s*[^,\s]+", n)]
        if len(pairs) < 2:  # "Kailas, Intel" is a name and a company; "Brown, Andrew" twice is a convention
            self.names = [(n.split(",")[0].strip() if n in pairs else n, a) for n, a in self.names]
        self.attendees = _dedupe_names(self.names, self.attendee_aliases)


def _metadata_line(line: str) -> bool:
    label = re.match(r"^([^:]{1,30}):", strip_markup(line))
    return bool(
        label
        and (METADATA_LABELS.fullmatch(label[1].strip()) or re.fullmatch(r"(?i)date|when", label[1].strip()))
    )


def _attendee_label(line: str) -> str | None:
    match = re.match(
        r"(?i)^(?:[\w ]{0,30}\s)?(?:attendees|attendance|attending|participants|present)\s*:\s*(.*)$",
        line.strip(),
    )
    return match[1] if match else None


def looks_like_names(block: Block) -> bool:
    lines = [strip_markup(line) for line in block.text.split("\n") if line.strip()]
    return bool(lines) and all(
        _names_in(line, table=True) or PLACEHOLDER_RE.fullmatch(line) for line in lines
    )


def _names_in(text: str, *, table: bool) -> list[tuple[str, list[str]]]:
    """(name, aliases) pairs from one attendee entry or a comma-separated row; e-mails dropped."""
    text = re.sub(r"~~.*?~~", "", unescape(text))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\S+@\S+", "", text).strip().strip("|").strip()
    if not text or PLACEHOLDER_RE.fullmatch(text) or text.endswith(":"):
        return []
    found = []
    for part in _split_entry(text, table=table):
        entry = _name_entry(part)
        if entry:
            found.append(entry)
    return found


def _split_entry(text: str, *, table: bool) -> list[str]:
    pieces = [p.strip() for p in re.split(r"[,，](?![^()]*\))", text) if p.strip()]
    if table or len(pieces) >= 3:
        return [p for piece in pieces for p in re.split(r"\s+and\s+|;", piece) if p.strip()]
    if len(pieces) == 2:
        first, second = pieces
        if (
            len(first.split()) == 1
            and len(second.split()) == 1
            and second[:1].isupper()
            and "(" not in second
        ):
            return [f"{first}, {second}"]  # "Brown, Andrew"
        return [first]  # "Eric Gregory, Cosmonic"
    return pieces


def _name_entry(entry: str) -> tuple[str, list[str]] | None:
    """`Nick Fitzgerald (nf)` -> ("Nick Fitzgerald", ["nf"]); `Till (Fastly)` -> ("Till", [])."""
    entry = strip_markup(entry).strip(" -*•\t")
    aliases: list[str] = []
    prefix = re.match(r"^([A-Z0-9]{2,3}):\s+(.+)$", entry)
    if prefix:
        aliases.append(prefix[1])
        entry = prefix[2]
    name = re.sub(r"\s*\(([^)]*)\)", "", entry).strip().lstrip("@").strip()
    for inner in re.findall(r"\(([^)]*)\)", entry):
        inner = inner.strip().lstrip("@")
        initials = "".join(w[0] for w in re.split(r"[\s\-]+", name) if w).upper()
        if re.fullmatch(r"[a-z][a-z0-9_\-]{1,30}", inner) or (inner.isupper() and inner == initials):
            aliases.append(inner)
        elif re.fullmatch(r"[A-Z][a-z]+", inner) and re.search(rf"\({re.escape(inner)}\)\s*\w", entry):
            aliases.append(inner)  # a nickname inside the name: "Jiaxiao (Joe) Zhou"
    name = re.sub(r"\s+", " ", name)
    if not name or PLACEHOLDER_RE.fullmatch(name) or len(name) > 60 or name.lower() in STOP_LABELS:
        return None
    if re.search(r"[:?!;\[\]{}<>|=*]|https?://", name):
        return None
    if re.search(r"\d{3,}", name) and not re.fullmatch(r"[A-Za-z][\w\-]*", name):
        return None  # a phone number or a date, but `afonso360` is a handle
    words = name.replace(",", " ").split()
    if not 1 <= len(words) <= 5 or any(
        w.lower() in {"the", "a", "an", "in", "no", "particular", "order"} for w in words
    ):
        return None
    if len(words) > 1 and any(w[:1].islower() and w.lower() not in PARTICLES for w in words):
        return None
    if len(words) == 1 and not re.fullmatch(r"[\w.'’\-]+", name):
        return None
    return name, aliases


def _dedupe_names(entries: list[tuple[str, list[str]]], aliases: dict[str, list[str]]) -> list[str]:
    """One entry per person; a lone `Jamey` folds into `Jamey Cortland`, kept as an alias."""
    result: dict[str, str] = {}
    for name, extra in entries:
        kept = result.setdefault(name_key(name), name)
        for alias in extra:
            if alias not in aliases.setdefault(kept, []):
                aliases[kept].append(alias)
    full = [n for n in result.values() if len(n.split()) > 1 and "," not in n]
    names = []
    for name in result.values():
        if len(name.split()) == 1:
            matches = [f for f in full if name_key(f.split()[0]) == name_key(name)]
            if len(matches) == 1:
                aliases.setdefault(matches[0], []).append(name)
                aliases[matches[0]].extend(a for a in aliases.pop(name, []) if a not in aliases[matches[0]])
                continue
        names.append(name)
    for name in list(aliases):
        if not aliases[name] or name not in names:
            aliases.pop(name)
    return names
