"""No silent overwrite from the site: records whose place of record is a repository are read-only.

The editors of RFCs, decision records and meetings call `ensure_editable()` first. It raises
LivesInRepository, a PermissionDenied, so the refusal travels like every other 403; the site's
403 handler (`permission_denied`, settings' ROOT_URLCONF names it) turns this one into a page
that says where the file is and links to it. Staff keep the admin as the way out.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from decisions.permissions.pages import permission_denied as explained_refusal
from decisions.sources.links import RecordHome, record_home


class LivesInRepository(PermissionDenied):
    """The record's place of record is a repository: edit the file there."""

    def __init__(self, label: str, home: RecordHome) -> None:
        super().__init__(f"{label} lives in the repository of source {home.source!r}; edit it there.")
        self.label, self.home = label, home


def ensure_editable(kind: str, object_id: int, label: str) -> None:
    """Refuse (403) to edit a record held in a repository that is its place of record."""
    home = record_home(kind, object_id)
    if home is not None and home.read_only:
        raise LivesInRepository(label, home)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """The site's 403: where a repository's record lives, or what was refused, why and who can grant it."""
    if isinstance(exception, LivesInRepository):
        context = {"label": exception.label, "home": exception.home}
        response = TemplateResponse(request, "decisions/lives_in_repository.html", context, status=403)
        return response.render()
    return explained_refusal(request, exception)
