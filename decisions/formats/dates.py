"""Dates as people write them: one month table, one finder for dates in text, one reader for date fields.

Meeting notes put a date anywhere in a title or a `Date:` line, often without the year (the
folder gives it): `first_date` finds it. RFC headers hold one date per field, written in many
ways: `parse_date` reads the whole field and says when it had to guess.
"""

from __future__ import annotations

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip


def month_number(name: str) -> int | None:
    """`Jan`, `january`, `Sept` -> 1, 1, 9; None for anything that is not a month's name."""
    return MONTHS.get(name.lower())


# Dates inside text (meeting titles, `Date:` lines, due dates of action items) -------------------

MONTH_NAME = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
# In order of preference: where two forms match, the first in this list wins at the same place.
TEXT_DATES = [
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"\b{MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?", re.I),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}\b(?:,?\s+(?P<year>\d{{4}})\b)?",
        re.I,
    ),
    re.compile(rf"\b(?P<year>\d{{4}})\s+{MONTH_NAME}\s+(?P<day>\d{{1,2}})\b", re.I),
    re.compile(r"(?<!\d)(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})(?!\d)"),
]


def first_date(text: str, year: int | None = None) -> tuple[datetime.date | None, bool, int]:
    """The first real date in text, whether the text gave its year, and where it starts.

    `2024-01-10`, `January 10, 2024`, `10th of Jan`, `2024 Jan 10` and `1/10/2024` (month first)
    are read; a date written without its year takes `year`, and is skipped when `year` is None.
    Nothing found is (None, False, len(text) + 1).
    """
    best: tuple[datetime.date | None, bool, int] = (None, False, len(text) + 1)
    for regex in TEXT_DATES:
        for match in regex.finditer(text):
            if match.start() >= best[2]:
                break
            groups = match.groupdict()
            month = month_number(groups["mon"]) if groups.get("mon") else int(groups["month"])
            found_year = int(groups["year"]) if groups.get("year") else year
            if found_year is None or month is None:
                continue
            try:
                best = (
                    datetime.date(found_year, month, int(groups["day"])),
                    bool(groups.get("year")),
                    match.start(),
                )
            except ValueError:
                continue
            break
    return best


# One date field (RFC headers: `Start Date`, `Created`, `creation-date`) --------------------------

NO_DATE = {"", "-", "--", "n/a", "na", "none", "null", "nil", "tbd", "todo", "unknown", "?"}
_ISO_DATE = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?")
_DAY_MONTH_YEAR = re.compile(
    r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[-/ .]+(?P<m>[A-Za-z]{3,9})\.?[-/ .,]+(?P<y>\d{4}|\d{2})"
)
_MONTH_DAY_YEAR = re.compile(r"(?P<m>[A-Za-z]{3,9})\.?[ ]+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[ ]+(?P<y>\d{4})")
_MONTH_YEAR = re.compile(r"(?P<m>[A-Za-z]{3,9})\.?,?[ ]+(?P<y>\d{4})")
_YEAR_MONTH = re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})")
_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})")


def parse_date(raw: str) -> tuple[datetime.date | None, str | None]:
    """A date as people write it, and a note when it was read loosely or could not be read.

    "2017-06-26", "2017/06/26", "26-Jun-2017", "26 June 2017", "June 26, 2017" are read as
    they are; "June 2017" or "2017-06" as the first of the month (noted); an impossible date
    such as 2019-02-30 gives None (noted), so the caller keeps the raw text.
    """
    text = raw.strip().strip("`'\"[]()").strip()
    if text.lower() in NO_DATE or text.startswith(("(", "<")) or "yyyy" in text.lower():
        return None, f"'{raw.strip()}' is not a date"
    for pattern in (_ISO_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.fullmatch(text)
        if match:
            return _make_date(raw, match["y"], match["m"], match["d"])
    match = _NUMERIC_DATE.fullmatch(text)
    if match:
        a, b = int(match["a"]), int(match["b"])
        if a > 12 or b > 12:
            day, month = (a, b) if a > 12 else (b, a)
            return _make_date(raw, match["y"], str(month), str(day))
        found, note = _make_date(raw, match["y"], str(b), str(a))
        return found, note or f"'{text}' could be day/month or month/day; read as day/month"
    for pattern in (_MONTH_YEAR, _YEAR_MONTH):
        match = pattern.fullmatch(text)
        if match:
            found, note = _make_date(raw, match["y"], match["m"], "1")
            return found, note or f"'{text}' has no day; read as the first of the month"
    # A date inside other words: "2014-03-11 (revised 2015)".
    for pattern in (_ISO_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            found, note = _make_date(raw, match["y"], match["m"], match["d"])
            return found, note or f"'{raw.strip()}' read as {found.isoformat() if found else ''}"
    return None, f"'{raw.strip()}' is not a date"


def _make_date(raw: str, year: str, month: str, day: str) -> tuple[datetime.date | None, str | None]:
    number = month_number(month) if not month.isdigit() else int(month)
    if number is None:
        return None, f"'{raw.strip()}' is not a date (unknown month '{month}')"
    y = int(year)
    if len(year) == 2:
        y += 2000 if y < 70 else 1900
    try:
        return datetime.date(y, number, int(day)), None
    except ValueError:
        return None, f"'{raw.strip()}' is not a real date"
