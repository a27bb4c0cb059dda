"""The pages of the permission table: "Who may do what" (/about/permissions/) and the 403 page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from decisions.permissions.refusals import explain
from decisions.permissions.rules import held_role, signed_in
from decisions.permissions.table import ACTIONS, ROLE_MEANING, Role


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: signed-out people are sent to sign in; others get the page saying why."""
    if not signed_in(getattr(request, "user", None)):
        return redirect_to_login(request.get_full_path())
    refused = exception if isinstance(exception, PermissionDenied) else PermissionDenied()
    context = {"explanation": explain(request.user, refused)}
    return render(request, "403.html", context, status=403)


def _cell(action: Any, role: Role) -> dict[str, str]:
    if not action.allows(role):
        return {"allowed": "", "text": "No"}
    if role == Role.OWNER and action.owners:
        return {"allowed": "yes", "text": f"Yes: {action.owners}"}
    if role == Role.CONTRIBUTOR and action.contributor_note:
        return {"allowed": "yes", "text": f"Yes. {action.contributor_note}"}
    return {"allowed": "yes", "text": "Yes"}


@require_safe
def permissions_page(request: HttpRequest) -> HttpResponse:
    """The table as people read it, and which roles the signed-in person holds."""
    roles = list(Role)
    rows = [{"action": action, "cells": [_cell(action, role) for role in roles]} for action in ACTIONS]
    mine = []
    if signed_in(request.user):
        mine = [
            action for action in ACTIONS if held_role(request.user, action.key) not in (None, Role.VISITOR)
        ]
    context = {
        "roles": [(role, ROLE_MEANING[role]) for role in roles],
        "rows": rows,
        "mine": mine,
    }
    return render(request, "decisions/permissions.html", context)
