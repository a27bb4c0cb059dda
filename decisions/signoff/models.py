"""Sign-off (issue 17): teams, the rule each series follows, motions, positions, concerns, the outbox.

A motion carries an RFC or a decision record to its decision: the teams asked record positions,
a concern blocks, and once the rule is met with no concern open a final comment period runs
(decisions.signoff.rules says when). Nothing here is ever deleted by the site: a withdrawn motion,
a changed position and a resolved concern all stay, so the history of an objection is never lost.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from decisions.concurrency import VersionedMixin
from decisions.markdown.fields import MarkdownFieldsMixin
from decisions.people.models import Person
from decisions.records.models import Decision
from decisions.rfcs.models import RFC, RFCSeries

DECISIONS_SCOPE = "decisions"


class Team(models.Model):
    """A named group of people asked to sign off: "Wasmtime core", "Cranelift", an organisation."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField(Person, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RuleKind(models.TextChoices):
    EVERY_TEAM = "every-team", "Every team signs off"
    MAJORITY = "majority", "A majority of each team, at most K outstanding"
    TEAMS = "teams", "At least N teams sign off"


class RuleFields(models.Model):
    """What a rule says; a motion keeps a copy, so changing the rule never moves a running motion."""

    kind = models.CharField(max_length=20, choices=RuleKind.choices, default=RuleKind.EVERY_TEAM)
    max_outstanding = models.PositiveSmallIntegerField(
        default=2, help_text="K: members who may still have no position (majority rule)."
    )
    min_teams = models.PositiveSmallIntegerField(default=2, help_text="N: teams that must sign off.")
    fcp_days = models.PositiveSmallIntegerField(default=10, help_text="Length of the final comment period.")
    auto_apply = models.BooleanField(
        default=True, help_text="At the end of the period, apply the disposition as a status change."
    )

    class Meta:
        abstract = True

    @property
    def fcp_length(self) -> datetime.timedelta:
        return datetime.timedelta(days=self.fcp_days)


SCOPE_CHOICES = [(value or "rfc", f"{label}s") for value, label in RFCSeries.choices] + [
    (DECISIONS_SCOPE, "Decision records")
]


class SignOffRule(RuleFields):
    """The rule of one RFC series, or of the decision records; the default teams a motion asks."""

    scope = models.CharField(max_length=20, choices=SCOPE_CHOICES, unique=True)
    teams = models.ManyToManyField(Team, related_name="rules", blank=True)

    class Meta:
        ordering = ["scope"]
        verbose_name = "sign-off rule"

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.get_kind_display()}"


def scope_of(record: RFC | Decision) -> str:
    return DECISIONS_SCOPE if isinstance(record, Decision) else (record.series or "rfc")


class Disposition(models.TextChoices):
    ACCEPT = "accept", "Accept (merge)"
    CLOSE = "close", "Close (reject)"
    POSTPONE = "postpone", "Postpone"


class MotionState(models.TextChoices):
    REVIEW = "review", "Waiting for sign-off"
    BLOCKED = "blocked", "Blocked by a concern"
    FCP = "fcp", "Final comment period"
    ENDED = "ended", "Final comment period ended"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @classmethod
    def open(cls) -> list[str]:
        return [cls.REVIEW, cls.BLOCKED, cls.FCP]


class Motion(VersionedMixin, MarkdownFieldsMixin, RuleFields):
    """A motion to decide an RFC or a decision record with a disposition; one open per record."""

    MARKDOWN_FIELDS = {"summary": "summary_html"}

    rfc = models.ForeignKey(RFC, null=True, blank=True, on_delete=models.CASCADE, related_name="motions")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="motions"
    )
    disposition = models.CharField(max_length=10, choices=Disposition.choices)
    teams = models.ManyToManyField(Team, related_name="motions")
    summary = models.TextField(blank=True, help_text="Why this disposition (Markdown).")
    summary_html = models.TextField(blank=True, editable=False)
    proposed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="motions_proposed"
    )
    proposed_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=MotionState.choices, default=MotionState.REVIEW)
    fcp_starts_at = models.DateTimeField(null=True, blank=True)
    fcp_ends_at = models.DateTimeField(null=True, blank=True)
    fcp_runs = models.PositiveSmallIntegerField(default=0, help_text="How often the period started.")
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_note = models.CharField(max_length=300, blank=True)
    applied = models.BooleanField(default=False, help_text="The disposition became the record's status.")

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rfc__isnull=True) ^ Q(decision__isnull=True), name="motion_on_one_record"
            ),
            models.UniqueConstraint(
                fields=["rfc"], condition=Q(state__in=MotionState.open()), name="motion_one_open_per_rfc"
            ),
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(state__in=MotionState.open()),
                name="motion_one_open_per_decision",
            ),
        ]
        indexes = [models.Index(fields=["state", "fcp_ends_at"], name="motion_state_fcp_end")]

    def __str__(self) -> str:
        return f"Motion {self.pk} to {self.disposition} {self.record_label}"

    @property
    def record(self) -> RFC | Decision:
        return self.rfc if self.rfc_id else self.decision  # type: ignore[return-value]

    @property
    def record_label(self) -> str:
        if self.rfc_id:
            return self.rfc.label
        return f"DR-{self.decision.number:04d}" if self.decision_id else "?"

    @property
    def is_open(self) -> bool:
        return self.state in MotionState.open()

    def get_absolute_url(self) -> str:
        return reverse("decisions:motion-detail", args=[self.pk])


