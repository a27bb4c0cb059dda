"""The precedent pages: the list, a precedent with the records citing it, and the editor (editors:
decisions.permissions.can_edit_precedent)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from decisions.forms import form_over_current
from decisions.markdown.fields import prerender
from decisions.models import Precedent
from decisions.permissions import Refused, can_edit_precedent
from decisions.precedents.forms import PrecedentForm


@require_safe
def precedent_list(request: HttpRequest) -> HttpResponse:
    precedents = Precedent.objects.annotate(citation_count=Count("citations")).order_by("-date", "title")
    context = {"precedents": precedents, "can_create": can_edit_precedent(request.user)}
    return render(request, "decisions/precedent_list.html", context)


@require_safe
def precedent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    precedent = get_object_or_404(Precedent, pk=pk)
    context = {
        "precedent": precedent,
        "citations": precedent.citations.select_related("decision"),
        "can_edit": can_edit_precedent(request.user, precedent),
    }
    return render(request, "decisions/precedent_detail.html", context)


STALE_MESSAGE = (
    "Someone else saved this precedent after you opened it, so your change was not saved. Your "
    "input is kept below; check their version on the precedent's page and save again."
)


@login_required
def precedent_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    precedent = get_object_or_404(Precedent, pk=pk) if pk else None
    if not can_edit_precedent(request.user, precedent):
        key = "precedent.edit" if precedent else "precedent.new"
        raise Refused(key, what="edit this precedent" if precedent else "add a precedent")
    form = PrecedentForm(request.POST or None, instance=precedent)
    if request.method != "POST":
        return _render(request, form, precedent)
    if not form.is_valid():
        return _render(request, form, precedent, status=422)
    prerender(form.instance)
    with transaction.atomic():
        if precedent is not None and not precedent.claim_version(form.cleaned_data["version"] or 0):
            return _refuse_stale(request, precedent)
        saved = form.save()
    messages.success(request, f"Saved “{saved.title}”.")
    return redirect(saved)


def _refuse_stale(request: HttpRequest, precedent: Precedent) -> HttpResponse:
    form = form_over_current(PrecedentForm, request.POST, precedent, STALE_MESSAGE)
    return _render(request, form, form.instance, status=409)


def _render(
    request: HttpRequest, form: PrecedentForm, precedent: Precedent | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "decisions/precedent_form.html", {"form": form, "precedent": precedent}, status=status
    )
