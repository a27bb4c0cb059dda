"""The data model of DESIGN.md section 3: people, RFCs, meetings, decision records, precedents.

Markdown fields are rendered once, in save(), into a sibling `*_html` field (see
MarkdownFieldsMixin); pages read the stored HTML and never render per request.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from decisions import markdown

RATING_MIN, RATING_MAX = -2, 2
WEIGHT_MIN, WEIGHT_MAX = 0, 10


class MarkdownFieldsMixin(models.Model):
    """Renders each Markdown field into its HTML field when the text changes.

    Subclasses list `MARKDOWN_FIELDS = {"body": "body_html"}`. A field that also needs a table
    of contents names it in `MARKDOWN_TOC_FIELDS = {"body": "toc"}`.
    """

    MARKDOWN_FIELDS: ClassVar[dict[str, str]] = {}
    MARKDOWN_TOC_FIELDS: ClassVar[dict[str, str]] = {}
    # Meeting notes link `RFC 12` and `DR-0001` to their pages.
    MARKDOWN_LINK_MENTIONS: ClassVar[bool] = False

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._rendered_sources = {
            name: getattr(instance, name) for name in cls.MARKDOWN_FIELDS if name in instance.__dict__
        }
        return instance

    def markdown_is_stale(self) -> bool:
        loaded = getattr(self, "_rendered_sources", {})
        return any(
            name not in loaded or loaded[name] != getattr(self, name) or not getattr(self, html)
            for name, html in self.MARKDOWN_FIELDS.items()
            if getattr(self, name)
        ) or any(
            not getattr(self, name) and getattr(self, html) for name, html in self.MARKDOWN_FIELDS.items()
        )

    def render_field(self, name: str) -> markdown.Rendered:
        """One field's HTML and headings; RFCs imported as reStructuredText override this."""
        return markdown.render_document(getattr(self, name) or "", link_mentions=self.MARKDOWN_LINK_MENTIONS)

    def render_markdown(self) -> list[str]:
        """Render every Markdown field; return the names of the fields that changed."""
        changed = []
        for name, html_name in self.MARKDOWN_FIELDS.items():
            rendered = self.render_field(name)
            if getattr(self, html_name) != rendered.html:
                setattr(self, html_name, rendered.html)
                changed.append(html_name)
            toc_name = self.MARKDOWN_TOC_FIELDS.get(name)
            if toc_name:
                toc = [vars(heading) for heading in rendered.toc]
                if getattr(self, toc_name) != toc:
                    setattr(self, toc_name, toc)
                    changed.append(toc_name)
        self._rendered_sources = {name: getattr(self, name) for name in self.MARKDOWN_FIELDS}
        # Rendered before save() (prerender()): save(update_fields=...) must still write them.
        self._unsaved_html = [*getattr(self, "_unsaved_html", []), *changed]
        return changed

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name in self.MARKDOWN_FIELDS:
            try:
                markdown.check_size(getattr(self, name) or "")
            except markdown.MarkdownTooLarge as error:
                errors[name] = str(error)
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Render what changed (unless prerender() already did), then write."""
        if self.markdown_is_stale():
            self.render_markdown()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and getattr(self, "_unsaved_html", None):
            kwargs["update_fields"] = {*update_fields, *self._unsaved_html}
        super().save(*args, **kwargs)
        self._unsaved_html = []


def prerender(*records: Any) -> None:
    """Render the Markdown of records about to be saved, before the caller opens its transaction.

    With SQLite's IMMEDIATE transactions an atomic block holds the database's write lock from
    its start, and a long render inside one made every other save fail with "database is
    locked". Rendered here, the save() inside the block only writes. Anything else is ignored.
    """
    for record in records:
        if isinstance(record, MarkdownFieldsMixin) and record.markdown_is_stale():
            record.render_markdown()


class VersionedMixin(models.Model):
    """Optimistic concurrency: forms carry the version they were opened at (DESIGN section 7)."""

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped on every save; stale edits are refused."
    )

    class Meta:
        abstract = True

    def claim_version(self, version: int) -> bool:
        """Move from `version` to the next one atomically; False when someone saved in between.

        Every edit calls this first (inside its transaction), so of two people editing from the
        same version only the first save lands and the second is refused instead of overwriting it.
        """
        changes: dict[str, Any] = {"version": F("version") + 1}
        if any(f.name == "updated_at" for f in self._meta.concrete_fields):
            changes["updated_at"] = timezone.now()
        updated = type(self)._default_manager.filter(pk=self.pk, version=version).update(**changes)
        if updated:
            self.version = version + 1
        return bool(updated)


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


# RFCs ----------------------------------------------------------------------------------


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
            from decisions.rst import render_rst  # docutils is only imported for PEP bodies

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
        lines = difflib.unified_diff(
            before, self.body.splitlines(), fromfile=f"revision {previous.number if previous else 0}",
            tofile=f"revision {self.number}", lineterm="", n=2,
        )  # fmt: skip
        tagged = []
        for line in lines:
            if line.startswith(("+++", "---")):
                kind = "file"
            elif line.startswith("@@"):
                kind = "hunk"
            elif line.startswith("+"):
                kind = "add"
            elif line.startswith("-"):
                kind = "del"
            else:
                kind = "same"
            tagged.append((kind, line))
        return tagged


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


# Meetings ------------------------------------------------------------------------------


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
    agenda = models.TextField(blank=True, help_text="Markdown.")
    agenda_html = models.TextField(blank=True, editable=False)
    attendees = models.ManyToManyField(Person, related_name="meetings_attended", blank=True)
    source_text = models.TextField(blank=True, help_text="The notes exactly as they were submitted.")
    source_html = models.TextField(blank=True, editable=False)
    source_path = models.CharField(max_length=500, blank=True)
    rfcs = models.ManyToManyField(RFC, related_name="meetings", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_submitted",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "series__name"]
        constraints = [
            models.UniqueConstraint(fields=["series", "date", "title"], name="meeting_unique_per_series_day")
        ]
        indexes = [models.Index(fields=["-date"], name="meeting_date")]

    def __str__(self) -> str:
        return f"{self.series.name}, {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:meeting-detail", args=[self.pk])


class Topic(MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {"body": "body_html"}
    MARKDOWN_LINK_MENTIONS = True

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    anchor = models.SlugField(max_length=120, blank=True, help_text="Fragment id on the meeting page.")
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)

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


# Precedents ----------------------------------------------------------------------------


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


# Decision records ----------------------------------------------------------------------


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    SUPERSEDED = "superseded", "Superseded"


class OwnerRole(models.TextChoices):
    OWNER = "owner", "Owner"
    DRIVER = "driver", "Driver"
    APPROVER = "approver", "Approver"
    CONTRIBUTOR = "contributor", "Contributor"


class DecisionQuerySet(models.QuerySet):
    def open(self) -> DecisionQuerySet:
        return self.filter(status__in=[DecisionStatus.OPEN, DecisionStatus.PROPOSED])


class Decision(VersionedMixin, MarkdownFieldsMixin, models.Model):
    MARKDOWN_FIELDS = {
        "context": "context_html",
        "rationale": "rationale_html",
        "consequences": "consequences_html",
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
    owners = models.ManyToManyField(Person, through="DecisionOwner", related_name="decisions")
    areas = models.ManyToManyField(Area, related_name="decisions", blank=True)
    related_rfcs = models.ManyToManyField(RFC, related_name="decisions", blank=True)
    meetings = models.ManyToManyField(Meeting, through="DecisionMeeting", related_name="decisions")
    precedents = models.ManyToManyField(Precedent, through="DecisionPrecedent", related_name="decisions")
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        indexes = [models.Index(fields=["status", "-number"], name="decision_status_number")]

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

    def record_status(self, previous: str, *, user: Any = None, note: str = "") -> None:
        """Add the status change to the timeline when the status moved."""
        if previous != self.status:
            DecisionStatusChange.objects.create(
                decision=self,
                from_status=previous,
                to_status=self.status,
                changed_on=timezone.localdate(),
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


class Option(MarkdownFieldsMixin, models.Model):
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


class Criterion(models.Model):
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


class Assessment(models.Model):
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


# Search index --------------------------------------------------------------------------


class SearchKind(models.TextChoices):
    RFC = "rfc", "RFC"
    MEETING = "meeting", "Meeting"
    DECISION = "decision", "Decision"
    PRECEDENT = "precedent", "Precedent"


class SearchEntry(models.Model):
    """The searchable text of one RFC, meeting, decision or precedent; decisions/search.py writes it.

    Derived data: `manage.py rebuild_search_index` recreates every row. The full-text index over
    title, summary and body is not a model field because it differs per database: migration 0004
    adds a generated, GIN-indexed tsvector column on PostgreSQL and an FTS5 table kept in step by
    triggers on SQLite. A later migration that makes SQLite rebuild this table must create those
    triggers again.
    """

    KIND_CODES = {SearchKind.RFC: 1, SearchKind.MEETING: 2, SearchKind.DECISION: 3, SearchKind.PRECEDENT: 4}

    # key(kind, object_id): one row per record, the same after every rebuild, the rowid of FTS5,
    # and the kind readable from the key alone (id % 8), so SQLite filters without a join.
    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=10, choices=SearchKind.choices)
    object_id = models.BigIntegerField()
    date = models.DateField(null=True, blank=True)
    url = models.CharField(max_length=500)
    # The long text comes last: SQLite then reads the short columns without walking overflow pages.
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @classmethod
    def key(cls, kind: str, object_id: int) -> int:
        return object_id * 8 + cls.KIND_CODES[kind]


from decisions import search as _search  # noqa: E402,F401  (connects the index receivers)
