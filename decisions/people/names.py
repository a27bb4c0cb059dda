"""Matching the names written in notes and RFC headers to people: one matcher for every importer.

How names compare (`name_key`: case, accents, `@` and spacing do not matter), the keys one
written name can match (`Brown, Andrew` is also `Andrew Brown`), the people a speaker or owner
label names (`Karen/David` is two), and `PeopleIndex`, every person under each name they are
written as, which the meeting and RFC importers look names up in.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db.models import Count
from django.utils.text import slugify

from decisions.meetings.models import Meeting, MeetingSeries
from decisions.people.models import Person

AMBIGUOUS: Any = object()  # more than one person answers to this name: link nobody, create nobody


# Written names ----------------------------------------------------------------------------------


def split_names(label: str) -> list[str]:
    """`"Karen/David"`, `"David and Till"`, `"Emily, Dan"` -> one name each; a single name stays."""
    parts = [p.strip(" .") for p in re.split(r"\s*(?:/|&|\+|,|\band\b)\s*", label) if p.strip(" .")]
    return parts if len(parts) > 1 else [label.strip()]


@lru_cache(maxsize=32768)
def name_key(name: str) -> str:
    """How names compare: case, accents, `@` and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain.replace("’", "'")).strip().lstrip("@").casefold()


def name_variants(name: str) -> list[str]:
    """Keys a written name can match: itself, and `Brown, Andrew` read as `Andrew Brown`."""
    keys = [name_key(name)]
    match = re.fullmatch(r"\s*([^,]+?)\s*,\s*([^,]+?)\s*", name)
    if match and len(match[1].split()) == 1 and len(match[2].split()) == 1:
        keys.append(name_key(f"{match[2]} {match[1]}"))
    return keys


