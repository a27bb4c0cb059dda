"""Decision records: owners, options, criteria and ratings, links, status history, revisions."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from decisions.concurrency import VersionedMixin
from decisions.markdown import Rendered
from decisions.markdown.fields import MarkdownFieldsMixin
from decisions.markdown.short import render_summary
from decisions.meetings.models import Meeting, Topic
from decisions.people.models import Area, Person
from decisions.precedents.models import Precedent
from decisions.rfcs.models import RFC

RATING_MIN, RATING_MAX = -2, 2
WEIGHT_MIN, WEIGHT_MAX = 0, 10


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    SUPERSEDED = "superseded", "Superseded"
    # MADR's status for a decision that no longer applies and that nothing replaced.
    DEPRECATED = "deprecated", "Deprecated"


class OwnerRole(models.TextChoices):
    OWNER = "owner", "Owner"
    DRIVER = "driver", "Driver"
    APPROVER = "approver", "Approver"
    CONTRIBUTOR = "contributor", "Contributor"
    # MADR's "informed": kept up to date, one-way (RACI).
    INFORMED = "informed", "Informed"


class DecisionQuerySet(models.QuerySet):
    def open(self) -> DecisionQuerySet:
        return self.filter(status__in=[DecisionStatus.OPEN, DecisionStatus.PROPOSED])


class Decision(VersionedMixin, MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {
        "context": "context_html",
        "rationale": "rationale_html",
        "consequences": "consequences_html",
        "confirmation": "confirmation_html",
        "more_information": "more_information_html",
    }

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=300, help_text="The question, e.g. “Where do … live?”")
    slug = models.SlugField(max_length=100)
    status = models.CharField(max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    context = models.TextField(blank=True, help_text="Context and problem statement (Markdown).")
    context_html = models.TextField(blank=True, editable=False)
    decided_on = models.DateField(null=True, blank=True)
    chosen_option = models.ForeignKey(
        "Option", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rationale = models.TextField(blank=True, help_text="Why the chosen option (Markdown).")
    rationale_html = models.TextField(blank=True, editable=False)
    consequences = models.TextField(blank=True, help_text="Markdown.")
    consequences_html = models.TextField(blank=True, editable=False)
    confirmation = models.TextField(
        blank=True, help_text="How the decision's implementation will be checked (Markdown)."
    )
    confirmation_html = models.TextField(blank=True, editable=False)
    more_information = models.TextField(
        blank=True, help_text="Evidence, follow-ups, when to revisit, links (Markdown)."
    )
    more_information_html = models.TextField(blank=True, editable=False)
    owners = models.ManyToManyField(Person, through="DecisionOwner", related_name="decisions")
    areas = models.ManyToManyField(Area, related_name="decisions", blank=True)
    related_rfcs = models.ManyToManyField(RFC, related_name="decisions", blank=True)
    meetings = models.ManyToManyField(Meeting, through="DecisionMeeting", related_name="decisions")
    precedents = models.ManyToManyField(Precedent, through="DecisionPrecedent", related_name="decisions")
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    revisit_by = models.DateField(
        null=True, blank=True, help_text="When an accepted decision should be looked at again."
    )
    # The outcome (chosen option, status, decided on) has its own version, so choosing it never
    # refuses an edit of the record's text, nor the other way round.
    outcome_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        indexes = [models.Index(fields=["status", "-number"], name="decision_status_number")]
        permissions = [
            ("propose_decision", "Can propose decision records for owners to accept (contributor)")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def code(self) -> str:
        return f"DR-{self.number:04d}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:decision-detail", args=[self.number])

    def clean(self) -> None:
        super().clean()
        if self.chosen_option_id and self.pk and self.chosen_option.decision_id != self.pk:
            raise ValidationError(
                {"chosen_option": "The chosen option must be one of this decision's options."}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = slugify(self.title)[:100]
        super().save(*args, **kwargs)

    def claim_outcome(self, version: int) -> bool:
        """Like claim_version(), for the outcome alone; False when someone chose it in between."""
        changes = {"outcome_version": models.F("outcome_version") + 1, "updated_at": timezone.now()}
        updated = Decision.objects.filter(pk=self.pk, outcome_version=version).update(**changes)
        if updated:
            self.outcome_version = version + 1
        return bool(updated)

    def record_status(
        self, previous: str, *, user: Any = None, note: str = "", on: datetime.date | None = None
    ) -> None:
        """Add the status change to the timeline when the status moved, dated `on` (default today)."""
        if previous != self.status:
            DecisionStatusChange.objects.create(
                decision=self,
                from_status=previous,
                to_status=self.status,
                changed_on=on or timezone.localdate(),
                changed_by=user if getattr(user, "is_authenticated", False) else None,
                note=note,
            )


class DecisionOwner(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="ownerships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ownerships")
    role = models.CharField(max_length=20, choices=OwnerRole.choices, default=OwnerRole.OWNER)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["decision", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "person", "role"], name="decision_owner_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class DecisionMeeting(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="discussions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decision_discussions")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="decision_discussions"
    )

    class Meta:
        ordering = ["decision", "meeting__date"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "meeting", "topic"], name="decision_meeting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} at {self.meeting}"


class DecisionPrecedent(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="citations")
    precedent = models.ForeignKey(Precedent, on_delete=models.CASCADE, related_name="citations")
    note = models.TextField(blank=True, help_text="How the precedent applies to this decision.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["decision", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "precedent"], name="decision_precedent_unique")
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} cites {self.precedent}"


class ReferenceKind(models.TextChoices):
    RFC = "rfc", "RFC"
    MEETING = "meeting", "Meeting"
    DECISION = "decision", "Decision"


class PendingReference(models.Model):
    """A reference from a decision to an RFC, meeting or decision this site does not have yet.

    Kept as written so nothing in an imported record is lost; when the target arrives (an RFC
    with that number, a meeting of that series and date) the reference becomes a real link.
    Keys: "12" for RFC 12 or DR-0012, "2023-03-30/wasmtime-project-call" for a meeting.
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="pending_references")
    kind = models.CharField(max_length=10, choices=ReferenceKind.choices)
    key = models.CharField(max_length=200)
    label = models.CharField(max_length=300, blank=True, help_text="The reference as the record wrote it.")
    topic = models.CharField(max_length=300, blank=True, help_text="For meetings: the topic, as written.")

    class Meta:
        ordering = ["decision", "kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "kind", "key"], name="pending_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} -> {self.kind} {self.key} (unresolved)"


