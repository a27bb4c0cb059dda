"""Two syncs of one source at once (cron on two servers): the second skips it, nothing is imported twice."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from decisions.models import RFC, RFCRevision, Source, SourceFile, SyncRun
from decisions.sources import sync as sync_module
from decisions.sources.sync import sync_source
from tests.gitrepos import Repo, rust_rfc


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.SOURCES_CACHE_DIR = str(tmp_path / "cache")


@pytest.fixture
def repo(tmp_path) -> Repo:
    repo = Repo(tmp_path / "rfcs")
    for number, title in [(1, "First"), (2, "Second"), (3, "Third")]:
        repo.write(f"text/000{number}-{title.lower()}.md", rust_rfc(number, title))
    repo.commit("three RFCs")
    return repo


@pytest.mark.django_db(transaction=True)
def test_a_second_sync_while_the_first_runs_skips_the_source_and_imports_nothing(repo, monkeypatch):
    Source.objects.create(name="rust", url=repo.url, holds="rfcs")
    fetching, finish = threading.Event(), threading.Event()
    real_snapshot = sync_module.snapshot

    def slow_snapshot(*args, **kwargs):
        fetching.set()  # the first sync holds its claim while git fetches
        assert finish.wait(30)
        return real_snapshot(*args, **kwargs)

    monkeypatch.setattr(sync_module, "snapshot", slow_snapshot)
    results = {}

    def first_server() -> None:
        try:
            results["first"] = sync_source(Source.objects.get(name="rust"))
        finally:
            connection.close()

    thread = threading.Thread(target=first_server)
    thread.start()
    try:
        assert fetching.wait(30)
        second = sync_source(Source.objects.get(name="rust"))  # the other server's cron, its own connection
    finally:
        finish.set()
        thread.join(60)

    assert second.skipped.startswith("another sync of rust has been running since ")
    assert second.as_json()["imported"] == 0 and "skipped" in second.as_json()
    assert results["first"].imported == 3
    assert RFC.objects.count() == 3 and RFCRevision.objects.count() == 3
    assert SourceFile.objects.count() == 3 and SyncRun.objects.count() == 1
    assert Source.objects.get().sync_started_at is None  # released: the next cron run syncs again
    assert sync_source(Source.objects.get()).unchanged == 3


@pytest.mark.django_db
def test_a_claim_left_by_a_killed_sync_is_taken_over_after_an_hour(repo):
    source = Source.objects.create(name="rust", url=repo.url, holds="rfcs")
    Source.objects.filter(pk=source.pk).update(
        sync_started_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert sync_source(Source.objects.get()).skipped
    Source.objects.filter(pk=source.pk).update(sync_started_at=timezone.now() - datetime.timedelta(hours=2))
    result = sync_source(Source.objects.get())
    assert not result.skipped and result.imported == 3
