"""Background tasks of the sources room: a webhook's sync runs here, after the answer is sent.

Tasks use the django-tasks backport of Django 6.0's `django.tasks` (settings.TASKS): enqueueing
writes a row in the site's database and `manage.py db_worker` runs it. Arguments and return
values are stored as JSON, so a task takes the source's name (not the object) and returns plain
values a person can read in the admin's task results.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django_tasks import task

from decisions.sources.models import Source
from decisions.sources.sync import sync_source


@task()
def sync_source_task(source_name: str) -> dict[str, Any]:
    """Sync the source named `source_name`; what the sync reported, as JSON values.

    A source deleted between the push and the worker is not an error: there is nothing to sync.
    Sync failures raise, so the task result is FAILED with the error (the admin shows it).
    """
    source = Source.objects.filter(name=source_name).first()
    if source is None:
        return {"source": source_name, "skipped": "no such source any more"}
    return {"source": source_name, "result": as_json(sync_source(source))}


def as_json(value: Any) -> Any:
    """`value` as JSON values: dates as ISO text, other objects by their text (the task row keeps it)."""
    return json.loads(json.dumps(value, cls=_Encoder))


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            if hasattr(o, "__dict__"):
                return {key: val for key, val in vars(o).items() if not key.startswith("_")}
            return str(o)
