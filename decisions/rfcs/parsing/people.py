"""Authors as RFC headers write them ("Name <mail>", "@handle", "[Name](github URL)") -> names and handles."""

from __future__ import annotations

import re
from collections.abc import Iterable

from decisions.rfcs.parsing.common import (
    _MD_LINK,
    ParsedRFC,
    _is_placeholder,
    _unique,
)

_ANGLE = re.compile(r"<([^<>]*)>")
_PAREN = re.compile(r"\(([^()]*)\)")
_EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(?:\.[\w-]+)+$")
_GITHUB_USER = re.compile(r"https?://(?:www\.)?github\.com/([\w-]+)/?$")


def _split_people(text: str) -> list[str]:
    """Split an author list on commas, semicolons, "and" and newlines, not inside <> or ()."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "<([":
            depth += 1
        elif char in ">)]" and depth:
            depth -= 1
        if depth == 0 and char in ",;\n":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    people = []
    for part in parts:
        people.extend(re.split(r"\s+(?:and|&)\s+", part))
    return [p.strip() for p in people if p.strip()]


def parse_person(written: str) -> tuple[str, list[str]]:
    """ "Barry Warsaw <barry@python.org>" -> ("Barry Warsaw", ["barry"]); "@jsafrane" -> ("jsafrane", ["jsafrane"]).

    Also "barry@python.org (Barry Warsaw)", "Saúl Cabrera (@saulecabrera)", "guido at python.org"
    and "[Name](https://github.com/handle)". Handles are kept without "@", as Person.aliases are.
    """
    text = written.strip().strip("*_`\"'").strip()
    aliases: list[str] = []
    link = _MD_LINK.fullmatch(text)
    if link:
        text = link[1].strip()
        user = _GITHUB_USER.match(link[2])
        if user:
            aliases.append(user[1])

    def email_alias(value: str) -> str | None:
        value = re.sub(r"\s+at\s+", "@", value.strip()).replace(" dot ", ".")
        value = value.removeprefix("mailto:")
        if _EMAIL.match(value):
            return value.split("@", 1)[0]
        return None

    for match in _ANGLE.findall(text):
        alias = email_alias(match)
        if alias:
            aliases.append(alias)
    text = _ANGLE.sub("", text).strip()
    name = text
    for inner in _PAREN.findall(text):
        inner = inner.strip()
        if inner.startswith("@"):
            aliases.append(inner[1:])
            name = name.replace(f"({inner})", "")
        elif email_alias(inner):
            aliases.append(email_alias(inner) or "")
            name = name.replace(f"({inner})", "")
    name = name.strip()
    outside = email_alias(_PAREN.sub("", name))
    if outside:  # "barry@python.org (Barry Warsaw)": the name is in the parentheses
        inner_names = [i.strip() for i in _PAREN.findall(name) if i.strip()]
        aliases.append(outside)
        name = inner_names[0] if inner_names else outside
    name = re.sub(r"\s+", " ", name).strip(" ,;")
    if name.startswith("@"):  # a bare handle: the name is the handle
        name = name[1:]
        aliases.append(name)
    return name, _unique(a.strip() for a in aliases)


def _set_people(parsed: ParsedRFC, values: Iterable[str]) -> None:
    for written in values:
        if _is_placeholder(written):
            continue
        name, aliases = parse_person(written)
        if not name:
            continue
        if name not in parsed.authors:
            parsed.authors.append(name)
        if aliases:
            known = parsed.author_handles.setdefault(name, [])
            known.extend(a for a in aliases if a not in known)
