"""Names in one meeting's notes -> people: the Resolver save_meeting uses, and people_for, the same
decision made for the preview without writing.

A name matches a person by name, slug or alias in any case; a full name one or two typos off; a
first name only one person has, or that one person of the series clearly answers to. The rest
are created when the save asks for it. The preview's name corrections (an existing person,
someone named, not a person) are applied first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from decisions.meetings.corrections import AS_NEW, AS_PERSON
from decisions.meetings.parsing import ParsedMeeting
from decisions.meetings.parsing.actions import EVERYONE
from decisions.models import MeetingSeries, Person
from decisions.people.names import (
    AMBIGUOUS,
    PeopleIndex,
    display_name,
    name_key,
    name_tokens,
    people_in_label,
)

# Resolving -----------------------------------------------------------------------------------------


class Resolver:
    """Names in one meeting's notes -> people, creating the unknown ones when asked to."""

    def __init__(
        self,
        parsed: ParsedMeeting,
        index: PeopleIndex,
        create: bool,
        series: MeetingSeries | None,
        *,
        names: dict[str, dict[str, str]] | None = None,
        write: bool = True,
    ) -> None:
        self.parsed = parsed
        self.index = index
        self.create = create
        self.series = series
        # Who a person said a name is in the preview (decisions.meetings.corrections), by name key.
        self.names = {name_key(label): choice for label, choice in (names or {}).items()}
        self.write = write  # False for the preview: new people are made, not saved
        self.listed = frozenset(name_key(a) for a in parsed.attendees)
        labels = [*parsed.speakers, *(i.owner for i in parsed.action_items if i.owner)]
        self.used = {name_key(n) for label in labels for n in people_in_label(label, self.listed)}
        self.resolved: dict[str, Person | None] = {}
        self.new: list[Person] = []
        self.grown: dict[int, Person] = {}

    def resolve_all(self, labels: Iterable[str | None]) -> None:
        for label in labels:
            if label and label not in self.resolved:
                self.resolved[label] = (
                    self._chosen(label) if name_key(label) in self.names else self._resolve(label)
                )
        if not self.write:
            return
        if self.new:
            Person.objects.bulk_create(self.new)
            for person in self.new:
                self.index.add(person)
            self.new = []
        if self.grown:
            Person.objects.bulk_update(list(self.grown.values()), ["aliases"])
            self.grown = {}

    def person(self, label: str | None) -> Person | None:
        return self.resolved.get(label) if label else None

    def present(self) -> list[Person]:
        """The meeting's attendees: everyone listed or speaking, each once, in order."""
        people = [self.person(n) for n in [*self.parsed.attendees, *self.parsed.speakers]]
        return list({id(p): p for p in people if p is not None}.values())

    def _chosen(self, label: str) -> Person | None:
        """The person a correction says this name is: existing, new, or none (not a person)."""
        choice = self.names[name_key(label)]
        if choice["as"] == AS_PERSON:
            pk = self.index.by_slug.get(choice["slug"])
            return self.index.people[pk] if pk is not None else self._resolve(label)  # since deleted
        if choice["as"] != AS_NEW:
            return None
        display = choice["name"].strip()[:200]
        same = self.index.by_key.get(name_key(display), set())
        if len(same) == 1:
            return self.index.people[next(iter(same))]
        pending = next((p for p in self.new if name_key(p.name) == name_key(display)), None)
        if pending is not None or not self.create:
            return pending
        person = self.index.create(display, [a for a in [label] if len(name_tokens(a)) >= 2])
        self.new.append(person)
        return person

    def _declared(self, name: str) -> list[str]:
        """Handles the attendee list gives (`Nick Fitzgerald (nf)`) that the notes then use."""
        return [a for a in self.parsed.attendee_aliases.get(name, []) if name_key(a) in self.used]

    def _resolve(self, label: str) -> Person | None:
        if label.strip().lower() in EVERYONE:
            return None  # "all: review the PR" is everyone's task: nobody to make a person of
        first = people_in_label(label, self.listed)[0]
        canonical = self.parsed.aliases.get(first, first)
        person = self.index.lookup(canonical, self.series)
        if person is None and canonical != first:
            person = self.index.lookup(first, self.series)
        if person is AMBIGUOUS:
            return None
        if person is not None:
            self._learn(person, [first, *self._declared(canonical)])
            return person
        last_first = name_key(canonical) in self.listed and "," in canonical
        display = display_name(canonical, last_first=last_first)
        pending = next((p for p in self.new if name_key(p.name) == name_key(display)), None)
        if pending is not None or not self.create:
            return pending
        person = self.index.create(
            canonical, [canonical, first, *self._declared(canonical)], last_first=last_first
        )
        self.new.append(person)
        return person

    def _learn(self, person: Person, written: list[str]) -> None:
        """Remember handles and spellings the notes tie to a person, never bare first names."""
        if person.pk is None:
            return
        tokens = name_tokens(person.name)
        first = name_key(tokens[0]) if tokens else ""
        known = {name_key(a) for a in [person.name, *(person.aliases or [])]}
        for alias in written:
            key = name_key(alias)
            handle = re.fullmatch(r"[a-z][a-z0-9_\-]{2,38}", alias.lstrip("@")) is not None
            spelling = len(name_tokens(alias)) >= 2
            if (handle or spelling) and key not in known and key != first and not self.index.by_key.get(key):
                person.aliases = [*(person.aliases or []), alias.lstrip("@")]
                known.add(key)
                self.index.by_key.setdefault(key, set()).add(person.pk)
                self.grown[person.pk] = person


def people_for(
    parsed: ParsedMeeting, *, series: MeetingSeries | None, names: dict[str, dict[str, str]] | None = None
) -> tuple[dict[str, Person | None], list[Person]]:
    """Who each name in the notes is and who attended, decided as save_meeting decides, writing
    nothing: the preview shows this. A person to be created has no pk yet."""
    resolver = Resolver(parsed, PeopleIndex(), True, series, names=names, write=False)
    labels = [*parsed.attendees, *parsed.speakers, *(r.speaker for t in parsed.topics for r in t.remarks)]
    resolver.resolve_all([*labels, *(i.owner for i in parsed.action_items if i.owner)])
    return resolver.resolved, resolver.present()
