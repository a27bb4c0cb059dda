"""Forms: they validate and say what is wrong; views assign and redirect."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from decisions import markdown
from decisions.models import (
    RFC,
    Area,
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionStatus,
    Meeting,
    MeetingSeries,
    Option,
    Person,
    Precedent,
    RFCSeries,
    RFCStatus,
    Topic,
    parse_reference,
)
from decisions.text import strip_controls

RFC_SORTS = {
    "-number": ("Newest number first", ["series", "-number"]),
    "number": ("Oldest number first", ["series", "number"]),
    "-updated": ("Recently updated", ["-updated_at", "-number"]),
    "title": ("Title A–Z", ["title", "number"]),
    "status": ("Status", ["status", "-number"]),
}


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

    def __init__(self, *args: object, **kwargs: object) -> None:
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
        areas = list(Area.objects.values_list("slug", "name"))
        # EXISTS per person, not DISTINCT over every (RFC, author) pair: 1 ms instead of 15 at 10,000 RFCs.
        authored = RFC.authors.through.objects.filter(person=OuterRef("pk"))
        authors = list(Person.objects.filter(Exists(authored)).values_list("slug", "name"))
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


# Decision records ----------------------------------------------------------------------


class DecisionFilterForm(forms.Form):
    """The filters of /decisions/; a bad value is dropped, never an error page."""

    status = forms.ChoiceField(label="Status", required=False)
    owner = forms.ChoiceField(label="Owner", required=False)
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *DecisionStatus.choices]
        owners = Person.objects.filter(ownerships__isnull=False).distinct().values_list("slug", "name")
        self.fields["owner"].choices = [("", "Anyone"), *owners]
        self.fields["area"].choices = [("", "Any area"), *Area.objects.values_list("slug", "name")]

    def filter(self, decisions: QuerySet[Decision]) -> QuerySet[Decision]:
        self.is_valid()
        data = self.cleaned_data
        if status := data.get("status"):
            decisions = decisions.filter(status=status)
        if owner := data.get("owner"):
            decisions = decisions.filter(ownerships__person__slug=owner).distinct()
        if area := data.get("area"):
            decisions = decisions.filter(areas__slug=area)
        return decisions

    def is_filtered(self) -> bool:
        self.is_valid()
        return any(self.cleaned_data.get(name) for name in ("status", "owner", "area"))


def _without_controls(value: Any) -> Any:
    """A submitted value with C0 controls removed; a NUL stays, for the validators that name its line."""
    if not isinstance(value, str):
        return value
    return "\x00".join(strip_controls(part) for part in value.split("\x00"))


class ControlCharactersStripped:
    """Removes C0 control characters (not tab or newline) from what is submitted to text fields.

    They are invisible, nobody means to type them, and one of them in a title made every Atom
    feed fail (XML 1.0 cannot carry them). Stripped from the form's data, before any field
    sees it, so a re-shown form shows the cleaned text too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        keys = [
            self.add_prefix(name) for name, field in self.fields.items() if isinstance(field, forms.CharField)
        ]
        dirty = [key for key in keys if key in self.data and self._has_controls(key)]
        if not dirty:
            return
        data = self.data.copy()  # a QueryDict's copy is mutable; the request's own stays as sent
        for key in dirty:
            if hasattr(data, "setlist"):
                data.setlist(key, [_without_controls(v) for v in self.data.getlist(key)])
            else:
                data[key] = _without_controls(data[key])
        self.data = data

    def _has_controls(self, key: str) -> bool:
        values = self.data.getlist(key) if hasattr(self.data, "getlist") else [self.data[key]]
        return any(isinstance(v, str) and _without_controls(v) != v for v in values)


class ControlFreeForm(ControlCharactersStripped, forms.Form):
    """A form whose text fields never receive C0 control characters."""


class ControlFreeModelForm(ControlCharactersStripped, forms.ModelForm):
    """A model form whose text fields never receive C0 control characters (the admin's too)."""


