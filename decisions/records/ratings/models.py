"""Independent ratings: a decision's round, one private sheet per rater, one row per rated cell.

A sheet's values are hidden from everyone but its rater until the rater submits it (then other
raters who submitted see it) or an owner reveals the round (then everyone does); who decides
what a viewer sees is decisions.records.ratings.compare.visible_sheets().
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from decisions.people.models import Person
from decisions.records.models import RATING_MAX, RATING_MIN, Criterion, Decision, Option, Rating


class RatingRound(models.Model):
    """A decision's independent ratings; made by the first invitation or the first rating."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="rating_round")
    created_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Independent ratings of {self.decision.code}"

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


class RatingSheet(models.Model):
    """One person's own ratings of the matrix."""

    round = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="sheets")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rating_sheets")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The last change after submitting (allowed once the round is revealed).
    revised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="rating_sheet_one_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person}'s ratings of {self.round.decision.code}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class SheetRating(models.Model):
    """One cell of a sheet. `version` refuses a stale save (two tabs of one person); the rating
    as submitted stays in `submitted_rating` when the rater revises it after the reveal."""

    sheet = models.ForeignKey(RatingSheet, on_delete=models.CASCADE, related_name="ratings")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    rating = models.SmallIntegerField(
        choices=Rating.choices, validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    submitted_rating = models.SmallIntegerField(null=True, blank=True, choices=Rating.choices)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sheet", "option", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "option", "criterion"], name="sheet_rating_one_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="sheet_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet.person}: {self.option} / {self.criterion.name}: {self.rating:+d}"
