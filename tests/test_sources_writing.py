"""`manage.py write_source`: the site's changes, committed with real git to a branch of a clone."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from decisions.models import RFC, Source, SourceFile
from decisions.records.export import decision_to_markdown
from decisions.rfcs.export import rfc_to_markdown
from tests.factories import make_decision, make_rfc

pytestmark = pytest.mark.django_db


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Up Stream", "GIT_AUTHOR_EMAIL": "up@example.org",
           "GIT_COMMITTER_NAME": "Up Stream", "GIT_COMMITTER_EMAIL": "up@example.org"}  # fmt: skip
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def world(tmp_path):
    """An upstream (bare) repository with two RFC files the site synced an hour ago."""
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    first = make_rfc("First", number=1, body="# Summary\n\nOne.\n")
    second = make_rfc("Second", number=2, body="# Summary\n\nTwo.\n")
    (work / "text").mkdir()
    for rfc in (first, second):
        (work / "text" / f"{rfc.number:04d}-{rfc.slug}.md").write_text(rfc_to_markdown(rfc))
    (work / "README.md").write_text("Our RFCs\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "RFCs 1 and 2")
    upstream = tmp_path / "upstream.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(upstream))
    synced = timezone.now()
    head = git(work, "rev-parse", "HEAD")
    source = Source.objects.create(
        name="team-rfcs", url=upstream.as_uri(), branch="main", path="text", holds="rfcs",
        series="", record_in="site", last_commit=head, last_synced_at=synced,
    )  # fmt: skip
    for rfc in (first, second):
        SourceFile.objects.create(
            source=source, path=f"text/{rfc.number:04d}-{rfc.slug}.md", kind="rfc", object_id=rfc.pk,
            commit=head, synced_at=synced,
        )  # fmt: skip
    return {"source": source, "first": first, "second": second, "upstream": upstream,
            "clone": tmp_path / "clone", "head": head}  # fmt: skip


def edit(rfc: RFC, body: str) -> RFC:
    rfc.body = body
    rfc.record_change(message="edited on the site")
    return RFC.objects.get(pk=rfc.pk)


def write(world, *args: str) -> dict:
    out = StringIO()
    call_command("write_source", "team-rfcs", "--branch", "site-edits", "--clone", str(world["clone"]),
                 "--author", "Ada Lovelace <ada@example.org>", "--json", *args, stdout=out)  # fmt: skip
    return json.loads(out.getvalue().splitlines()[-1])


def test_the_changed_and_the_new_rfcs_are_committed_to_the_branch_from_the_synced_commit(world):
    first = edit(world["first"], "# Summary\n\nOne, improved on the site.\n")
    third = make_rfc("Third", number=3, body="# Summary\n\nBorn on the site.\n")

    report = write(world)

    assert [(w["path"], w["new"]) for w in report["written"]] == [
        ("text/0001-first.md", False),
        ("text/0003-third.md", True),
    ]  # the unchanged RFC 2 is not written
    clone = world["clone"]
    assert git(clone, "show", "site-edits:text/0001-first.md") + "\n" == rfc_to_markdown(first)
    assert "Born on the site." in git(clone, "show", "site-edits:text/0003-third.md")
    assert git(clone, "rev-parse", "site-edits^") == world["head"]
    assert git(clone, "log", "-1", "--format=%an <%ae>", "site-edits") == "Ada Lovelace <ada@example.org>"
    message = git(clone, "log", "-1", "--format=%B", "site-edits")
    assert "RFC 1: text/0001-first.md" in message and "RFC 3: new file text/0003-third.md" in message
    assert report["commit"] == git(clone, "rev-parse", "site-edits")
    assert report["push"] == f"git -C {clone.resolve()} push origin site-edits" and report["pushed"] is False
    # Nothing left the machine without --push.
    assert "site-edits" not in git(world["upstream"], "branch", "--list")
    assert third.pk


def test_a_second_run_with_nothing_new_commits_nothing(world):
    edit(world["first"], "# Summary\n\nOnce.\n")
    first_run = write(world)
    again = write(world)
    assert again["written"] == [] and again["commit"] is None
    assert git(world["clone"], "rev-parse", "site-edits") == first_run["commit"]


def test_push_sends_the_branch_to_the_repository(world):
    edit(world["first"], "# Summary\n\nPushed.\n")
    report = write(world, "--push")
    assert report["pushed"] is True and report["push"] is None
    assert git(world["upstream"], "rev-parse", "site-edits") == report["commit"]


def test_the_summary_tells_what_to_push(world):
    edit(world["first"], "# Summary\n\nSaid.\n")
    out = StringIO()
    call_command(
        "write_source", "team-rfcs", "--branch", "site-edits", "--clone", str(world["clone"]), stdout=out
    )
    text = out.getvalue()
    assert "changed: text/0001-first.md (RFC 1)" in text
    assert f"To publish it: git -C {world['clone'].resolve()} push origin site-edits" in text
    # The default author is the site's (settings.SOURCES_COMMIT_AUTHOR).
    assert git(world["clone"], "log", "-1", "--format=%an", "site-edits") == "rfcs_site"


def test_dry_run_lists_and_commits_nothing(world):
    edit(world["first"], "# Summary\n\nMaybe.\n")
    report = write(world, "--dry-run")
    assert [w["path"] for w in report["written"]] == ["text/0001-first.md"] and report["commit"] is None
    assert not git(world["clone"], "branch", "--list", "site-edits")


def test_a_source_whose_repository_is_the_place_of_record_is_never_written(world):
    Source.objects.filter(pk=world["source"].pk).update(record_in="repository")
    edit(world["first"], "# Summary\n\nNo.\n")
    with pytest.raises(CommandError, match="place of record"):
        write(world)
    assert not world["clone"].exists()


def test_a_clone_with_uncommitted_changes_is_refused(world):
    edit(world["first"], "# Summary\n\nClash.\n")
    write(world)
    (world["clone"] / "README.md").write_text("local scribbles\n")
    edit(world["second"], "# Summary\n\nLater.\n")
    with pytest.raises(CommandError, match="uncommitted changes"):
        write(world)


def test_an_unknown_source_names_the_known_ones(world):
    with pytest.raises(CommandError, match="known: team-rfcs"):
        call_command("write_source", "nope", "--branch", "x")


def test_decision_records_are_written_as_madr(world, tmp_path):
    decision = make_decision(number=7, options=2, criteria=2)
    source = Source.objects.create(
        name="adrs", url=world["upstream"].as_uri(), branch="main", path="docs/decisions", holds="decisions",
        record_in="site", last_synced_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    out = StringIO()
    clone = tmp_path / "adr-clone"
    call_command("write_source", "adrs", "--branch", "adr-edits", "--clone", str(clone), "--json", stdout=out)
    report = json.loads(out.getvalue().splitlines()[-1])
    [written] = report["written"]
    assert written["path"].startswith("docs/decisions/0007-") and written["new"] is True
    assert git(clone, "show", f"adr-edits:{written['path']}") + "\n" == decision_to_markdown(decision)
    assert source.name == "adrs"


def test_a_failed_commit_leaves_the_clone_as_it_was(world):
    edit(world["first"], "# Summary\n\nFirst run.\n")
    write(world)
    lock = world["clone"] / ".git" / "index.lock"
    lock.write_text("")  # another git process holds the index: `git add` fails
    edit(world["first"], "# Summary\n\nSecond run.\n")
    make_rfc("Fourth", number=4)
    with pytest.raises(CommandError, match=r"index\.lock"):
        write(world)
    lock.unlink()
    assert git(world["clone"], "status", "--porcelain") == ""  # no half-written file left behind
    assert [w["path"] for w in write(world)["written"]] == ["text/0001-first.md", "text/0004-fourth.md"]


# The staff page: the same, queued for the worker ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_staff_queue_the_write_and_see_its_outcome_after_the_worker_ran(world, client, settings):
    from django.contrib.auth.models import User

    settings.SOURCES_CLONES_DIR = world["clone"].parent / "clones"
    staff = User.objects.create_superuser(
        "grace", "grace@example.org", "pw", first_name="Grace", last_name="Hopper"
    )
    client.force_login(staff)
    edit(world["first"], "# Summary\n\nFrom the button.\n")
    url = "/sources/team-rfcs/write/"

    page = client.get(url).content.decode()
    assert "RFC 1: <code>text/0001-first.md</code>" in page and "RFC 2" not in page

    response = client.post(url, {"branch": "from-the-button"})
    assert response.status_code == 302 and response["Location"] == url
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    clone = settings.SOURCES_CLONES_DIR / "team-rfcs"
    assert (
        git(clone, "log", "-1", "--format=%an <%ae>", "from-the-button") == "Grace Hopper <grace@example.org>"
    )
    page = client.get(url).content.decode()
    assert "Committed" in page and "push origin from-the-button" in page


def test_the_page_is_for_staff_and_for_sources_the_site_holds(world, client):
    from django.contrib.auth.models import User

    url = "/sources/team-rfcs/write/"
    client.force_login(User.objects.create_user("someone", password="pw"))
    assert client.get(url).status_code == 403
    client.force_login(User.objects.create_superuser("staff", "s@example.org", "pw"))
    assert client.post(url, {"branch": "-bad..name"}).status_code == 422
    Source.objects.filter(pk=world["source"].pk).update(record_in="repository")
    refusal = client.post(url, {"branch": "ok"})
    assert refusal.status_code == 403 and "place of record" in refusal.content.decode()