class VersionedForm(ControlFreeModelForm):
    """Carries the version the editor started from, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def form_over_current(
    form_class: type[forms.ModelForm], data: Any, record: Any, message: str | Callable[[Any], str]
) -> Any:
    """After a stale save: the person's input again, bound to the record as it is now.

    It carries the current version, so saving again is a knowing overwrite, and the reason the
    save was refused is the form's first error. Nothing the person typed is lost.
    """
    fresh = type(record)._default_manager.get(pk=record.pk)
    data = data.copy()
    data["version"] = str(fresh.version)
    form = form_class(data, instance=fresh)
    form.is_valid()
    form.add_error(None, message(fresh) if callable(message) else message)
    return form


def markdown_size_validator(value: str) -> None:
    try:
        markdown.check_size(value)
    except markdown.MarkdownTooLarge as error:
        raise forms.ValidationError(str(error)) from error


class DecisionForm(VersionedForm):
    related_rfc_numbers = forms.CharField(
        label="Related RFCs",
        required=False,
        help_text="RFC numbers separated by commas or spaces, e.g. “6, 9”.",
        max_length=500,
    )

    class Meta:
        model = Decision
        # Status and the chosen option are set in the matrix editor's outcome form.
        fields = ["title", "context", "rationale", "consequences", "areas", "supersedes"]
        labels = {"title": "Question", "context": "Context and problem statement"}
        widgets = {
            "context": forms.Textarea(attrs={"rows": 8}),
            "rationale": forms.Textarea(attrs={"rows": 5}),
            "consequences": forms.Textarea(attrs={"rows": 4}),
            "areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("context", "rationale", "consequences"):
            self.fields[name].validators.append(markdown_size_validator)
        decision = self.instance
        self.fields["supersedes"].queryset = Decision.objects.exclude(pk=decision.pk).only("number", "title")
        self.fields["supersedes"].label_from_instance = lambda d: f"{d.code}: {d.title}"
        self.fields["supersedes"].empty_label = "Nothing"
        if decision.pk and not self.is_bound:
            rfcs = decision.related_rfcs.order_by("series", "number").only("series", "number")
            self.initial["related_rfc_numbers"] = ", ".join(rfc.reference for rfc in rfcs)
            self.initial["version"] = decision.version

    def clean_related_rfc_numbers(self) -> list[RFC]:
        """RFCs by number ("6, 9") or by reference in another series ("PEP 8, kep-625")."""
        text = self.cleaned_data["related_rfc_numbers"]
        tokens = []
        for piece in re.split(r"[,;\n]+", text):
            words = piece.replace("#", "").split()
            tokens += words if all(word.isdigit() for word in words) else [" ".join(words)]
        references = []
        for token in filter(None, tokens):
            reference = parse_reference(token)
            if reference is None:
                raise forms.ValidationError(
                    f"“{token}” is not an RFC number; write numbers like 6, 9 (or PEP 8, KEP-625)."
                )
            references.append(reference)
        wanted = Q()
        for series, number in set(references):
            wanted |= Q(series=series, number=number)
        rfcs = list(RFC.objects.filter(wanted).only("series", "number", "title")) if references else []
        found = {(rfc.series, rfc.number) for rfc in rfcs}
        missing = [RFC(series=s, number=n).label for s, n in sorted(set(references)) if (s, n) not in found]
        if missing:
            raise forms.ValidationError(f"There is no {', '.join(missing)} on this site.")
        return sorted(rfcs, key=lambda rfc: (rfc.series, rfc.number))


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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.MARKDOWN_MAX_BYTES
        self.fields["body"].validators.append(markdown_size_validator)
        self.fields["body"].help_text = (
            "reStructuredText" if self.instance.body_format == "rst" else "Markdown"
        ) + f", up to {limit // 1024} KB. Headings become the sections and the table of contents."
        self.fields["title"].widget.attrs["maxlength"] = 300
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class NewDecisionForm(ControlFreeModelForm):
    """Creating a record asks only for what it is about; the editor does the rest."""

    class Meta:
        model = Decision
        fields = ["title", "context"]
        labels = {"title": "Question", "context": "Context and problem statement"}
        help_texts = {"title": "Phrase it as the question being decided, e.g. “Where do … live?”"}
        widgets = {"context": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["context"].validators.append(markdown_size_validator)


OwnerFormSet = forms.inlineformset_factory(
    Decision, DecisionOwner, form=ControlFreeModelForm, fields=["person", "role"], extra=2, can_delete=True
)
CitationFormSet = forms.inlineformset_factory(
    Decision,
    DecisionPrecedent,
    form=ControlFreeModelForm,
    fields=["precedent", "note"],
    extra=1,
    can_delete=True,
    widgets={"note": forms.TextInput(attrs={"size": 40})},
    labels={"note": "How it applies"},
)
DiscussionFormSet = forms.inlineformset_factory(
    Decision,
    DecisionMeeting,
    form=ControlFreeModelForm,
    fields=["meeting", "topic"],
    extra=1,
    can_delete=True,
)


class OptionForm(ControlFreeModelForm):
    class Meta:
        model = Option
        fields = ["name", "summary", "why_not"]
        labels = {"name": "Option", "why_not": "Why not chosen"}
        widgets = {"summary": forms.TextInput, "why_not": forms.TextInput}


class CriterionForm(ControlFreeModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "weight", "description"]
        labels = {"name": "Criterion"}
        widgets = {"description": forms.TextInput, "weight": forms.NumberInput(attrs={"min": 0, "max": 10})}


class AssessmentForm(ControlFreeModelForm):
    class Meta:
        model = Assessment
        fields = ["rating", "note"]


class PrecedentForm(ControlFreeModelForm):
    """Precedents are edited by editors; the version refuses a save over someone else's."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Precedent
        fields = ["title", "url", "organization", "kind", "date", "summary", "lessons"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "lessons": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("summary", "lessons"):
            self.fields[name].validators.append(markdown_size_validator)
        if self.instance.pk:
            self.fields["version"].required = True
            if not self.is_bound:
                self.initial["version"] = self.instance.version


# Meetings --------------------------------------------------------------------------------


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label="Search titles and topics", required=False, max_length=200)
    series = forms.ChoiceField(label="Series", required=False)
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [
            ("", "Every series"),
            *MeetingSeries.objects.values_list("slug", "name"),
        ]
        years = Meeting.objects.dates("date", "year", order="DESC")
        self.fields["year"].choices = [("", "Any year"), *((d.year, d.year) for d in years)]

    def filter(self, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
        self.is_valid()
        data = self.cleaned_data
        if query := (data.get("q") or "").strip():
            topics = Topic.objects.filter(title__icontains=query).values("meeting")
            meetings = meetings.filter(Q(title__icontains=query) | Q(pk__in=topics))
        if series := data.get("series"):
            meetings = meetings.filter(series__slug=series)
        if year := data.get("year"):
            meetings = meetings.filter(date__year=year)
        return meetings

    def is_filtered(self) -> bool:
        self.is_valid()
        return any(self.cleaned_data.get(name) for name in ("q", "series", "year"))


def decode_upload(upload: object) -> str:
    """The text of an uploaded notes file, or a message saying why it cannot be read."""
    limit = settings.MARKDOWN_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(f"The file is {upload.size // 1024} KB; the limit is {limit // 1024} KB.")
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise forms.ValidationError(
            f"The file is not valid UTF-8 (line {line}, byte {error.start}). Save it as UTF-8 and try again."
        ) from error
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise forms.ValidationError(
            f"The file contains a NUL character (line {line}). Remove it and try again."
        )
    return text


class MeetingNotesForm(ControlFreeForm):
    """Notes pasted whole, or in separate fields, or uploaded as a file."""

    series = forms.ModelChoiceField(queryset=MeetingSeries.objects.all(), empty_label=None)
    new_series = forms.CharField(label="…or a new series", required=False, max_length=200)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(
        required=False, max_length=300, help_text="Leave empty to take it from the notes."
    )
    attendees = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line or separated by commas.",
    )
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    notes = forms.CharField(
        label="Notes",
        required=False,
        strip=False,  # kept exactly as given
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Paste the whole notes (Markdown): topics as headings, remarks as “- **Name**: text”.",
    )
    upload = forms.FileField(label="…or upload a .md file", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].required = False
        self.fields["series"].empty_label = "Choose a series"

    def clean_notes(self) -> str:
        # Browsers send a textarea's line breaks as CRLF whatever was pasted; undo that only.
        return self.cleaned_data["notes"].replace("\r\n", "\n")

    def clean_upload(self) -> str:
        upload = self.cleaned_data.get("upload")
        return decode_upload(upload) if upload else ""

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("series") and not (data.get("new_series") or "").strip():
            self.add_error("series", "Choose the meeting series, or name a new one.")
        text = self.composed_text(data)
        if not text.strip():
            self.add_error("notes", "Paste the notes, or upload them as a file.")
        else:
            try:
                markdown.check_size(text)
            except markdown.MarkdownTooLarge as error:
                self.add_error("notes", str(error))
        data["text"] = text
        return data

    @staticmethod
    def composed_text(data: dict) -> str:
        """The notes as one Markdown document; pasted text is kept exactly as given."""
        notes = data.get("upload") or data.get("notes") or ""
        head = []
        if attendees := (data.get("attendees") or "").strip():
            names = [n.strip() for n in re.split(r"[\n,]+", attendees) if n.strip()]
            head.append("## Attendees\n\n" + "\n".join(f"- {name}" for name in names) + "\n")
        if agenda := (data.get("agenda") or "").strip():
            head.append(f"## Agenda\n\n{agenda}\n")
        return "\n".join([*head, notes]) if head else notes
