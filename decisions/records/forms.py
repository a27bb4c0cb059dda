"""The decision record forms: the list filters, the new-record and record editors, the owner,
citation and meeting formsets, and the matrix editor's option, criterion and rating forms."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q, QuerySet

from decisions.forms import ControlFreeModelForm, VersionedForm, markdown_size_validator
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
    Option,
    Person,
    parse_reference,
)


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
        fields = [
            "title", "context", "rationale", "consequences", "confirmation", "more_information", "areas",
            "supersedes", "revisit_by",
        ]  # fmt: skip
        labels = {"title": "Question", "context": "Context and problem statement"}
        widgets = {
            "context": forms.Textarea(attrs={"rows": 8}),
            "rationale": forms.Textarea(attrs={"rows": 5}),
            "consequences": forms.Textarea(attrs={"rows": 4}),
            "confirmation": forms.Textarea(attrs={"rows": 3}),
            "more_information": forms.Textarea(attrs={"rows": 3}),
            "areas": forms.CheckboxSelectMultiple,
            "revisit_by": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("context", "rationale", "consequences", "confirmation", "more_information"):
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


class NewDecisionForm(ControlFreeModelForm):
    """Creating a record asks only for what it is about; the editor does the rest."""

    class Meta:
        model = Decision
        fields = ["title", "context"]
        labels = {"title": "Question", "context": "Context and problem statement"}
        help_texts = {"title": "Phrase it as the question being decided, e.g. “Where do … live?”"}
        widgets = {"context": forms.Textarea(attrs={"rows": 8})}

    # Prefilled when the record is opened from a decision found in notes (records/from_notes.py).
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One a line; criteria and ratings come next. Leave empty to add options later.",
    )
    contributors = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People who spoke on the topic in the notes, listed as the record's contributors.",
    )
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.all(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["context"].validators.append(markdown_size_validator)
        # Only the people the link or the post names are offered: never the whole directory.
        chosen = (
            self.data.getlist("contributors") if self.is_bound else self.initial.get("contributors") or []
        )
        ids = [int(v) for v in chosen if str(v).isdigit()]
        if ids:
            self.fields["contributors"].queryset = Person.objects.filter(pk__in=ids).order_by("name")
        else:
            del self.fields["contributors"]
        if not self.is_bound and not self.initial.get("options"):
            del self.fields["options"]
        elif not self.is_bound:  # every option the link names in view, one a line
            lines = str(self.initial["options"]).count("\n") + 2
            self.fields["options"].widget.attrs["rows"] = min(max(lines, 4), 14)


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
