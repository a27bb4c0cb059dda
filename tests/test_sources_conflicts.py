"""No silent overwrite: a record changed on the site and upstream since the last sync waits for a person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from decisions.models import RFC, Meeting, Source, SourceFile, SyncConflict
from decisions.sources.sync import sync_source
from tests.gitrepos import Repo, rust_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.SOURCES_CACHE_DIR = str(tmp_path / "cache")


@pytest.fixture
def repo(tmp_path) -> Repo:
    repo = Repo(tmp_path / "rfcs")
    repo.write("text/0001-first.md", rust_rfc(1, "First", "The text as written upstream."))
    repo.write("text/0002-second.md", rust_rfc(2, "Second"))
    repo.commit("two RFCs")
    return repo


@pytest.fixture
def source(repo) -> Source:
    source = Source.objects.create(name="rust", url=repo.url, holds="rfcs", record_in="site")
    sync_source(source)
    return source


def edit_on_site(client, rfc: RFC, body: str) -> None:
    """What a person does on the RFC's edit page."""
    data = {"title": rfc.title, "status": rfc.status, "discussion_url": rfc.discussion_url, "body": body}
    response = client.post(rfc.edit_url, {**data, "version": rfc.version, "message": "edited on the site"})
    assert response.status_code == 302, response.content.decode()[:500]


def conflict_url(conflict: SyncConflict) -> str:
    return reverse("decisions:sync-conflict", args=[conflict.file.source.name, conflict.pk])


def test_a_record_changed_on_both_sides_is_left_alone_and_counted(admin_client, repo, source):
    rfc = RFC.objects.get(number=1)
    edit_on_site(admin_client, rfc, "The site's own text.")
    repo.write("text/0001-first.md", rust_rfc(1, "First", "The upstream change."))
    repo.write("text/0002-second.md", rust_rfc(2, "Second", "Only changed upstream."))
    head = repo.commit("both")

    result = sync_source(source)

    assert (result.conflicts, result.updated) == (1, 1)
    assert RFC.objects.get(number=1).body == "The site's own text."
    assert "Only changed upstream." in RFC.objects.get(number=2).body
    conflict = SyncConflict.objects.get()
    assert conflict.commit == head and "The upstream change." in conflict.text
    # It stays a conflict at every sync until someone chooses, and is never duplicated.
    assert sync_source(source).conflicts == 1
    assert SyncConflict.objects.count() == 1


def test_the_conflict_page_shows_both_versions_and_keeping_the_sites_marks_the_upstream_file_seen(
    admin_client, repo, source
):
    edit_on_site(admin_client, RFC.objects.get(number=1), "The site's own text.")
    repo.write("text/0001-first.md", rust_rfc(1, "First", "The upstream change."))
    head = repo.commit("upstream")
    sync_source(source)
    conflict = SyncConflict.objects.get()

    page = admin_client.get(conflict_url(conflict)).content.decode()
    assert "The site&#x27;s own text." in page and "The upstream change." in page
    assert "Take the repository's version" in page and "Keep the site's version" in page
    # The line-by-line diff compares the text the site keeps: the header became fields, not a change.
    assert "in the repository: </span>+The upstream change." in page
    assert "in the repository: </span>+- Feature Name" not in page
    listing = admin_client.get(reverse("decisions:source-detail", args=["rust"])).content.decode()
    assert "Waiting for a choice (1)" in listing

    response = admin_client.post(conflict_url(conflict), {"choice": "site"})
    assert response.status_code == 302
    assert RFC.objects.get(number=1).body == "The site's own text."
    assert SourceFile.objects.get(path="text/0001-first.md").blob == repo.git(
        "rev-parse", f"{head}:text/0001-first.md"
    )
    again = sync_source(source)
    assert (again.conflicts, again.updated, again.unchanged) == (0, 0, 2)
    assert RFC.objects.get(number=1).body == "The site's own text."


def test_taking_the_repositorys_version_applies_it_and_the_history_keeps_the_sites(
    admin_client, repo, source
):
    edit_on_site(admin_client, RFC.objects.get(number=1), "The site's own text.")
    repo.write("text/0001-first.md", rust_rfc(1, "First", "The upstream change."))
    repo.commit("upstream")
    sync_source(source)
    conflict = SyncConflict.objects.get()

    assert admin_client.post(conflict_url(conflict), {"choice": "repository"}).status_code == 302

    rfc = RFC.objects.get(number=1)
    assert "The upstream change." in rfc.body
    assert [r.body for r in rfc.revisions.all()][1] == "The site's own text."  # kept in the history
    conflict.refresh_from_db()
    assert conflict.choice == "repository" and conflict.resolved_by.username == "admin"
    again = sync_source(source)
    assert (again.conflicts, again.updated) == (0, 0)
    # Choosing again (a second tab) changes nothing and says who chose first.
    second = admin_client.post(conflict_url(conflict), {"choice": "site"})
    assert second.status_code == 409
    assert "Someone chose a version of this record while you were reading" in second.content.decode()
    assert "by admin" in second.content.decode()


def test_a_site_edit_alone_is_never_overwritten_by_a_sync(admin_client, repo, source):
    edit_on_site(admin_client, RFC.objects.get(number=1), "The site's own text.")
    result = sync_source(source)
    assert (result.conflicts, result.updated) == (0, 0)
    assert RFC.objects.get(number=1).body == "The site's own text."


def test_meeting_notes_edited_on_the_site_and_upstream_wait_for_a_choice(admin_client, tmp_path, settings):
    repo = Repo(tmp_path / "meetings")
    notes = "# Wasmtime call 2023-03-30\n\nAttendees: Alex Crichton, Till Schneidereit\n\n## Releases\n\n- Alex: ship 8.0\n"
    repo.write("wasmtime/2023/wasmtime-03-30.md", notes)
    repo.commit("notes")
    source = Source.objects.create(name="meetings", url=repo.url, holds="meetings", record_in="site")
    assert sync_source(source).imported == 1
    meeting = Meeting.objects.get()
    Meeting.objects.filter(pk=meeting.pk).update(source_text=notes + "\nAdded on the site.\n")
    repo.write("wasmtime/2023/wasmtime-03-30.md", notes + "\n- Till: review the PR\n")
    repo.commit("more notes")

    result = sync_source(source)

    assert (result.conflicts, result.updated) == (1, 0)
    assert "Added on the site." in Meeting.objects.get().source_text
    conflict = SyncConflict.objects.get()
    assert admin_client.post(conflict_url(conflict), {"choice": "repository"}).status_code == 302
    assert "Till: review the PR" in Meeting.objects.get().source_text
    assert sync_source(source).conflicts == 0
