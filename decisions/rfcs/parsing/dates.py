"""Dates as RFC headers write them ("26-Jun-2017", "June 2017", "2017/06/26") -> datetime.date, with a note."""

from __future__ import annotations

import datetime
import re
from typing import Any

from decisions.rfcs.parsing.common import (
    PLACEHOLDERS,
    ParsedRFC,
)

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
    if text.lower() in PLACEHOLDERS or text.startswith(("(", "<")) or "yyyy" in text.lower():
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
    number = MONTHS.get(month.lower()) if not month.isdigit() else int(month)
    if number is None:
        return None, f"'{raw.strip()}' is not a date (unknown month '{month}')"
    y = int(year)
    if len(year) == 2:
        y += 2000 if y < 70 else 1900
    try:
        return datetime.date(y, number, int(day)), None
    except ValueError:
        return None, f"'{raw.strip()}' is not a real date"


def _set_date(parsed: ParsedRFC, raw: Any, line: int | None, label: str) -> None:
    text = "" if raw is None else str(raw).strip()
    parsed.raw_created = text
    if not text:
        return
    parsed.created_on, note = parse_date(text)
    if note:
        where = f"line {line}: " if line else ""
        kept = "" if parsed.created_on else "; kept as written"
        parsed.warnings.append(f"{where}{label} {note}{kept}")
