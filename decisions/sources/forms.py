"""SourceForm: what a source must say to be synced, checked the same way in the admin and by add_source."""

from __future__ import annotations

from typing import Any

from django import forms

from decisions.forms import ControlFreeModelForm
from decisions.models import RFCSeries
from decisions.rfcs.parsing import FORMATS
from decisions.sources.models import Holds, Source


class SourceForm(ControlFreeModelForm):
    class Meta:
        model = Source
        fields = ["name", "url", "branch", "path", "holds", "format", "series", "record_in", "secret"]
        widgets = {"secret": forms.PasswordInput(render_value=False)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Left blank, the stored secret stays: it is never shown again.
            self.fields["secret"].required = False
            self.fields["secret"].help_text = "Leave blank to keep the current secret."

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if url.startswith(("ext::", "fd::", "-")):
            raise forms.ValidationError(
                "Give a URL git can fetch (https://, ssh, file://) or a local folder."
            )
        return url

    def clean_branch(self) -> str:
        branch = self.cleaned_data["branch"].strip()
        if branch.startswith("-") or " " in branch:
            raise forms.ValidationError("A branch name, e.g. main.")
        return branch

    def clean_path(self) -> str:
        path = self.cleaned_data["path"].strip().strip("/")
        if any(part in ("..", ".") for part in path.split("/")):
            raise forms.ValidationError("A folder inside the repository, without . or .. parts.")
        return path

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret") or ""
        return secret or (self.instance.secret if self.instance.pk else "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        holds, fmt, series = data.get("holds"), data.get("format", ""), data.get("series", "")
        if holds == Holds.RFCS:
            if fmt and fmt not in FORMATS:
                self.add_error("format", f"One of {', '.join(FORMATS)}, or blank to detect it.")
            if series and series not in RFCSeries.values:
                choices = ", ".join(v for v in RFCSeries.values if v)
                self.add_error("series", f"An RFC series is one of {choices}, or blank (the format's own).")
        elif fmt:
            self.add_error("format", "Only RFC sources have a format.")
        if holds == Holds.DECISIONS and series:
            self.add_error("series", "Decision records have no series.")
        return data
