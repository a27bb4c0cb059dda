"""sync_sources against real git repositories made on disk: first sync, then exactly what changed."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from decisions.models import RFC, RFCRevision, RFCStatus, Source, SourceFile, SyncRun
from decisions.sources.sync import sync_source
from tests.gitrepos import Repo, rust_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.SOURCES_CACHE_DIR = str(tmp_path / "cache")


@pytest.fixture
def repo(tmp_path) -> Repo:
    repo = Repo(tmp_path / "rfcs")
    repo.write("README.md", "# Our RFCs\n")
    repo.write("text/0001-first.md", rust_rfc(1, "First"))
    repo.write("text/0002-second.md", rust_rfc(2, "Second"))
    repo.write("text/0003-third.md", rust_rfc(3, "Third"))
    repo.write("0000-template.md", rust_rfc(0, "Template"))
    repo.commit("three RFCs")
    return repo


@pytest.fixture
def source(repo) -> Source:
    return Source.objects.create(name="rust", url=repo.url, holds="rfcs")


def sync_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("sync_sources", "--json", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_the_first_sync_imports_every_rfc_and_says_so_in_the_json_shape_given(repo, source):
    result = sync_json()
    head = repo.git("rev-parse", "HEAD")
    assert result == {
        "sources": [
            {
                "name": "rust",
                "commit": head,
                "imported": 3,
                "updated": 0,
                "unchanged": 0,
                "withdrawn": 0,
                "failed": [],
                "conflicts": 0,
            }
        ]
    }
    assert sorted(RFC.objects.values_list("series", "number", "title")) == [
        ("rust", 1, "First"), ("rust", 2, "Second"), ("rust", 3, "Third"),
    ]  # fmt: skip
    # Each revision names the commit it came from.
    messages = set(RFCRevision.objects.values_list("message", flat=True))
    assert messages == {
        f"Imported from {head[:7]} (text/000{n}-{w}.md)"
        for n, w in [(1, "first"), (2, "second"), (3, "third")]
    }
    source.refresh_from_db()
    assert source.last_commit == head and source.last_synced_at is not None
    files = dict(SourceFile.objects.values_list("path", "blob"))
    assert files == {
        p: repo.git("rev-parse", f"HEAD:{p}")
        for p in ["text/0001-first.md", "text/0002-second.md", "text/0003-third.md"]
    }
    run = SyncRun.objects.get()
    assert {"path": "README.md", "reason": "outside the RFC folders (text)"} in run.skipped


def test_a_second_sync_reads_exactly_what_changed_edit_rename_deletion_and_addition(repo, source):
    sync_source(source)
    first = repo.git("rev-parse", "HEAD")
    repo.write("text/0001-first.md", rust_rfc(1, "First", "A better text."))
    repo.git("mv", "text/0002-second.md", "text/0002-second-renamed.md")
    repo.git("rm", "--quiet", "text/0003-third.md")
    repo.write("text/0004-fourth.md", rust_rfc(4, "Fourth"))
    head = repo.commit("edit, rename, delete, add")
    revisions = RFCRevision.objects.count()

    result = sync_source(source)

    assert result.as_json() == {
        "name": "rust", "commit": head, "imported": 1, "updated": 1, "unchanged": 1, "withdrawn": 1,
        "failed": [], "conflicts": 0,
    }  # fmt: skip
    first_rfc = RFC.objects.get(series="rust", number=1)
    assert "A better text." in first_rfc.body
    assert first_rfc.revisions.first().message == f"Updated from {head[:7]} (text/0001-first.md)"
    # The deleted file's RFC is kept, withdrawn, with the status change in its history.
    third = RFC.objects.get(series="rust", number=3)
    assert third.status == RFCStatus.WITHDRAWN
    assert third.status_changes.last().note == f"Removed upstream in {head[:7]}"
    assert SourceFile.objects.get(path="text/0003-third.md").withdrawn
    # The renamed file is the same record, followed under its new path.
    assert (
        SourceFile.objects.get(path="text/0002-second-renamed.md").object_id == RFC.objects.get(number=2).pk
    )
    assert not SourceFile.objects.filter(path="text/0002-second.md").exists()
    # New revisions: one for the edit, one for the new RFC; none for the rename or the withdrawal text.
    assert RFCRevision.objects.count() == revisions + 2
    run = SyncRun.objects.first()
    assert run.previous_commit == first and run.commit == head
    actions = {(c["path"], c["action"]) for c in run.changes}
    assert actions == {
        ("text/0001-first.md", "updated"),
        ("text/0004-fourth.md", "imported"),
        ("text/0002-second-renamed.md", "renamed from text/0002-second.md"),
        ("text/0003-third.md", "withdrawn"),
    }


def test_a_dry_run_counts_what_a_sync_would_read_and_writes_nothing(repo, source):
    sync_source(source)
    repo.write("text/0001-first.md", rust_rfc(1, "First", "A better text."))
    repo.write("text/0004-fourth.md", rust_rfc(4, "Fourth"))
    repo.git("rm", "--quiet", "text/0003-third.md")
    repo.commit("edit, add, delete")
    runs, files = SyncRun.objects.count(), list(SourceFile.objects.values_list("path", "blob", "withdrawn"))
    result = sync_json("--dry-run")["sources"][0]
    assert (result["imported"], result["updated"], result["unchanged"], result["withdrawn"]) == (1, 1, 1, 1)
    assert SyncRun.objects.count() == runs
    assert list(SourceFile.objects.values_list("path", "blob", "withdrawn")) == files
    assert RFC.objects.count() == 3 and RFC.objects.get(number=3).status != RFCStatus.WITHDRAWN


def test_a_sync_with_no_new_commit_writes_nothing(repo, source):
    sync_source(source)
    revisions, updated = RFCRevision.objects.count(), list(RFC.objects.values_list("updated_at", flat=True))
    result = sync_source(source)
    assert (result.imported, result.updated, result.unchanged, result.withdrawn) == (0, 0, 3, 0)
    assert RFCRevision.objects.count() == revisions
    assert list(RFC.objects.values_list("updated_at", flat=True)) == updated


def test_a_file_put_back_upstream_brings_its_withdrawn_rfc_back(repo, source):
    sync_source(source)
    text = (repo.work / "text/0003-third.md").read_text()
    repo.git("rm", "--quiet", "text/0003-third.md")
    repo.commit("remove")
    assert sync_source(source).withdrawn == 1
    repo.write("text/0003-third.md", text.replace("Start Date", "Start Date"))
    repo.commit("put back")
    result = sync_source(source)
    assert result.withdrawn == 0 and result.updated == 1
    assert RFC.objects.get(number=3).status != RFCStatus.WITHDRAWN
    assert not SourceFile.objects.get(path="text/0003-third.md").withdrawn


def test_a_force_push_is_followed_even_though_the_last_synced_commit_is_gone(repo, source, tmp_path):
    sync_source(source)
    repo.write("text/0002-second.md", rust_rfc(2, "Second", "Pushed, then rewritten away."))
    repo.commit("soon gone")
    sync_source(source)
    # Rewrite history: back to the first commit, another change on top, force-pushed.
    repo.git("reset", "--quiet", "--hard", "HEAD~1")
    repo.write("text/0001-first.md", rust_rfc(1, "First", "After the force-push."))
    head = repo.commit("rewritten", force=True)

    result = sync_source(source)

    assert result.commit == head
    assert (result.updated, result.unchanged, result.withdrawn) == (2, 1, 0)
    assert "After the force-push." in RFC.objects.get(number=1).body
    assert "rewritten away" not in RFC.objects.get(number=2).body  # back to the text upstream has


def test_the_branch_and_the_path_limit_what_is_read(repo, source, tmp_path):
    repo.git("checkout", "--quiet", "-b", "drafts")
    repo.write("text/0009-draft.md", rust_rfc(9, "Draft"))
    repo.write("elsewhere/0010-other.md", rust_rfc(10, "Other"))
    repo.git("add", "-A")
    repo.git("commit", "--quiet", "-m", "drafts")
    repo.git("push", "--quiet", "origin", "drafts")
    source.branch, source.path = "drafts", "text"
    source.save()
    result = sync_source(source)
    assert result.imported == 4
    assert not RFC.objects.filter(number=10).exists()
    assert set(SourceFile.objects.values_list("path", flat=True)) == {
        "text/0001-first.md", "text/0002-second.md", "text/0003-third.md", "text/0009-draft.md",
    }  # fmt: skip


def test_a_broken_file_is_reported_with_path_and_line_and_the_rest_goes_on(repo, source):
    repo.write("text/0005-broken.md", "---\ntitle: [unclosed\nstatus: draft\n---\n\nText.\n")
    repo.commit("a broken file")
    result = sync_source(source)
    assert result.imported == 3
    [(path, error)] = result.failed
    assert path == "text/0005-broken.md"
    assert "line" in error and "text/0005-broken.md" in error
    # Still broken: reported again at the next sync (its blob is not stored, so it is read again)...
    assert [p for p, _ in sync_source(source).failed] == ["text/0005-broken.md"]
    # ... until it is fixed upstream.
    repo.write("text/0005-broken.md", "---\ntitle: Fixed\nstatus: draft\nnumber: 5\n---\n\nText.\n")
    repo.commit("fixed")
    fixed = sync_source(source)
    assert fixed.failed == [] and fixed.imported == 1


def test_symbolic_links_are_refused_and_never_read(repo, source):
    (repo.work / "text").joinpath("0006-passwd.md").symlink_to("/etc/passwd")
    (repo.work / "text").joinpath("0007-inside.md").symlink_to("0001-first.md")
    (repo.work / "NOTICE.md").symlink_to("/etc/passwd")  # no RFC file: skipped, not a failure
    repo.commit("links")
    result = sync_source(source)
    assert result.imported == 3
    assert sorted(result.failed) == [
        ("text/0006-passwd.md", "refused: a symbolic link; a sync reads only regular files"),
        ("text/0007-inside.md", "refused: a symbolic link; a sync reads only regular files"),
    ]
    assert not RFC.objects.filter(body__contains="root:").exists()
    assert {
        "path": "NOTICE.md",
        "reason": "outside the RFC folders (text)",
    } in SyncRun.objects.first().skipped


def test_sync_sources_names_an_unknown_source_and_exits_1_when_git_cannot_fetch(repo, source, tmp_path):
    with pytest.raises(Exception, match="No source is named 'nope'; sources: rust"):
        call_command("sync_sources", "--source", "nope", stdout=io.StringIO())
    Source.objects.create(name="gone", url=(tmp_path / "missing.git").as_uri(), holds="rfcs")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("sync_sources", "--json", stdout=out, stderr=err)
    assert exit_.value.code == 1
    gone, rust = json.loads(out.getvalue().strip().splitlines()[-1])["sources"]
    assert gone["name"] == "gone" and "git fetch failed" in gone["error"]
    assert rust["imported"] == 3  # the other source was synced all the same
    assert SyncRun.objects.get(source__name="gone").error.startswith("git fetch failed")


def test_a_plain_folder_that_is_no_repository_syncs_the_same_way(tmp_path):
    folder = tmp_path / "folder"
    (folder / "text").mkdir(parents=True)
    (folder / "text/0001-first.md").write_text(rust_rfc(1, "First"))
    (folder / "text/0002-second.md").write_text(rust_rfc(2, "Second"))
    source = Source.objects.create(name="local", url=str(folder), holds="rfcs")
    assert sync_source(source).imported == 2
    (folder / "text/0002-second.md").unlink()
    (folder / "text/0001-first.md").write_text(rust_rfc(1, "First", "Changed on disk."))
    result = sync_source(source)
    assert (result.updated, result.withdrawn, result.unchanged) == (1, 1, 0)
    assert result.commit.startswith("folder:")
