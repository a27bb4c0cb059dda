"""RFCs in their series, with revisions, status changes and the aliases old URLs used."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.text import slugify

from decisions import markdown
from decisions.concurrency import VersionedMixin
from decisions.diffs import tagged_diff
from decisions.markdown.fields import MarkdownFieldsMixin
from decisions.people.models import Area, Person


class RFCStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed"
    FCP = "fcp", "Final comment period"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    POSTPONED = "postponed", "Postponed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    IMPLEMENTED = "implemented", "Implemented"
    SUPERSEDED = "superseded", "Superseded"

    @classmethod
    def active(cls) -> set[str]:
        """Statuses where the RFC still asks for attention."""
        return {cls.DRAFT, cls.PROPOSED, cls.FCP}


class RFCSeries(models.TextChoices):
    """Numbering series: the site's own RFCs, and imported corpora that keep their own numbers."""

    SITE = "", "RFC"
    RUST = "rust", "Rust RFC"
    PEP = "pep", "PEP"
    KEP = "kep", "KEP"


SERIES_LABEL_FORMAT = {"": "RFC {n}", "rust": "Rust RFC {n}", "pep": "PEP {n}", "kep": "KEP-{n}"}
REFERENCE = re.compile(r"^(?:(?P<series>rfc|rust|rust-rfc|pep|kep)[-_ ]*)?#?0*(?P<number>\d{1,6})$")


def parse_reference(text: str) -> tuple[str, int] | None:
    """("pep", 8) from "PEP 8", "pep-0008" or "pep8"; ("", 6) from "6" or "RFC 6"."""
    match = REFERENCE.match(str(text).strip().lower())
    if not match:
        return None
    series = match["series"] or ""
    series = {"rfc": "", "rust-rfc": "rust"}.get(series, series)
    return series, int(match["number"])


class RFCQuerySet(models.QuerySet):
    def for_list(self) -> RFCQuerySet:
        """What the list page shows, in a fixed number of queries."""
        return (
            self.select_related("shepherd")
            .prefetch_related("authors", "areas")
            .defer("body", "body_html", "toc")
        )

    def active(self) -> RFCQuerySet:
        return self.filter(status__in=RFCStatus.active())

    def by_reference(self, reference: str) -> RFCQuerySet:
        """The RFC a reference such as "12", "PEP 8" or "kep-625" names (or an empty queryset)."""
        parsed = parse_reference(reference)
        if parsed is None:
            return self.none()
        return self.filter(series=parsed[0], number=parsed[1])