class DecisionStatusChange(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=DecisionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    changed_on = models.DateField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["decision", "changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.decision.code}: {self.from_status or 'new'} -> {self.to_status}"


class Option(VersionedMixin, MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {"summary": "summary_html"}

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    why_not = models.TextField(
        blank=True, help_text="Why it was not chosen, when another option was (shown under Alternatives)."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["decision", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["decision", "name"], name="option_unique_name")]

    def __str__(self) -> str:
        return self.name

    def render_field(self, name: str) -> Rendered:
        # A summary is short text: `Box<dyn Trait>` is shown as typed, not parsed as a tag.
        return Rendered(html=render_summary(self.summary))


class Criterion(VersionedMixin, models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(WEIGHT_MIN), MaxValueValidator(WEIGHT_MAX)]
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["decision", "order", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["decision", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=Q(weight__gte=WEIGHT_MIN, weight__lte=WEIGHT_MAX), name="criterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (×{self.weight})"


class Rating(models.IntegerChoices):
    STRONG_AGAINST = -2, "Strongly against"
    AGAINST = -1, "Against"
    NEUTRAL = 0, "Neutral"
    FOR = 1, "For"
    STRONG_FOR = 2, "Strongly for"


class Assessment(VersionedMixin, models.Model):
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="assessments")
    rating = models.SmallIntegerField(
        choices=Rating.choices,
        default=Rating.NEUTRAL,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["option", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["option", "criterion"], name="assessment_one_per_cell"),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="assessment_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option} / {self.criterion.name}: {self.rating:+d}"

    def clean(self) -> None:
        if self.option_id and self.criterion_id and self.option.decision_id != self.criterion.decision_id:
            raise ValidationError("The option and the criterion must belong to the same decision.")


class DecisionRevision(models.Model):
    """One save of a decision record: who, when, what it said, and the whole record after it.

    `state` is the record (fields, outcome, owners, links, options, criteria, ratings and notes)
    as decisions.records.history reads it; the history page diffs consecutive states. `undo`
    holds what a removal took away (an option or criterion with its ratings) so it can be put back.
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    message = models.CharField(max_length=300, blank=True)
    state = models.JSONField()
    undo = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["decision", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="decision_revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} revision {self.number}"


class StoredMarkdown(models.Model):
    """A record's Markdown file as the export wrote it, and a fingerprint of what it was written from.

    Derived data (decisions.records.export.stored): served only while the fingerprint of the
    record as it is now still matches, so it may lag behind any write and is never read stale.
    """

    decision = models.OneToOneField(
        Decision, primary_key=True, on_delete=models.CASCADE, related_name="stored_markdown"
    )
    source = models.CharField(max_length=32)
    text = models.TextField()
    # The text as UTF-8, raw deflate at zlib's default level: the zip's entry (export.archive).
    deflated = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.source}"
