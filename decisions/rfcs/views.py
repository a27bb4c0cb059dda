"""Editing an RFC in the browser: its authors, its shepherd and staff (decisions.permissions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from decisions.forms import form_over_current
from decisions.markdown.fields import prerender
from decisions.models import RFC
from decisions.permissions import can_edit_rfc
from decisions.rfcs.forms import RFCEditForm
from decisions.views.pages import get_rfc

STALE_MESSAGE = (
    "Someone else saved this RFC (at {time}) after you opened it, so your change was not saved. "
    "Your text is kept below; their version is on the RFC's page and in its history. "
    "Merge what you need and save again."
)


@login_required
def rfc_edit(request: HttpRequest, number: int, series: str = "") -> HttpResponse:
    """Title, status, text and links of an RFC; every save is a revision with a message."""
    rfc = get_rfc(number, series)
    if not can_edit_rfc(request.user, rfc):
        raise PermissionDenied("Only this RFC's authors, its shepherd and staff may edit it.")
    if request.method != "POST":
        return _render(request, rfc, RFCEditForm(instance=rfc))
    form = RFCEditForm(request.POST, instance=rfc)
    if not form.is_valid():
        return _render(request, rfc, form, status=422)
    prerender(form.instance)
    with transaction.atomic():
        if not rfc.claim_version(form.cleaned_data["version"]):
            return _refuse_stale(request, rfc)
        rfc = form.save(commit=False)
        note = form.cleaned_data["message"]
        rfc.record_change(user=request.user, message=note, note=note)
        form.save_m2m()
    messages.success(request, f"{rfc.label} saved.")
    return redirect(rfc)


def _refuse_stale(request: HttpRequest, rfc: RFC) -> HttpResponse:
    """The person's own input comes back with the current version, ready to save over."""

    def message(current: RFC) -> str:
        return STALE_MESSAGE.format(time=timezone.localtime(current.updated_at).strftime("%H:%M:%S"))

    form = form_over_current(RFCEditForm, request.POST, rfc, message)
    return _render(request, form.instance, form, status=409)


def _render(request: HttpRequest, rfc: RFC, form: RFCEditForm, status: int = 200) -> HttpResponse:
    return render(request, "decisions/rfc_edit.html", {"rfc": rfc, "form": form}, status=status)