class RFC(VersionedMixin, MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {"body": "body_html"}
    MARKDOWN_TOC_FIELDS = {"body": "toc"}

    series = models.CharField(
        max_length=10, choices=RFCSeries.choices, default=RFCSeries.SITE, blank=True,
        help_text="Blank for this site's own RFCs; imported corpora keep their numbers in their series.",
    )  # fmt: skip
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100)
    status = models.CharField(max_length=20, choices=RFCStatus.choices, default=RFCStatus.DRAFT)
    authors = models.ManyToManyField(Person, related_name="rfcs_authored", blank=True)
    shepherd = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="rfcs_shepherded"
    )
    areas = models.ManyToManyField(Area, related_name="rfcs", blank=True)
    body = models.TextField(blank=True, help_text="Markdown (or reStructuredText for imported PEPs).")
    body_format = models.CharField(
        max_length=10, choices=[("markdown", "Markdown"), ("rst", "reStructuredText")], default="markdown"
    )
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)
    discussion_url = models.URLField(blank=True, max_length=500)
    metadata = models.JSONField(
        default=dict, blank=True,
        help_text="Header values of an imported file that have no field of their own (PEP type, KEP stage...).",
    )  # fmt: skip
    created_on = models.DateField(help_text="When the RFC was first proposed.")
    updated_at = models.DateTimeField(auto_now=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    source = models.CharField(
        max_length=500, blank=True, help_text="Where it was imported from (path or URL)."
    )

    objects = RFCQuerySet.as_manager()

    class Meta:
        ordering = ["series", "-number"]
        verbose_name = "RFC"
        # The contributor's permission (decisions.permissions.table); editors hold add_rfc.
        permissions = [("propose_rfc", "Can write new RFC drafts (contributor)")]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="rfc_unique_number_per_series")
        ]
        indexes = [
            models.Index(fields=["series", "-number"], name="rfc_series_number"),
            models.Index(fields=["status", "series", "-number"], name="rfc_status_series_number"),
            models.Index(fields=["-updated_at"], name="rfc_updated"),
            models.Index(fields=["title"], name="rfc_title"),
            models.Index(fields=["-created_on"], name="rfc_created"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.title}"

    @property
    def label(self) -> str:
        """How people write its id: "RFC 6", "PEP 8", "KEP-625", "Rust RFC 2094"."""
        return SERIES_LABEL_FORMAT.get(self.series, "RFC {n}").format(n=self.number)

    @property
    def reference(self) -> str:
        """The id in exports and links: "6" for the site's own RFCs, "pep-8" in other series."""
        return f"{self.series}-{self.number}" if self.series else str(self.number)

    def url_args(self) -> list[Any]:
        return [self.series, self.number] if self.series else [self.number]

    def get_absolute_url(self) -> str:
        return reverse("decisions:rfc-detail", args=self.url_args())

    @property
    def history_url(self) -> str:
        return reverse("decisions:rfc-history", args=self.url_args())

    @property
    def markdown_url(self) -> str:
        return reverse("decisions:rfc-markdown", args=self.url_args())

    @property
    def edit_url(self) -> str:
        return reverse("decisions:rfc-edit", args=self.url_args())

    def render_field(self, name: str) -> markdown.Rendered:
        if self.body_format == "rst":
            from decisions.markdown.rst import render_rst  # docutils is only imported for PEP bodies

            return render_rst(getattr(self, name) or "")
        return super().render_field(name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = slugify(self.title)[:100]
        super().save(*args, **kwargs)

    @property
    def sections(self) -> list[dict]:
        """Top-level sections (Summary, Motivation, ...) for the links beside the text."""
        levels = [heading["level"] for heading in self.toc]
        top = min(levels) if levels else 1
        return [heading for heading in self.toc if heading["level"] == top]

    @transaction.atomic
    def record_change(self, *, user: Any = None, message: str = "", note: str = "") -> RFCRevision | None:
        """Save and write the history: a revision when the text changed, an event when the status did.

        Use this instead of save() for every edit a person makes, so the history page is complete.
        """
        previous = RFC.objects.filter(pk=self.pk).only("status").first() if self.pk else None
        self.save()
        user = user if getattr(user, "is_authenticated", False) else None
        if previous is None or previous.status != self.status:
            RFCStatusChange.objects.create(
                rfc=self,
                from_status=previous.status if previous else "",
                to_status=self.status,
                changed_by=user,
                note=note,
            )
        last = self.revisions.order_by("-number").first()
        if last and last.title == self.title and last.body == self.body:
            return None
        return RFCRevision.objects.create(
            rfc=self,
            number=(last.number + 1) if last else 1,
            title=self.title,
            body=self.body,
            author=user,
            message=message or ("Created" if last is None else "Edited"),
        )


class RFCRevision(models.Model):
    rfc = models.ForeignKey(RFC, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rfc", "-number"]
        constraints = [models.UniqueConstraint(fields=["rfc", "number"], name="rfc_revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.rfc} revision {self.number}"

    def diff_from(self, previous: RFCRevision | None) -> list[tuple[str, str]]:
        """Unified diff lines against the previous revision, tagged for colouring."""
        before = previous.body.splitlines() if previous else []
        number = previous.number if previous else 0
        return tagged_diff(before, self.body.splitlines(), f"revision {number}", f"revision {self.number}")


class RFCStatusChange(models.Model):
    rfc = models.ForeignKey(RFC, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=RFCStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RFCStatus.choices)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["rfc", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.rfc}: {self.from_status or 'new'} -> {self.to_status}"


class RFCAlias(models.Model):
    """Another id an RFC is known by (a legacy number, a file name): /rfcs/<alias>/ redirects."""

    alias = models.CharField(max_length=200, unique=True, help_text="Lower case, as it appears in URLs.")
    rfc = models.ForeignKey(RFC, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        ordering = ["alias"]
        verbose_name = "RFC alias"
        verbose_name_plural = "RFC aliases"

    def __str__(self) -> str:
        return f"{self.alias} -> {self.rfc.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.alias = self.normalise(self.alias)  # also when typed in the admin
        super().save(*args, **kwargs)

    @staticmethod
    def normalise(text: str) -> str:
        """Lower case, anything but letters, digits, dots and dashes as one dash: it goes in a URL
        path segment (/rfcs/<alias>/), so no slash, space or question mark survives."""
        return re.sub(r"[^\w.-]+|_+", "-", text.strip().lower()).strip("-")[:200]


class RFCNumberCounter(models.Model):
    """The last number given in a series the site numbers itself (decisions.rfcs.drafting).

    Numbers are never given twice, even after the RFC that had one is deleted: the next number
    is one more than this counter or than the highest number in the series, whichever is larger.
    """

    series = models.CharField(max_length=10, choices=RFCSeries.choices, unique=True, blank=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "RFC number counter"

    def __str__(self) -> str:
        return f"{self.get_series_display()}: {self.last_number}"
