"""Forms: they validate and say what is wrong; views assign and redirect."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from decisions.models import RFC, Area, Person, RFCStatus

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
