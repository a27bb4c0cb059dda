"""The meeting forms: the list filters, submitting notes (pasted or uploaded) with the corrections
made in their preview, and editing saved notes."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q, QuerySet

from decisions import markdown
from decisions.forms import ControlFreeForm
from decisions.meetings.corrections import Corrections, CorrectionsError
from decisions.models import Meeting, MeetingSeries, Topic


class CorrectionsField(forms.CharField):
    """The preview's corrections, carried in the form as JSON; a value that cannot be read is an
    error that says so (the preview then starts again without it), never a crash."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, strip=False, max_length=500_000, **kwargs)

    def clean(self, value: Any) -> Corrections:
        text = super().clean(value)
        try:
            return Corrections.from_json(text)
        except CorrectionsError as error:
            raise forms.ValidationError(
                f"The corrections made in the preview could not be read ({error}); they were set aside. "
                "Press Preview and correct what is still wrong.",
                code="corrections",
            ) from error


FilterChoices = tuple[list[tuple[str, str]], list[int]]


def filter_choices() -> FilterChoices:
    """Every series (slug, name) and every year with a meeting, newest first."""
    series = list(MeetingSeries.objects.values_list("slug", "name"))
    return series, [day.year for day in Meeting.objects.dates("date", "year", order="DESC")]


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label="Search titles and topics", required=False, max_length=200)
    series = forms.ChoiceField(label="Series", required=False)
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: object, choices: FilterChoices | None = None, **kwargs: object) -> None:
        """`choices`: the series and years already read (filter_choices(), cached by the page)."""
        super().__init__(*args, **kwargs)
        series, years = choices or filter_choices()
        self.fields["series"].choices = [("", "Every series"), *series]
        self.fields["year"].choices = [("", "Any year"), *((year, year) for year in years)]

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
    # Shown beside a meeting the day already has: naming a session is how a person says the
    # notes are of a second meeting that day, never a different title.
    session = forms.CharField(
        label="Session",
        required=False,
        max_length=100,
        help_text="Only for a second meeting of the series that day, e.g. “evening”.",
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
    corrections = CorrectionsField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].required = False
        self.fields["series"].empty_label = "Choose a series"

    def clean_notes(self) -> str:
        # Browsers send a textarea's line breaks as CRLF whatever was pasted; undo that only.
        return self.cleaned_data["notes"].replace("\r\n", "\n")

    def clean_session(self) -> str:
        return " ".join(self.cleaned_data["session"].split())

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


class MeetingEditForm(ControlFreeForm):
    """A saved meeting's series, date, title and notes, with the version the edit started from."""

    series = forms.ModelChoiceField(queryset=MeetingSeries.objects.order_by("name"), empty_label=None)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(
        required=False, max_length=300, help_text="Leave empty to take it from the notes."
    )
    notes = forms.CharField(
        strip=False,  # kept exactly as given
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text="The whole notes (Markdown): topics as headings, remarks as “- **Name**: text”.",
        error_messages={"required": "The notes are empty: paste the text of the meeting notes."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    corrections = CorrectionsField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A NUL is refused in clean_notes with its line, rather than without one.
        field = self.fields["notes"]
        field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def clean_notes(self) -> str:
        # Browsers send a textarea's line breaks as CRLF whatever was pasted; undo that only.
        text = self.cleaned_data["notes"].replace("\r\n", "\n")
        if "\x00" in text:
            line = text[: text.index("\x00")].count("\n") + 1
            raise forms.ValidationError(f"Line {line} contains a NUL character; remove it and save again.")
        try:
            markdown.check_size(text)
        except markdown.MarkdownTooLarge as error:
            raise forms.ValidationError(str(error)) from error
        return text
