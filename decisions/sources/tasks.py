"""Background tasks of the sources room: a webhook's sync runs here, after the answer is sent.

Tasks use the django-tasks backport of Django 6.0's `django.tasks` (settings.TASKS): enqueueing
writes a row in the site's database and `manage.py db_worker` runs it. Arguments and return
values are stored as JSON, so a task takes the source's name (not the object) and returns plain
values a person can read in the admin's task results.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django_tasks import task

from decisions.sources.models import Source
from decisions.sources.sync import sync_source
from decisions.sources.writing import WriteError, write_source

# A push that arrives while another sync of the source runs (that sync may have fetched before
# the push) is synced again once that one is over: tried again this much later, this many times.
RETRY_AFTER = datetime.timedelta(seconds=30)
RETRIES = 40


@task()
def sync_source_task(source_name: str, attempt: int = 1) -> dict[str, Any]:
    """Sync the source named `source_name`; what the sync reported, as JSON values.

    A source deleted between the push and the worker is not an error: there is nothing to sync.
    What the sync reports (a file that failed, git that could not fetch) is in the result and on
    the source's page; anything it raises marks the task FAILED with the error (the admin shows it).
    """
    source = Source.objects.filter(name=source_name).first()
    if source is None:
        return {"source": source_name, "skipped": "no such source any more"}
    result = sync_source(source)
    answer: dict[str, Any] = {"source": source_name, "attempt": attempt, "result": as_json(result)}
    if getattr(result, "skipped", "") and attempt < RETRIES:
        later = sync_source_task.using(run_after=timezone.now() + RETRY_AFTER).enqueue(
            source_name, attempt + 1
        )
        answer["retry"] = str(later.id)
    return answer


@task()
def write_source_task(source_name: str, branch: str, push: bool = False, author: str = "") -> dict[str, Any]:
    """`manage.py write_source` for the staff button: commit the site's changes to `branch`.

    What a person must fix (a dirty clone, a source the repository holds) is the result's
    `error`, shown on the page; the clone is left as it was.
    """
    source = Source.objects.filter(name=source_name).first()
    if source is None:
        return {"source": source_name, "error": "no such source any more"}
    try:
        return write_source(source, branch, author=author, push=push).as_json()
    except WriteError as error:
        return {"source": source_name, "branch": branch, "error": str(error)}


def as_json(value: Any) -> Any:
    """`value` as JSON values: its own as_json() if it has one, dates as ISO text, others as text."""
    if hasattr(value, "as_json"):
        value = value.as_json()
    return json.loads(json.dumps(value, cls=_Encoder))


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)
