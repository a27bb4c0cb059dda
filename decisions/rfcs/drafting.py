"""Writing a new RFC in the browser (/rfcs/new/): pick a series the site numbers, start from a
section layout, preview, and submit it as a draft with yourself as author.

The number is given on submission, inside the transaction that saves the RFC: one more than the
series' counter row or than its highest number, whichever is larger, so a number is never given
twice, even after its RFC is deleted, and two submissions at once get two numbers (the counter
row is locked on PostgreSQL; SQLite's IMMEDIATE transactions run one at a time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from decisions import markdown
from decisions.accounts import claims
from decisions.accounts.writer import offer_add_me, writer
from decisions.forms import ControlFreeForm, markdown_size_validator
from decisions.markdown.fields import prerender
from decisions.models import RFC, Area, Person, RFCNumberCounter, RFCSeries, RFCStatus
from decisions.permissions import Refused, can_create_rfc
from decisions.rfcs.layouts import DEFAULT_LAYOUT, LAYOUTS, is_untouched

# The series whose numbers this site gives; imported ones (Rust, PEP, KEP) keep their repositories'.
NUMBERED_HERE = (RFCSeries.SITE,)


class NewRFCForm(ControlFreeForm):
    series = forms.ChoiceField(
        label="Series",
        widget=forms.RadioSelect,
        help_text="The number is the next free one of the series, given when you submit.",
    )
    layout = forms.ChoiceField(label="Start from", widget=forms.RadioSelect, required=False)
    title = forms.CharField(label="Title", max_length=300, widget=forms.TextInput(attrs={"maxlength": 300}))
    areas = forms.ModelMultipleChoiceField(
        label="Areas", queryset=Area.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    discussion_url = forms.URLField(
        label="Discussion URL", required=False, max_length=500, assume_scheme="https"
    )
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 28, "class": "mono"}),
        validators=[markdown_size_validator],
        help_text="Markdown. Headings become the sections and the table of contents.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [
            (value or "site", f"{RFC(series=value, number=0).label.removesuffix(' 0')}s of this site")
            for value in NUMBERED_HERE
        ]
        self.fields["layout"].choices = [(key, layout.label) for key, layout in LAYOUTS.items()]
        if not self.is_bound:
            self.initial.setdefault("series", "site")
            self.initial.setdefault("layout", DEFAULT_LAYOUT)
            self.initial.setdefault("body", LAYOUTS[DEFAULT_LAYOUT].body)

    def clean_series(self) -> str:
        value = self.cleaned_data["series"]
        return "" if value == "site" else value

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if is_untouched(body):
            raise forms.ValidationError(
                "The text is still the template: write at least the summary and the motivation.",
                code="untouched",
            )
        return body


def next_number(series: str) -> int:
    """Take the next number of `series`; call inside the transaction that saves the RFC."""
    counter, _ = RFCNumberCounter.objects.select_for_update().get_or_create(series=series)
    highest = RFC.objects.filter(series=series).aggregate(n=Max("number"))["n"] or 0
    counter.last_number = max(counter.last_number, highest) + 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def submit_draft(
    form: NewRFCForm, user: Any, author: Person, then: Callable[[RFC], None] | None = None
) -> RFC:
    """Save a valid form as a draft RFC, numbered, authored by the account's person, in one
    transaction; `then` writes what else belongs with it (an RFC drafted from a decision: the link)."""
    data = form.cleaned_data
    rfc = RFC(
        series=data["series"],
        title=data["title"],
        body=data["body"],
        discussion_url=data["discussion_url"],
        status=RFCStatus.DRAFT,
        created_on=timezone.localdate(),
    )
    prerender(rfc)  # before the transaction: it holds SQLite's write lock from its start
    with transaction.atomic():
        rfc.number = next_number(rfc.series)
        rfc.record_change(user=user, message="Submitted as a draft", note="Submitted")
        rfc.authors.add(author)
        rfc.areas.set(data["areas"])
        if then is not None:
            then(rfc)
    return rfc


def _switch_layout(request: HttpRequest, form: NewRFCForm) -> tuple[NewRFCForm, str]:
    """The form again starting from the chosen layout; text the person wrote is never replaced."""
    key = request.POST.get("layout") or DEFAULT_LAYOUT
    layout = LAYOUTS.get(key, LAYOUTS[DEFAULT_LAYOUT])
    data = request.POST.copy()
    if not is_untouched(data.get("body", "")):
        return NewRFCForm(data), (
            "Your text is kept: the template only replaces text that is still a template. "
            "Empty the text first to start again from another one."
        )
    data["body"] = layout.body
    return NewRFCForm(data), ""


@login_required
def rfc_new(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: `action` = layout (start from another), preview, or save."""
    if not can_create_rfc(request.user):
        raise Refused("rfc.new", what="write a new RFC")
    who = claims.who_step(request.user)
    if request.method != "POST":
        return _render(request, {"form": NewRFCForm()}, who)
    form = NewRFCForm(request.POST)
    action = request.POST.get("action")
    if action == "layout":
        form, notice = _switch_layout(request, form)
        return _render(request, {"form": form, "layout_notice": notice, "unchecked": True}, who)
    offer_add_me(form, who)
    if not form.is_valid():
        return _render(request, {"form": form, "preview": _preview(form)}, who, status=422)
    if action != "save":
        return _render(request, {"form": form, "preview": _preview(form)}, who)
    author = writer(form, request.user, who)
    if author is None:
        return _render(request, {"form": form, "preview": _preview(form)}, who, status=422)
    rfc = submit_draft(form, request.user, author)
    messages.success(request, f"{rfc.label} submitted as a draft. You can edit it from its page.")
    return redirect(rfc)


def _preview(form: NewRFCForm) -> dict[str, Any] | None:
    """The text as it will read, and its sections; nothing is saved."""
    body = form.cleaned_data.get("body") if hasattr(form, "cleaned_data") else None
    if not body:
        return None
    rendered = markdown.render_document(body)
    top = min((heading.level for heading in rendered.toc), default=1)
    return {
        "title": form.cleaned_data.get("title") or "Untitled",
        "html": rendered.html,
        "sections": [heading for heading in rendered.toc if heading.level == top],
    }


def _render(
    request: HttpRequest, context: dict[str, Any], who: claims.WhoStep | None, status: int = 200
) -> HttpResponse:
    context["layouts"] = list(LAYOUTS.items())
    context["who"] = who
    offer_add_me(context["form"], who)
    template = "decisions/rfc_new.html#preview" if request.htmx else "decisions/rfc_new.html"
    return render(request, template, context, status=200 if request.htmx else status)
