"""CSV answers: a spreadsheet-safe cell, and a download with a header row, streamed.

Streamed in chunks of rows, so a 10,000-row export starts at once and never sits whole in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.http import StreamingHttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """The value as text, with a leading ' when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


CHUNK_ROWS = 500


class _Lines:
    """csv.writer's file: hands back what it was given to write."""

    def write(self, text: str) -> str:
        return text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> StreamingHttpResponse:
    """A CSV download, its rows read as the body is sent."""

    def chunks() -> Iterator[str]:
        writer = csv.writer(_Lines())
        yield writer.writerow(header)
        rest = iter(rows)
        while batch := list(islice(rest, CHUNK_ROWS)):
            yield "".join(writer.writerow([csv_cell(value) for value in row]) for row in batch)

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def iso(value: Any) -> str:
    return value.isoformat() if value else ""
