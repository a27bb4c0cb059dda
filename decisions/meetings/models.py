"""Meetings in their series: topics, remarks, links and action items."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from decisions.concurrency import VersionedMixin
from decisions.markdown.fields import MarkdownFieldsMixin
from decisions.people.models import Area, Person
from decisions.rfcs.models import RFC


class MeetingSeries(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    areas = models.ManyToManyField(Area, related_name="meeting_series", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(models.QuerySet):
    def for_list(self) -> MeetingQuerySet:
        return self.select_related("series").defer("source_text", "source_html", "agenda")


class Meeting(VersionedMixin, MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {"agenda": "agenda_html", "source_text": "source_html"}
    MARKDOWN_LINK_MENTIONS = True

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=300)
    # A series meets once a day; a second meeting that day (a morning and an evening session) is
    # a person's explicit choice, never the accident of a different title.
    session = models.CharField(
        max_length=100,
        blank=True,
        help_text="Only when the series met more than once that day, e.g. “evening”; empty otherwise.",
    )
    agenda = models.TextField(blank=True, help_text="Markdown.")
    agenda_html = models.TextField(blank=True, editable=False)
    attendees = models.ManyToManyField(Person, related_name="meetings_attended", blank=True)
    source_text = models.TextField(blank=True, help_text="The notes exactly as they were submitted.")
    source_html = models.TextField(blank=True, editable=False)
    source_path = models.CharField(max_length=500, blank=True)
    imported_digest = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the notes the last import read: other notes here were edited on the site.",
    )
    rfcs = models.ManyToManyField(RFC, related_name="meetings", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_submitted",
    )
    # Notes a contributor submitted are shown as waiting until an editor accepts them.
    awaiting_review = models.BooleanField(
        default=False, help_text="Submitted by a contributor; an editor has not accepted the notes yet."
    )
    # What a person corrected in the preview (decisions.meetings.corrections), applied again to
    # every later parse of these notes: an edit or a re-import keeps it.
    corrections = models.JSONField(default=dict, blank=True, editable=False)
    # Made ahead of its date to hold an agenda only (decisions.meetings.planning); the notes,
    # when they come, are saved over it as over any meeting of that series and day.
    planned = models.BooleanField(
        default=False, help_text="Planned ahead of its date: an agenda, no notes yet."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "series__name"]
        permissions = [("submit_meeting", "Can submit meeting notes for an editor to accept (contributor)")]
        constraints = [
            models.UniqueConstraint(fields=["series", "date", "session"], name="meeting_one_per_series_day")
        ]
        indexes = [models.Index(fields=["-date"], name="meeting_date")]

    def __str__(self) -> str:
        session = f" ({self.session})" if self.session else ""
        return f"{self.series.name}, {self.date:%Y-%m-%d}{session}"

    def notes_edited_on_site(self) -> bool:
        """Whether the stored notes are not what an import last read (edited or pasted here)."""
        return self.imported_digest != notes_digest(self.source_text)

    def get_absolute_url(self) -> str:
        return reverse("decisions:meeting-detail", args=[self.pk])


def notes_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


class Topic(MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {"body": "body_html"}
    MARKDOWN_LINK_MENTIONS = True

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    anchor = models.SlugField(max_length=120, blank=True, help_text="Fragment id on the meeting page.")
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    # The notes written under no subject ("Notes", a closing list): kept and shown in their
    # place, but not a subject the meeting took up, so no count or list of topics includes it.
    loose = models.BooleanField(default=False)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="topic_unique_order")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.anchor:
            # The order keeps anchors unique within a meeting even when two topics share a title.
            self.anchor = f"t{self.order}-{slugify(self.title)}"[:120].rstrip("-")
        super().save(*args, **kwargs)

    @property
    def html_id(self) -> str:
        return self.anchor or f"t{self.order}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.html_id}"


class Remark(MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {"text": "text_html"}
    MARKDOWN_LINK_MENTIONS = True

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="remarks")
    order = models.PositiveIntegerField(default=0)
    speaker = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="remarks"
    )
    speaker_name = models.CharField(max_length=200, blank=True, help_text="As written in the notes.")
    text = models.TextField()
    text_html = models.TextField(blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["topic", "order"]

    def __str__(self) -> str:
        return f"{self.speaker_name or 'note'}: {self.text[:60]}"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ActionItemQuerySet(models.QuerySet):
    def open(self) -> ActionItemQuerySet:
        return self.filter(status=ActionItemStatus.OPEN)


class ActionItem(models.Model):
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text="As written in the notes.")
    text = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="action_items"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    decision = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="action_status_due")]

    def __str__(self) -> str:
        return f"{self.owner_name or self.owner or 'unassigned'}: {self.text[:60]}"


class MeetingLink(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="links")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="links")
    url = models.URLField(max_length=1000)
    text = models.CharField(max_length=500, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "order"]

    def __str__(self) -> str:
        return self.text or self.url
