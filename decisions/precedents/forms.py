"""The precedent forms: the editor, and the kind filter of the precedent API."""

from __future__ import annotations

from django import forms

from decisions.forms import ControlFreeModelForm, markdown_size_validator
from decisions.models import Precedent, PrecedentKind


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


class PrecedentFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *PrecedentKind.choices])
