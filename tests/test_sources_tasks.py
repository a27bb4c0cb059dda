"""The sync task: what it keeps of the sync's report, and a push that met a running sync.

The whole way (a real server, a real worker, the real sync) is tests/test_sources_worker.py; here
the sync is replaced, to play a sync that another server already holds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult

from decisions.models import Source
from decisions.sources import tasks

pytestmark = pytest.mark.django_db


@dataclass
class Report:
    skipped: str = ""

    def as_json(self) -> dict:
        return (
            {"name": "rust", "imported": 2, "skipped": self.skipped}
            if self.skipped
            else {"name": "rust", "imported": 2}
        )


@pytest.fixture
def source() -> Source:
    return Source.objects.create(name="rust", url="https://github.com/rust-lang/rfcs.git", holds="rfcs")


def test_the_task_keeps_the_sync_report_as_json(source, monkeypatch):
    monkeypatch.setattr(tasks, "sync_source", lambda s: Report())
    answer = tasks.sync_source_task.call("rust")
    assert answer == {"source": "rust", "attempt": 1, "result": {"name": "rust", "imported": 2}}
    assert not DBTaskResult.objects.exists()


def test_a_push_that_meets_a_running_sync_is_synced_again_once_it_is_over(source, monkeypatch):
    monkeypatch.setattr(tasks, "sync_source", lambda s: Report(skipped="another sync of rust is running"))
    before = timezone.now()
    answer = tasks.sync_source_task.call("rust")

    [again] = DBTaskResult.objects.all()
    assert answer["retry"] == str(again.id)
    assert again.args_kwargs == {"args": ["rust", 2], "kwargs": {}}
    assert again.run_after >= before + datetime.timedelta(seconds=29)
    # ... but not for ever.
    tasks.sync_source_task.call("rust", tasks.RETRIES)
    assert DBTaskResult.objects.count() == 1


def test_a_source_deleted_before_the_worker_ran_is_nothing_to_do(db):
    assert tasks.sync_source_task.call("gone") == {"source": "gone", "skipped": "no such source any more"}
