"""Forms: they validate and say what is wrong; views assign and redirect."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet

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
    RFCStatus,
    Topic,
)

RFC_SORTS = {
    "-number": ("Newest number first", ["-number"]),
    "number": ("Oldest number first", ["number"]),
    "-updated": ("Recently updated", ["-updated_at", "-number"]),
    "title": ("Title A–Z", ["title", "number"]),
    "status": ("Status", ["status", "-number"]),
}


class RFCFilterForm(forms.Form):
    """The filters of /rfcs/; every field is optional and a bad value is simply ignored."""

    q = forms.CharField(label="Search titles", required=False, max_length=200)
    status = forms.ChoiceField(label="Status", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    author = forms.ChoiceField(label="Author", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (label, _) in RFC_SORTS.items()]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *RFCStatus.choices]
        self.fields["area"].choices = [("", "Any area"), *Area.objects.values_list("slug", "name")]
        authors = Person.objects.filter(rfcs_authored__isnull=False).distinct().values_list("slug", "name")
        self.fields["author"].choices = [("", "Any author"), *authors]

    def filter(self, rfcs: QuerySet[RFC]) -> QuerySet[RFC]:
        self.is_valid()  # cleaned_data keeps the valid fields; a bad one is dropped, not fatal
        data = self.cleaned_data
        if query := (data.get("q") or "").strip():
            number = query.removeprefix("#").removeprefix("RFC").strip()
            rfcs = (
                rfcs.filter(number=int(number)) if number.isdigit() else rfcs.filter(title__icontains=query)
            )
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
        return any(self.cleaned_data.get(name) for name in ("q", "status", "area", "author"))


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


class VersionedForm(forms.ModelForm):
    """Carries the version the editor started from, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


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
            numbers = decision.related_rfcs.order_by("number").values_list("number", flat=True)
            self.initial["related_rfc_numbers"] = ", ".join(str(n) for n in numbers)
            self.initial["version"] = decision.version

    def clean_related_rfc_numbers(self) -> list[RFC]:
        text = self.cleaned_data["related_rfc_numbers"]
        tokens = [t for t in re.split(r"[\s,]+", text.replace("#", "")) if t]
        bad = [t for t in tokens if not t.isdigit()]
        if bad:
            raise forms.ValidationError(f"“{bad[0]}” is not an RFC number; write numbers like 6, 9.")
        numbers = sorted({int(t) for t in tokens})
        rfcs = list(RFC.objects.filter(number__in=numbers).only("number", "title"))
        missing = sorted(set(numbers) - {rfc.number for rfc in rfcs})
        if missing:
            raise forms.ValidationError(f"There is no RFC {', '.join(map(str, missing))} on this site.")
        return rfcs


class NewDecisionForm(forms.ModelForm):
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
    Decision, DecisionOwner, fields=["person", "role"], extra=2, can_delete=True
)
CitationFormSet = forms.inlineformset_factory(
    Decision,
    DecisionPrecedent,
    fields=["precedent", "note"],
    extra=1,
    can_delete=True,
    widgets={"note": forms.TextInput(attrs={"size": 40})},
    labels={"note": "How it applies"},
)
DiscussionFormSet = forms.inlineformset_factory(
    Decision, DecisionMeeting, fields=["meeting", "topic"], extra=1, can_delete=True
)


class OptionForm(forms.ModelForm):
    class Meta:
        model = Option
        fields = ["name", "summary", "why_not"]
        labels = {"name": "Option", "why_not": "Why not chosen"}
        widgets = {"summary": forms.TextInput, "why_not": forms.TextInput}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "weight", "description"]
        labels = {"name": "Criterion"}
        widgets = {"description": forms.TextInput, "weight": forms.NumberInput(attrs={"min": 0, "max": 10})}


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["rating", "note"]


class PrecedentForm(forms.ModelForm):
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


class MeetingNotesForm(forms.Form):
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
