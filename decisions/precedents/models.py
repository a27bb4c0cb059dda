"""Precedents: earlier decisions, here or elsewhere, that records cite."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse

from decisions.concurrency import VersionedMixin
from decisions.markdown.fields import MarkdownFieldsMixin
from decisions.people.models import unique_slug


class PrecedentKind(models.TextChoices):
    PROPOSAL = "proposal", "Proposal"
    BLOG_POST = "blog-post", "Blog post"
    ISSUE = "issue", "Issue"
    RFC = "rfc", "RFC"
    PAPER = "paper", "Paper"


class Precedent(VersionedMixin, MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {"summary": "summary_html", "lessons": "lessons_html"}

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    url = models.URLField(max_length=1000, unique=True)
    organization = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=PrecedentKind.choices, default=PrecedentKind.PROPOSAL)
    date = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    lessons = models.TextField(blank=True, help_text="What it teaches us.")
    lessons_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:precedent-detail", args=[self.pk])

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(Precedent, self.title)
        super().save(*args, **kwargs)
