"""The RFC forms: the filters of the RFC list (page, feed, API, CSV) and the RFC editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from decisions.forms import ControlFreeModelForm, markdown_size_validator
from decisions.models import RFC, Area, Person, RFCSeries, RFCStatus, parse_reference

RFC_SORTS = {
    "-number": ("Newest number first", ["series", "-number"]),
    "number": ("Oldest number first", ["series", "number"]),
    # pk last: RFCs of two series can share a number, a title, a status and a time, and a page
    # boundary between them must not repeat or skip one.
    "-updated": ("Recently updated", ["-updated_at", "-number", "-pk"]),
    "title": ("Title A–Z", ["title", "number", "pk"]),
    "status": ("Status", ["status", "-number", "-pk"]),
}


FilterChoices = tuple[list[tuple[str, str]], list[tuple[str, str]]]


def filter_choices() -> FilterChoices:
    """Every area and every person who wrote an RFC, as (slug, name)."""
    areas = list(Area.objects.values_list("slug", "name"))
    # EXISTS per person, not DISTINCT over every (RFC, author) pair: 1 ms instead of 15 at 10,000 RFCs.
    authored = RFC.authors.through.objects.filter(person=OuterRef("pk"))
    return areas, list(Person.objects.filter(Exists(authored)).values_list("slug", "name"))


class RFCFilterForm(forms.Form):
    """The filters of /rfcs/; every field is optional and a bad value is simply ignored."""

    q = forms.CharField(label="Search titles", required=False, max_length=200)
    series = forms.ChoiceField(label="Series", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    author = forms.ChoiceField(label="Author", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (label, _) in RFC_SORTS.items()]
    )

    def __init__(self, *args: object, choices: FilterChoices | None = None, **kwargs: object) -> None:
        """`choices`: the areas and authors already read (filter_choices(), cached by the page)."""
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *RFCStatus.choices]
        # "site" stands for the site's own RFCs, whose stored series is blank.
        self.fields["series"].choices = [
            ("", "All series"),
            *[
                (value or "site", f"{label}s" if value else "This site's RFCs")
                for value, label in RFCSeries.choices
            ],
        ]
        areas, authors = choices or filter_choices()
        # Callables: Django normalises hundreds of choices on assignment (2 ms at 800 authors); a
        # callable is only expanded when the form is rendered or an author is chosen.
        self.fields["area"].choices = lambda: [("", "Any area"), *areas]
        self.fields["author"].choices = lambda: [("", "Any author"), *authors]
        self.choices_stamp = repr((areas, authors))  # what the rendered filters depend on

    def filter(self, rfcs: QuerySet[RFC]) -> QuerySet[RFC]:
        self.is_valid()  # cleaned_data keeps the valid fields; a bad one is dropped, not fatal
        data = self.cleaned_data
        if series := data.get("series"):
            rfcs = rfcs.filter(series="" if series == "site" else series)
        if query := (data.get("q") or "").strip():
            reference = parse_reference(query)
            if reference is None:
                rfcs = rfcs.filter(title__icontains=query)
            elif query.strip("#").isdigit():  # a bare number: that number in every series
                rfcs = rfcs.filter(number=reference[1])
            else:
                rfcs = rfcs.filter(series=reference[0], number=reference[1])
        if status := data.get("status"):
            rfcs = rfcs.filter(status=status)
        if area := data.get("area"):
            rfcs = rfcs.filter(areas__slug=area)
        if author := data.get("author"):
            rfcs = rfcs.filter(authors__slug=author)
        _, ordering = RFC_SORTS.get(data.get("sort") or "-number", RFC_SORTS["-number"])
        return rfcs.order_by(*ordering)

    def is_filtered(self) -> bool:
        self.is_valid()
        return any(self.cleaned_data.get(name) for name in ("q", "series", "status", "area", "author"))


class RFCEditForm(ControlFreeModelForm):
    """What an RFC's authors change in the browser; each save becomes a revision."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    message = forms.CharField(
        label="What changed",
        required=False,
        max_length=300,
        help_text="A line for the history, like a commit message (also the note of a status change).",
    )

    class Meta:
        model = RFC
        fields = ["title", "status", "areas", "discussion_url", "body"]
        labels = {"body": "Text", "discussion_url": "Discussion URL"}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24, "class": "mono"}),
            "areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, statuses: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if statuses is not None:  # the ones this person may choose (decisions.permissions.rfc_statuses_for)
            self.fields["status"].choices = statuses
        limit = settings.MARKDOWN_MAX_BYTES
        self.fields["body"].validators.append(markdown_size_validator)
        self.fields["body"].help_text = (
            "reStructuredText" if self.instance.body_format == "rst" else "Markdown"
        ) + f", up to {limit // 1024} KB. Headings become the sections and the table of contents."
        self.fields["title"].widget.attrs["maxlength"] = 300
        if not self.is_bound:
            self.initial["version"] = self.instance.version
