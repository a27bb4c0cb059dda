"""People (with the names notes write them by) and the areas records belong to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify


def unique_slug(model: type[models.Model], text: str, field: str = "slug", max_length: int = 80) -> str:
    """A slug from text, suffixed -2, -3 ... when taken."""
    base = slugify(text)[:max_length].strip("-") or "item"
    slug, n = base, 2
    while model._default_manager.filter(**{field: slug}).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug


# People and areas ------------------------------------------------------------------------


class NoticeChoice(models.TextChoices):
    """How a person hears of sign-off events by e-mail (decisions.signoff.notices)."""

    IMMEDIATE = "immediate", "Each event in its own message"
    DIGEST = "digest", "One daily digest"
    NONE = "none", "No e-mail"


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text='Names and handles as written in notes, e.g. ["Till", "tschneidereit"].',
    )
    affiliation = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True, help_text="Home page or profile.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    # On the person, not the account: the outbox has a row per person, and person_for() links them.
    notices = models.CharField(
        max_length=10,
        choices=NoticeChoice.choices,
        default=NoticeChoice.IMMEDIATE,
        help_text="Sign-off e-mail, sent to the linked account's address.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("decisions:person-detail", args=[self.slug])

    def clean(self) -> None:
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": 'Give aliases as a JSON list of names, e.g. ["Till"].'})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(Person, self.name)
        super().save(*args, **kwargs)

    @property
    def names(self) -> list[str]:
        """Every name this person is written as: full name, aliases, slug."""
        return [self.name, *self.aliases, self.slug]


class Area(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
