"""Drafting an RFC from a decision (/decisions/<n>/draft-rfc/), and settling a conflict in its block.

The form is /rfcs/new/'s (decisions.rfcs.drafting): series, layout, title, areas, text, preview,
the number given on submission, the author from the account. Its text starts from the layout
with the decision's generated block under "Rationale and alternatives".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from decisions.accounts import claims
from decisions.accounts.writer import offer_add_me, writer
from decisions.drafted import block
from decisions.drafted.models import DraftedRFC
from decisions.drafted.pages import FormRecord, form_record
from decisions.drafted.sync import generated_for, use_decisions_block
from decisions.models import RFC, Area, Decision
from decisions.permissions import Refused, can_create_rfc, can_edit_rfc
from decisions.rfcs.drafting import NewRFCForm, _preview, submit_draft
from decisions.rfcs.layouts import DEFAULT_LAYOUT, LAYOUTS
from decisions.sources.models import RecordKind
from decisions.sources.readonly import ensure_editable


def drafted_body(layout_key: str, number: int, inner: str) -> str:
    layout = LAYOUTS.get(layout_key, LAYOUTS[DEFAULT_LAYOUT])
    return block.with_block(layout.body, number, inner)


class DraftFromDecisionForm(NewRFCForm):
    """/rfcs/new/'s form, whose text must keep the decision's block as it is now."""

    def __init__(
        self, *args: Any, decision: Decision, inner: str, areas: list[Area] = (), **kwargs: Any
    ) -> None:
        self.decision, self.inner = decision, inner
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(
            title=decision.title,
            body=drafted_body(DEFAULT_LAYOUT, decision.number, inner),
            areas=[area.pk for area in areas],
        )
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = (
            f"Markdown. The block between the two <!-- generated … --> markers is DR-{decision.number:04d}'s "
            "matrix: the site rewrites it when the matrix changes. Everything else is yours."
        )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        code = self.decision.code
        if any(block.same(body, drafted_body(key, self.decision.number, self.inner)) for key in LAYOUTS):
            raise forms.ValidationError(
                "The text is still the template: write at least the summary and the motivation.",
                code="untouched",
            )
        found = block.find(body)
        if found is None:
            raise forms.ValidationError(
                f"The block generated from {code} is missing: keep its two markers, or press "
                "“Put the decision's block back” to add it again.",
                code="block-missing",
            )
        if found.number != self.decision.number or not block.same(found.inner, self.inner):
            raise forms.ValidationError(
                f"The text between the markers is not {code}'s matrix as it is now: it was edited, or the "
                "matrix changed since you opened this page. Move your own words outside the markers, then "
                "press “Put the decision's block back”.",
                code="block-changed",
            )
        return body


@login_required
def draft_rfc(request: HttpRequest, number: int) -> HttpResponse:
    """GET: the form. POST: `action` = layout, block (put the decision's block back), preview, or save."""
    record = form_record(number)
    if record is None:
        raise Http404(f"No decision DR-{number:04d}.")
    decision = record.decision
    if not can_create_rfc(request.user):
        raise Refused("rfc.new", what=f"draft an RFC from {decision.code}")
    who = claims.who_step(request.user)
    inner = generated_for(decision)
    make = lambda data=None: DraftFromDecisionForm(data, decision=decision, inner=inner, areas=record.areas)  # noqa: E731
    if request.method != "POST":
        return _render(request, record, {"form": make()}, who)
    action = request.POST.get("action")
    if action in ("layout", "block"):
        form, notice = _rewrite(request, decision, inner, action, make)
        return _render(request, record, {"form": form, "layout_notice": notice, "unchecked": True}, who)
    form = make(request.POST)
    offer_add_me(form, who)
    if not form.is_valid():
        return _render(request, record, {"form": form, "preview": _preview(form)}, who, status=422)
    if action != "save":
        return _render(request, record, {"form": form, "preview": _preview(form)}, who)
    author = writer(form, request.user, who)
    if author is None:
        return _render(request, record, {"form": form, "preview": _preview(form)}, who, status=422)
    found = block.find(form.cleaned_data["body"])

    def link(rfc: RFC) -> None:
        DraftedRFC.objects.create(rfc=rfc, decision=decision, generated=block.normalise(found.inner))

    rfc = submit_draft(form, request.user, author, then=link)
    messages.success(
        request,
        f"{rfc.label} drafted from {decision.code}. Its “Rationale and alternatives” block follows the "
        "decision's matrix; the rest is yours to write.",
    )
    return redirect(rfc)


def _rewrite(
    request: HttpRequest, decision: Decision, inner: str, action: str, make: Any
) -> tuple[NewRFCForm, str]:
    """Another layout (only while the text is still a template), or the decision's block put back
    between its markers; the person's own words are never replaced."""
    data = request.POST.copy()
    text = data.get("body", "")
    if action == "block":
        found = block.find(text)
        data["body"] = (
            block.replace(text, found, inner) if found else block.with_block(text, decision.number, inner)
        )
        return make(data), f"{decision.code}'s block is back in the text, as the matrix is now."
    untouched = not text.strip() or any(
        block.same(text, drafted_body(key, decision.number, inner)) for key in LAYOUTS
    )
    if not untouched:
        return make(data), (
            "Your text is kept: the template only replaces text that is still a template. "
            "Empty the text first to start again from another one."
        )
    data["body"] = drafted_body(data.get("layout") or DEFAULT_LAYOUT, decision.number, inner)
    return make(data), ""


def _render(
    request: HttpRequest,
    record: FormRecord,
    context: dict[str, Any],
    who: claims.WhoStep | None,
    status: int = 200,
) -> HttpResponse:
    context.update(decision=record.decision, layouts=list(LAYOUTS.items()), who=who, drafted=record.drafted)
    offer_add_me(context["form"], who)
    template = "decisions/rfc_new.html#preview" if request.htmx else "decisions/decision_draft_rfc.html"
    return render(request, template, context, status=200 if request.htmx else status)


@login_required
@require_POST
def use_block(request: HttpRequest, number: int) -> HttpResponse:
    """The author settles a conflict: the decision's block replaces their text between the
    markers (which stays in the RFC's history)."""
    rfc = get_object_or_404(RFC.objects.select_related("drafted_from__decision"), series="", number=number)
    link = getattr(rfc, "drafted_from", None)
    if link is None:
        return render(
            request, "decisions/drafted_refused.html", {"rfc": rfc, "reason": "not-drafted"}, status=404
        )
    if not can_edit_rfc(request.user, rfc):
        raise Refused("rfc.edit", what=f"edit {rfc.label}", record=rfc)
    ensure_editable(RecordKind.RFC, rfc.pk, rfc.label)
    version = request.POST.get("version", "")
    if not (version.isdigit() and use_decisions_block(link, int(version), request.user)):
        return render(request, "decisions/drafted_refused.html", {"rfc": rfc, "reason": "stale"}, status=409)
    messages.success(
        request,
        f"{rfc.label}: the block now says what {link.decision.code} says. Your text is in its history.",
    )
    return redirect(rfc)
