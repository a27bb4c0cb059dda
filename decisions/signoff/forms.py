"""The sign-off forms: propose a motion, take a position (or raise a concern), resolve, withdraw."""

from __future__ import annotations

from typing import Any

from django import forms

from decisions.forms import ControlFreeForm, markdown_size_validator
from decisions.models import Disposition, MotionState, PositionKind, Team


class ProposeForm(ControlFreeForm):
    disposition = forms.ChoiceField(choices=Disposition.choices, widget=forms.RadioSelect)
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.all(), widget=forms.CheckboxSelectMultiple,
        help_text="Their members are asked for a position.",
    )  # fmt: skip
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, validators=[markdown_size_validator],
        help_text="Why this disposition (Markdown).",
    )  # fmt: skip


class PositionForm(ControlFreeForm):
    kind = forms.ChoiceField(label="Position", choices=PositionKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=500, required=False, label="Note (optional)")
    concern_name = forms.CharField(
        max_length=100,
        required=False,
        label="Name of the concern",
        help_text="A few words, e.g. migration cost.",
    )
    concern_text = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What blocks it",
        help_text="Only for a concern. It blocks the motion until it is resolved.",
    )
    after = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == PositionKind.CONCERN:
            if not (data.get("concern_name") or "").strip():
                self.add_error(
                    "concern_name", "A concern needs a name, so it can be referred to and resolved."
                )
            if not (data.get("concern_text") or "").strip():
                self.add_error("concern_text", "Say what blocks the motion, so it can be answered.")
        return data


class ResolveForm(ControlFreeForm):
    note = forms.CharField(max_length=500, label="How it was resolved")


class WithdrawForm(ControlFreeForm):
    note = forms.CharField(max_length=300, required=False, label="Why (optional)")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MotionFilterForm(ControlFreeForm):
    """The /motions/ filters: state, disposition, kind of record and team."""

    state = forms.ChoiceField(
        choices=[("", "Open"), *MotionState.choices, ("all", "Any state")], required=False
    )
    disposition = forms.ChoiceField(choices=[("", "Any"), *Disposition.choices], required=False)
    record = forms.ChoiceField(
        label="Record",
        choices=[("", "Any"), ("rfc", "RFCs"), ("decision", "Decision records")],
        required=False,
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, to_field_name="slug", empty_label="Any"
    )

    def filter(self, motions: Any) -> Any:
        if not self.is_valid():
            return motions.filter(state__in=MotionState.open())
        data = self.cleaned_data
        if data["state"] == "":
            motions = motions.filter(state__in=MotionState.open())
        elif data["state"] != "all":
            motions = motions.filter(state=data["state"])
        if data["disposition"]:
            motions = motions.filter(disposition=data["disposition"])
        if data["record"]:
            motions = motions.filter(**{f"{data['record']}__isnull": False})
        if data["team"]:
            motions = motions.filter(teams=data["team"])
        return motions

    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
