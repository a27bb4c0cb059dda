"""add_source, the source pages (staff only, never the secret) and sources of decision records."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from decisions.models import Decision, DecisionRevision, Source, SourceFile
from decisions.sources.sync import sync_source
from tests.gitrepos import Repo, rust_rfc

pytestmark = pytest.mark.django_db

MADR = """# {title}

## Context and Problem Statement

{context}

## Considered Options

* PostgreSQL
* SQLite

## Decision Outcome

Chosen option: "PostgreSQL", because it serves many writers.
"""


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.SOURCES_CACHE_DIR = str(tmp_path / "cache")


def add_source(*args: str) -> dict:
    out = io.StringIO()
    call_command("add_source", *args, "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_add_source_registers_every_option_and_never_prints_the_secret():
    result = add_source(
        "kep", "https://github.com/kubernetes/enhancements.git", "--holds", "rfcs", "--format", "kep",
        "--series", "kep", "--branch", "master", "--path", "keps", "--record-in", "site", "--secret", "s3cret",
    )  # fmt: skip
    assert result["secret"] is True and "s3cret" not in json.dumps(result)
    source = Source.objects.get(name="kep")
    assert (source.url, source.branch, source.path, source.holds, source.format, source.series, source.record_in) == (
        "https://github.com/kubernetes/enhancements.git", "master", "keps", "rfcs", "kep", "kep", "site",
    )  # fmt: skip
    assert source.secret == "s3cret"


def test_add_source_refuses_what_cannot_be_synced_and_saves_nothing():
    with pytest.raises(CommandError) as error:
        call_command(
            "add_source", "notes", "ext::sh -c touch% /tmp/pwned", "--holds", "meetings", "--format", "rust"
        )
    assert "url: Give a URL git can fetch" in str(error.value)
    assert "format: Only RFC sources have a format." in str(error.value)
    with pytest.raises(CommandError, match="path: A folder inside the repository"):
        call_command("add_source", "x", "/srv/x", "--holds", "rfcs", "--path", "../etc")
    with pytest.raises(CommandError, match="An RFC series is one of rust, pep, kep"):
        call_command("add_source", "x", "/srv/x", "--holds", "rfcs", "--series", "python")
    assert add_source("dry", "/srv/x", "--holds", "decisions", "--dry-run")["dry_run"] is True
    assert not Source.objects.exists()


def test_the_source_page_shows_the_last_sync_commit_changes_and_every_skipped_file(admin_client, tmp_path):
    repo = Repo(tmp_path / "rfcs")
    repo.write("README.md", "# RFCs\n")
    repo.write("text/0001-first.md", rust_rfc(1, "First"))
    (repo.work / "text").joinpath("0002-link.md").symlink_to("/etc/passwd")
    head = repo.commit("one RFC")
    Source.objects.create(name="rust", url=repo.url, holds="rfcs", secret="hook-secret-value")
    sync_source(Source.objects.get())

    page = admin_client.get(reverse("decisions:source-detail", args=["rust"])).content.decode()

    assert head in page
    assert "1 imported, 0 updated, 0 unchanged, 0 withdrawn, 0 conflicts, 1 failed." in page
    assert "Rust RFC 1: First" in page and "text/0001-first.md" in page
    assert "text/0002-link.md</code>: refused: a symbolic link" in page
    assert "README.md</code>: outside the RFC folders (text)" in page
    assert "hook-secret-value" not in page and "set (not shown)" in page
    listing = admin_client.get(reverse("decisions:source-list")).content.decode()
    assert 'href="/sources/rust/"' in listing and "1 imported" in listing


def test_a_token_in_the_url_is_never_shown_on_the_page_or_in_a_git_error(admin_client, tmp_path):
    url = "https://bot:ghp_t0ken@127.0.0.1:9/none.git"
    source = Source.objects.create(name="private", url=url, holds="rfcs")
    result = sync_source(source)
    assert result.error.startswith("git fetch failed") and "ghp_t0ken" not in result.error
    page = admin_client.get(reverse("decisions:source-detail", args=["private"])).content.decode()
    assert "ghp_t0ken" not in page and "https://***@127.0.0.1:9/none.git" in page
    assert "The sync stopped: git fetch failed" in page


def test_source_pages_are_for_staff_and_say_so(client):
    Source.objects.create(name="rust", url="https://example.org/rfcs.git", holds="rfcs", secret="x")
    url = reverse("decisions:source-detail", args=["rust"])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(User.objects.create_user("reader", password="pw-123456789"))
    response = client.get(url)
    assert response.status_code == 403
    assert "Sources and their syncs are shown to staff only" in response.content.decode()
    assert client.get(reverse("decisions:source-list")).status_code == 403


def test_a_source_of_decision_records_imports_changed_records_one_by_one(tmp_path):
    repo = Repo(tmp_path / "adr")
    repo.write(
        "docs/decisions/0001-use-postgresql.md",
        MADR.format(title="Use PostgreSQL", context="We need a database."),
    )
    repo.write(
        "docs/decisions/0002-use-htmx.md", MADR.format(title="Use htmx", context="Pages update in place.")
    )
    repo.write("docs/decisions/README.md", "# Decisions\n")
    repo.commit("two records")
    source = Source.objects.create(name="adr", url=repo.url, holds="decisions")
    first = sync_source(source)
    assert (first.imported, first.failed) == (2, [])
    assert set(Decision.objects.values_list("number", "title")) == {(1, "Use PostgreSQL"), (2, "Use htmx")}

    repo.write(
        "docs/decisions/0002-use-htmx.md",
        MADR.format(title="Use htmx", context="Pages update in place, fast."),
    )
    repo.write("docs/decisions/0003-broken.md", "---\nstatus: [unclosed\n---\n# Broken\n")
    head = repo.commit("one changed, one broken")
    result = sync_source(source)

    assert (result.updated, result.unchanged, result.imported) == (1, 1, 0)
    [(path, error)] = result.failed
    assert path == "docs/decisions/0003-broken.md"
    assert re.match(r"docs/decisions/0003-broken\.md:\d+: invalid YAML", error)
    assert "fast." in Decision.objects.get(number=2).context
    revision = DecisionRevision.objects.filter(decision__number=2).order_by("-number").first()
    assert revision.message == f"Imported from {head[:7]} (docs/decisions/0002-use-htmx.md)"
    assert SourceFile.objects.filter(source=source, withdrawn=False, object_id__isnull=False).count() == 2
