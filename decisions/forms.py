"""What every form of the site shares: control characters stripped from what is submitted,
the version an edit started from, and the Markdown size limit as a field validator.

Each room's forms live in its own forms.py; forms validate and say what is wrong, views assign
and redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from decisions import markdown
from decisions.text import strip_controls


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