def people_in_label(label: str, attendee_keys: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The people a speaker or owner label names: `Karen/David` is two, `Brown, Andrew` one when
    the attendee list writes names that way, `Robin, Bailey` otherwise two."""
    if re.fullmatch(r"[^,\s]+,\s*[^,\s]+", label.strip()) and name_key(label) in attendee_keys:
        return [label.strip()]
    return split_names(label)


def name_tokens(name: str) -> list[str]:
    """The words of a name, first name first: `Brown, Andrew` -> ["Andrew", "Brown"]."""
    match = re.fullmatch(r"\s*([^,\s]+)\s*,\s*([^,\s]+)\s*", name)
    if match:
        return [match[2], match[1]]
    return [t for t in name.replace(",", " ").split() if t]


def display_name(name: str, *, last_first: bool = False) -> str:
    """How a new person is named: `Brown, Andrew` (where notes write names so) is `Andrew Brown`."""
    name = name.strip().lstrip("@")
    return " ".join(name_tokens(name)) if last_first and "," in name else name


# People -----------------------------------------------------------------------------------------


class PeopleIndex:
    """Every person under each name they are written as, loaded once and kept current.

    One index serves a whole import run, so matching 10,000 names costs one query, not 10,000.
    """

    def __init__(self) -> None:
        self.people: dict[int, Person] = {}
        self.by_key: dict[str, set[int]] = {}
        self.by_slug: dict[str, int] = {}
        self.by_first: dict[str, set[int]] = {}
        self.reserved: set[str] = set()
        self.series_counts: dict[int, Counter[int]] = {}
        for person in Person.objects.only("id", "name", "slug", "aliases"):
            self.add(person)

    def add(self, person: Person) -> None:
        self.people[person.pk] = person
        self.by_slug[person.slug] = person.pk
        for written in [person.name, *(person.aliases or [])]:
            for key in name_variants(written):
                self.by_key.setdefault(key, set()).add(person.pk)
        self.by_key.setdefault(name_key(person.slug), set()).add(person.pk)
        tokens = name_tokens(person.name)
        if len(tokens) >= 2:
            self.by_first.setdefault(name_key(tokens[0]), set()).add(person.pk)

    def lookup(self, name: str, series: MeetingSeries | None = None) -> Any:
        """The person a written name means: a Person, None, or AMBIGUOUS.

        In order: the exact name, an alias or the slug (any case or accents); a full name one or
        two typos away from exactly one person's ("Till Schneiderent"); a first name (or "Chris F")
        only one person has, or that one person in this series answers to far more than the others.
        """
        for key in name_variants(name):
            ids = self.by_key.get(key)
            if ids:
                return self.people[next(iter(ids))] if len(ids) == 1 else self._dominant(ids, series)
        slug = slugify(name)
        if slug in self.by_slug:
            return self.people[self.by_slug[slug]]
        tokens = name_tokens(name)
        if not tokens:
            return None
        ids = self.by_first.get(name_key(tokens[0]), set())
        if len(tokens) == 2 and re.fullmatch(r"\w\.?", tokens[1]):
            initial = tokens[1][0].casefold()
            ids = {i for i in ids if name_key(name_tokens(self.people[i].name)[-1]).startswith(initial)}
        elif len(tokens) >= 2:
            return self._near(name, tokens)
        if len(ids) == 1:
            return self.people[next(iter(ids))]
        return self._dominant(ids, series) if ids else None

    def _near(self, name: str, tokens: list[str]) -> Person | None:
        """A full name with a typo: same initials, at most two edits from one person's name."""
        key = name_key(" ".join(tokens))
        if len(key) < 9:
            return None
        close = set()
        for pk, person in self.people.items():
            other = name_key(" ".join(name_tokens(person.name)))
            theirs = name_tokens(person.name)
            if (
                len(theirs) < 2
                or other[:1] != key[:1]
                or name_key(theirs[-1])[:1] != name_key(tokens[-1])[:1]
            ):
                continue
            if abs(len(other) - len(key)) <= 2 and _edits(key, other) <= 2:
                close.add(pk)
        return self.people[close.pop()] if len(close) == 1 else None

    def _dominant(self, ids: set[int], series: MeetingSeries | None) -> Any:
        """Of several people with one first name, the one this series clearly means, if any."""
        if series is None or series.pk is None:
            return AMBIGUOUS
        counts = self.counts(series)
        ranked = sorted(((counts.get(i, 0), i) for i in ids), reverse=True)
        best, runner = ranked[0][0], ranked[1][0] if len(ranked) > 1 else 0
        if best >= 3 and best >= 3 * runner:
            return self.people[ranked[0][1]]
        return AMBIGUOUS

    def counts(self, series: MeetingSeries) -> Counter[int]:
        """How many meetings of the series each person attended, loaded once per series."""
        if series.pk not in self.series_counts:
            through = Meeting.attendees.through.objects.filter(meeting__series=series)
            self.series_counts[series.pk] = Counter(
                dict(through.values_list("person_id").annotate(n=Count("id")).values_list("person_id", "n"))
            )
        return self.series_counts[series.pk]

    def create(self, name: str, aliases: Iterable[str], *, last_first: bool = False) -> Person:
        """A new person (not yet saved) with a slug no one else has."""
        display = display_name(name, last_first=last_first)
        base = slugify(display)[:80].strip("-") or "person"
        slug, n = base, 2
        while slug in self.by_slug or slug in self.reserved:
            suffix = f"-{n}"
            slug, n = base[: 80 - len(suffix)] + suffix, n + 1
        self.reserved.add(slug)
        return Person(name=display[:200], slug=slug, aliases=list(dict.fromkeys(a for a in aliases if a)))


def _edits(a: str, b: str) -> int:
    """Levenshtein distance, for names of a few dozen characters."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def match_people(
    names: list[str], *, people: PeopleIndex | None = None, series: MeetingSeries | None = None
) -> dict[str, Person | None]:
    """Each written name -> its person: by slug, name or alias (any case), a first name only one
    person has, or a near-identical full name. Lists such as `Karen/David` match their first name."""
    index = people or PeopleIndex()
    found = {}
    for name in names:
        person = index.lookup(people_in_label(name)[0], series)
        found[name] = None if person is AMBIGUOUS else person
    return found
