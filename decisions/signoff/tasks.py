"""Background tasks of sign-off: delivering the outbox (decisions.signoff.notices).

A change that writes outbox rows queues `deliver_notices_task` once its transaction commits
(`queue_delivery`, called by decisions.signoff.flow). A pass that leaves rows to try again
queues itself for the earliest retry, unless a pass is already waiting; `manage.py send_notices`
from cron is the safety net for a queue that lost a task, and sends the daily digests.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.database.models import DBTaskResult

from decisions.signoff import notices

TASK_PATH = "decisions.signoff.tasks.deliver_notices_task"


@task()
def deliver_notices_task(digest: bool = False) -> dict[str, Any]:
    """One delivery pass (the digests with `digest`); what it did, as JSON values."""
    report = notices.deliver(timezone.now(), digest=digest)
    answer = report.as_json()
    if report.next_attempt_at is not None and not digest:
        answer["retry"] = queue_retry(report.next_attempt_at)
    return answer


def queue_retry(when: datetime.datetime) -> str | None:
    """Queue a pass for `when`, unless one is already queued to run by then; the task's id."""
    waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").filter(
        run_after__lte=when
    ) | DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY", run_after=None)
    if waiting.exists():
        return None
    return str(deliver_notices_task.using(run_after=when).enqueue().id)


def _enqueue() -> None:
    deliver_notices_task.enqueue()


def queue_delivery() -> None:
    """Queue a pass after the current transaction commits (once per transaction); at once outside one.

    robust: a queue that cannot be written must not turn a saved change into an error page; the
    rows are in the outbox and `send_notices` from cron delivers them.
    """
    pending = getattr(connection, "run_on_commit", [])
    if any(callback is _enqueue for _, callback, _ in pending):
        return
    transaction.on_commit(_enqueue, robust=True)
