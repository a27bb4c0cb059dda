"""`/sources/<name>/write/`: the staff button of `manage.py write_source`, run by the worker.

For a source whose place of record is the site, the page lists the records changed on the site
since the last sync, and its button queues write_source_task (decisions.sources.tasks): the
worker commits them to the branch asked for, as the person who pressed it, and the page shows
the outcome of the last runs (the commit and what to push, or why nothing was written).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_tasks.backends.database.models import DBTaskResult

from decisions.sources.models import RecordIn, Source
from decisions.sources.tasks import write_source_task
from decisions.sources.writing import changed_records

RECENT = 5


class WriteForm(forms.Form):
    branch = forms.RegexField(
        label="Branch", max_length=100, initial="site-edits",
        regex=r"^(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9][A-Za-z0-9._/-]*(?<![./])$",
        error_messages={"invalid": "A branch name: letters, digits, '.', '_', '-' and '/', not ending in '.' or '/'."},
        help_text="Made from the commit the site last synced, or continued if an earlier run made it.",
    )  # fmt: skip
    push = forms.BooleanField(label="Push the branch to the repository", required=False)


def _author(user: Any) -> str:
    """The person who pressed the button, as a commit author (settings' author if no e-mail)."""
    name = user.get_full_name() or user.get_username()
    return f"{name} <{user.email}>" if user.email else ""


def _recent(source: Source) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=write_source_task.module_path, args_kwargs__args__0=source.name
        ).order_by("-enqueued_at")[:RECENT]
    )


@login_required
def source_write(request: HttpRequest, name: str) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Only staff may write the site's records to a source's repository.")
    source = get_object_or_404(Source, name=name)
    if source.record_in != RecordIn.SITE:
        raise PermissionDenied(
            f"Source {source.name!r} has the repository as its place of record: its records are read-only "
            "here and nothing is written back. Staff can make the site its place of record in the admin."
        )
    form = WriteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        branch, push = form.cleaned_data["branch"], form.cleaned_data["push"]
        write_source_task.enqueue(source.name, branch, push, _author(request.user))
        messages.success(
            request,
            f"Queued: the worker commits the changed records to {branch}"
            f"{' and pushes it' if push else ''}; the outcome appears below once it ran.",
        )
        return redirect(reverse("decisions:source-write", args=[source.name]))
    context = {
        "source": source,
        "form": form,
        "changes": changed_records(source),
        "recent": _recent(source),
    }
    return render(request, "decisions/source_write.html", context, status=422 if form.errors else 200)
