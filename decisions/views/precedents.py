"""Creating and editing precedents (login and the model permission required)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from decisions.forms import PrecedentForm
from decisions.models import Precedent


def can_edit_precedent(user: object, precedent: Precedent | None = None) -> bool:
    permission = "decisions.change_precedent" if precedent else "decisions.add_precedent"
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(permission))


@login_required
def precedent_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    precedent = get_object_or_404(Precedent, pk=pk) if pk else None
    if not can_edit_precedent(request.user, precedent):
        raise PermissionDenied("Your account may not edit precedents.")
    form = PrecedentForm(request.POST or None, instance=precedent)
    if request.method == "POST" and form.is_valid():
        precedent = form.save()
        messages.success(request, f"Saved “{precedent.title}”.")
        return redirect(precedent)
    return render(request, "decisions/precedent_form.html", {"form": form, "precedent": precedent})
