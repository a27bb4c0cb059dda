"""Small builders for test data, with named personas: an author, a shepherd, an outsider."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from decisions.models import (
    RFC,
    Area,
    Assessment,
    Criterion,
    Decision,
    DecisionOwner,
    Meeting,
    MeetingSeries,
    Option,
    Person,
    RFCStatus,
)

_numbers = itertools.count(1000)

RFC_BODY = """# Summary

Move the shared WASI implementations into one place.

# Motivation

Every embedder writes the same glue today.

# Proposal

## The new crate

```rust
pub fn add_to_linker(linker: &mut Linker<State>) -> Result<()> { Ok(()) }
```

| Option | Cost |
| --- | --- |
| in-tree | low |

This needs review.[^vet]

# Rationale and alternatives

An RPC service was considered.

# Open questions

- [ ] Who maintains it?

[^vet]: `cargo vet` covers one workspace.
"""


# The notes of a Wasmtime project call that the meeting tests save (edit, permissions, rendering
# before the write): two attendees, one topic with a remark from each, one action item.
WASMTIME_NOTES = """# Wasmtime project call

## Attendees

- Till S
- Nick F

## Notes

### Shared WASI implementations

- **Till S**: several hosts need the same wasi-http glue.
- **Nick F**: keep it in tree behind a feature flag.

## Action items

- [ ] Till S: write the RFC
"""


def make_person(name: str = "Ada Author", **fields: Any) -> Person:
    return Person.objects.create(name=name, **fields)


def make_area(name: str = "wasi") -> Area:
    area, _ = Area.objects.get_or_create(slug=name, defaults={"name": name})
    return area


def make_rfc(
    title: str = "Shared WASI implementations",
    *,
    number: int | None = None,
    status: str = RFCStatus.DRAFT,
    body: str = RFC_BODY,
    authors: list[Person] | None = None,
    areas: list[Area] | None = None,
    **fields: Any,
) -> RFC:
    rfc = RFC(
        number=number if number is not None else next(_numbers),
        title=title,
        status=status,
        body=body,
        created_on=fields.pop("created_on", datetime.date(2023, 3, 30)),
        **fields,
    )
    rfc.record_change(message="Created")
    if authors:
        rfc.authors.set(authors)
    if areas:
        rfc.areas.set(areas)
    return rfc


def make_meeting(date: datetime.date | None = None, **fields: Any) -> Meeting:
    """A meeting of the Wasmtime call (or `series`): on `date`, or else on 2023-03-30 or, as a
    series meets once a day, the first day after it this series has no meeting yet."""
    if "series" not in fields:
        fields["series"], _ = MeetingSeries.objects.get_or_create(
            slug="wasmtime-project-call", defaults={"name": "Wasmtime project call"}
        )
    if date is None:
        taken = set(Meeting.objects.filter(series=fields["series"]).values_list("date", flat=True))
        date = datetime.date(2023, 3, 30)
        while date in taken:
            date += datetime.timedelta(days=1)
    return Meeting.objects.create(
        date=date, title=fields.pop("title", f"Wasmtime project call {date}"), **fields
    )


def make_decision(
    title: str = "Where do shared WASI API implementations live?",
    *,
    number: int | None = None,
    owner: Person | None = None,
    options: int = 0,
    criteria: int = 0,
    **fields: Any,
) -> Decision:
    decision = Decision.objects.create(number=number or next(_numbers), title=title, **fields)
    if owner:
        DecisionOwner.objects.create(decision=decision, person=owner)
    option_rows = [
        Option.objects.create(decision=decision, name=f"Option {i}", order=i) for i in range(options)
    ]
    criterion_rows = [
        Criterion.objects.create(decision=decision, name=f"Criterion {i}", weight=1 + i % 5, order=i)
        for i in range(criteria)
    ]
    Assessment.objects.bulk_create(
        Assessment(option=option, criterion=criterion, rating=(i + j) % 5 - 2, note=f"note {i}/{j}")
        for i, option in enumerate(option_rows)
        for j, criterion in enumerate(criterion_rows)
    )
    return decision
