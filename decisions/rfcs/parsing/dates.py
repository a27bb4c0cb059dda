"""An RFC header's date field -> ParsedRFC.created_on, with a warning when it was read loosely.

The reading itself is decisions.formats.dates.parse_date, the one reader of date fields.
"""

from __future__ import annotations

from typing import Any

from decisions.formats.dates import parse_date
from decisions.rfcs.parsing.common import ParsedRFC


def _set_date(parsed: ParsedRFC, raw: Any, line: int | None, label: str) -> None:
    """Set created_on (and raw_created) from a header's date, noting a loose or failed reading."""
    text = "" if raw is None else str(raw).strip()
    parsed.raw_created = text
    if not text:
        return
    parsed.created_on, note = parse_date(text)
    if note:
        where = f"line {line}: " if line else ""
        kept = "" if parsed.created_on else "; kept as written"
        parsed.warnings.append(f"{where}{label} {note}{kept}")
