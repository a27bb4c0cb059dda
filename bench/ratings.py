"""Independent ratings for `make bench`: decision pages whose ratings page has sheets to compare.

Seeded after each step of bench.seed (which stays as it was): every EVERY-th decision without a
round gets one, revealed, with RATERS sheets rating every cell of its matrix, so the page shows
the consensus, the spread and the discussion points at full size.
"""

from __future__ import annotations

from django.utils import timezone

from decisions.models import Assessment, Decision, Person, RatingRound, RatingSheet, SheetRating

EVERY = 50
RATERS = 5


def seed_ratings() -> int:
    """Add rounds to decisions that have none yet; returns how many rounds there are."""
    people = list(Person.objects.order_by("pk")[:RATERS])
    now = timezone.now()
    for decision in Decision.objects.filter(rating_round__isnull=True).order_by("pk")[::EVERY]:
        round_ = RatingRound.objects.create(decision=decision, revealed_at=now)
        sheets = RatingSheet.objects.bulk_create(
            RatingSheet(round=round_, person=person, submitted_at=now) for person in people
        )
        cells = Assessment.objects.filter(option__decision=decision).values_list("option_id", "criterion_id")
        SheetRating.objects.bulk_create(
            SheetRating(
                sheet=sheet,
                option_id=option,
                criterion_id=criterion,
                rating=(option + criterion * (index + 1)) % 5 - 2,
                submitted_rating=(option + criterion * (index + 1)) % 5 - 2,
            )
            for index, sheet in enumerate(sheets)
            for option, criterion in cells
        )
    return RatingRound.objects.count()