class PositionKind(models.TextChoices):
    APPROVE = "approve", "Approve"
    NO_OBJECTION = "no-objection", "No objection"
    ABSTAIN = "abstain", "Abstain"
    RECUSE = "recuse", "Recuse"
    CONCERN = "concern", "Concern"

    @classmethod
    def signing(cls) -> set[str]:
        return {cls.APPROVE, cls.NO_OBJECTION}


class Position(models.Model):
    """One position a member recorded; rows are only added, the newest per person counts."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="positions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    number = models.PositiveIntegerField(help_text="1, 2, 3 … for this person on this motion.")
    kind = models.CharField(max_length=15, choices=PositionKind.choices)
    note = models.CharField(max_length=500, blank=True)
    concern = models.ForeignKey(
        "Concern", null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["motion", "person", "number"]
        constraints = [
            # Two saves from the same page: only one claims the next number, the other gets a 409.
            models.UniqueConstraint(fields=["motion", "person", "number"], name="position_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} ({self.number})"


class Concern(models.Model):
    """A named, blocking objection; resolved by whoever raised it (or staff) with a note, never deleted."""

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="concerns")
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="concerns_raised")
    name = models.CharField(max_length=100, help_text="A short name, e.g. “migration cost”.")
    text = models.TextField(max_length=5000)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns_resolved"
    )
    resolved_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["motion", "raised_at", "pk"]

    def __str__(self) -> str:
        return f"Concern “{self.name}” on {self.motion}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def resolver_name(self) -> str:
        if self.resolved_by_id:
            return self.resolved_by.name
        user: Any = self.resolved_by_user
        return user.get_username() if user else ""


class EventKind(models.TextChoices):
    PROPOSED = "proposed", "Motion proposed"
    POSITION_REQUESTED = "position-requested", "Position requested"
    CONCERN_RAISED = "concern-raised", "Concern raised"
    CONCERN_RESOLVED = "concern-resolved", "Concern resolved"
    FCP_STARTED = "fcp-started", "Final comment period started"
    FCP_ENDED = "fcp-ended", "Final comment period ended"
    WITHDRAWN = "withdrawn", "Motion withdrawn"


class SentAs(models.TextChoices):
    """How a delivered row went out (decisions.signoff.notices); each row goes one way, once."""

    IMMEDIATE = "immediate", "In its own message"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "Not sent: the person turned notices off"
    NO_ADDRESS = "no-address", "Not sent: no e-mail address"


class MotionEvent(models.Model):
    """The outbox: one row per event and person, written in the transaction of the change.

    A worker delivers the rows whose `delivered_at` is empty and sets it; `key` names the event
    (the same for every person it goes to), and (key, person) is unique, so an event is never
    written twice for one person, also when two servers advance the same motion. A pass claims a
    row by setting `claim` and moving `next_attempt_at` past the send (a lease), so no other pass
    takes it; a failed send leaves it undelivered with `attempts` and a later `next_attempt_at`.
    """

    key = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="events")
    concern = models.ForeignKey(Concern, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="motion_events")
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    sent_as = models.CharField(max_length=12, choices=SentAs.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not before this time: after a failed send, or while a pass holds it.",
    )
    claim = models.CharField(max_length=32, blank=True, help_text="The pass that holds the row.")
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["key", "person"], name="motion_event_once_per_person")]
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="motion_event_undelivered")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person}"
