"""The sources' pages, for staff: each source's last sync (commit, what changed, every file skipped
or refused and why), and a conflict's two versions side by side with the choice between them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from decisions.sources.conflicts import AlreadyResolved, NotApplied, choose, side_by_side
from decisions.sources.git import redact
from decisions.sources.importers import adapter_for
from decisions.sources.models import Source
from decisions.sources.runs import Choice, SyncConflict

STAFF_ONLY = (
    "Sources and their syncs are shown to staff only, as their settings say where the team's "
    "repositories are. Ask a staff member of the site to look, or to give your account staff access."
)


def _staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied(STAFF_ONLY)


@login_required
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    rows = [
        (source, source.runs.defer("changes", "failed", "skipped").first()) for source in Source.objects.all()
    ]
    return render(request, "decisions/sources/source_list.html", {"rows": rows})


def _changes(source: Source, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's changes with each record's label and link (one query)."""
    ids = [change["record"] for change in changes if change.get("record")]
    described = adapter_for(source.holds).describe(ids) if ids else {}
    return [{**change, "label": described.get(change.get("record"), ("", ""))} for change in changes]


@login_required
@require_GET
def source_detail(request: HttpRequest, name: str) -> HttpResponse:
    _staff(request)
    source = get_object_or_404(Source, name=name)
    run = source.runs.first()
    conflicts = SyncConflict.objects.filter(file__source=source, resolved_at__isnull=True).select_related(
        "file"
    )
    withdrawn = list(source.files.filter(withdrawn=True).order_by("path"))
    records = adapter_for(source.holds).describe([f.object_id for f in withdrawn if f.object_id])
    context = {
        "source": source,
        "url": redact(source.url),
        "run": run,
        "changes": _changes(source, run.changes) if run else [],
        "conflicts": list(conflicts),
        "withdrawn": [(file, records.get(file.object_id, ("", ""))) for file in withdrawn],
        "runs": source.runs.defer("changes", "failed", "skipped")[1:11],
        "files": source.files.filter(withdrawn=False, object_id__isnull=False).count(),
    }
    return render(request, "decisions/sources/source_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def conflict_detail(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    _staff(request)
    conflict = get_object_or_404(
        SyncConflict.objects.select_related("file__source", "resolved_by"), pk=pk, file__source__name=name
    )
    source = conflict.file.source
    error, status = "", 200
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice not in Choice.values:
            error, status = "Choose the site's version or the repository's.", 400
        else:
            try:
                choose(conflict.pk, choice, request.user)
            except AlreadyResolved as resolved:
                conflict, status = resolved.conflict, 409
                error = "Someone chose a version of this record while you were reading; nothing was changed."
            except NotApplied as problem:
                error, status = f"The repository's version could not be imported: {problem}", 409
            else:
                kept = (
                    "the repository's version was imported"
                    if choice == Choice.REPOSITORY
                    else "the site's version was kept"
                )
                messages.success(request, f"{conflict.file.path}: {kept}.")
                return redirect("decisions:source-detail", name=source.name)
    described = adapter_for(source.holds).describe(
        [conflict.file.object_id] if conflict.file.object_id else []
    )
    context = {
        "source": source,
        "conflict": conflict,
        "record": described.get(conflict.file.object_id, ("", "")),
        "error": error,
        **side_by_side(conflict),
    }
    return render(request, "decisions/sources/conflict.html", context, status=status)
