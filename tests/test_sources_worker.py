"""The whole way of a push: a real server takes a signed webhook, a real `manage.py db_worker`
process runs the queued sync against a real git repository.

The test database of pytest-django is invisible to other processes (SQLite's is in memory), so
both processes share a SQLite file of their own made with `manage.py migrate`; the test reads
that file directly. No monkeypatching: what the worker did is seen in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_databases  # tests/conftest.py: runs once in CI

ROOT = Path(__file__).resolve().parent.parent
SECRET = "worker-test-secret"
RFC = """# Unsafe fields

- Feature Name: `unsafe_fields`
- Start Date: 2026-11-02
- RFC PR: [rust-lang/rfcs#3600](https://github.com/rust-lang/rfcs/pull/3600)

# Summary

Fields that are unsafe to write.
"""


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def free_port() -> int:
    """A free port of this branch's range (8621-8629), so parallel sessions never collide."""
    for port in range(8621, 8630):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port in 8621-8629")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict]:
    """A migrated SQLite file, a repository with one RFC, its source, and the environment to use."""
    repo = tmp_path / "rfcs"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "text").mkdir()
    (repo / "text" / "3600-unsafe-fields.md").write_text(RFC)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "RFC 3600")
    database = tmp_path / "site.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1",
           "PYTHONUNBUFFERED": "1"}  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    script = (
        "from decisions.models import Source; Source.objects.create(name='rust', url="
        f"{repo.as_uri()!r}, branch='main', path='text', holds='rfcs', format='rust', series='rust',"
        f" secret={SECRET!r})"
    )
    subprocess.run([*manage, "shell", "-c", script], cwd=ROOT, env=env, check=True, timeout=60)
    yield {"repo": repo, "database": database, "env": env, "manage": manage}


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def post_push(port: int, commit: str) -> tuple[int, dict]:
    body = json.dumps({"ref": "refs/heads/main", "after": commit, "repository": {"default_branch": "main"}})
    signature = "sha256=" + hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/hooks/git/rust/", data=body.encode(), method="POST",
        headers={"Content-Type": "application/json", "X-GitHub-Event": "push",
                 "X-GitHub-Delivery": "e2e-1", "X-Hub-Signature-256": signature},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:  # the server is still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def task_row(database: Path, task_id: str) -> sqlite3.Row:
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        return db.execute(
            "SELECT * FROM django_tasks_database_dbtaskresult WHERE replace(id, '-', '') = ?",
            (task_id.replace("-", ""),),
        ).fetchone()


def test_a_signed_push_is_run_by_the_real_worker_and_the_source_is_synced(site, tmp_path):
    head = git(site["repo"], "rev-parse", "HEAD")
    port = free_port()
    server = start(
        [*site["manage"], "runserver", "--noreload", f"127.0.0.1:{port}"],
        site["env"],
        tmp_path / "server.log",
    )
    try:
        status, answer = post_push(port, head)
    finally:
        stop(server)
    assert status == 202, answer
    assert task_row(site["database"], answer["task"])["status"] == "READY"  # queued, nothing ran it yet

    worker = start(
        [*site["manage"], "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        site["env"], tmp_path / "worker.log",
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while (row := task_row(site["database"], answer["task"]))["status"] in {"READY", "RUNNING"}:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker did not finish the task in 90 s"
            time.sleep(0.2)
    finally:
        stop(worker)

    # The worker process took the task from the queue and ran it to an end.
    assert json.loads(row["worker_ids"]), "no worker claimed the task"
    assert row["started_at"] and row["finished_at"]
    assert row["status"] == "SUCCEEDED", row["traceback"]
    with sqlite3.connect(site["database"]) as db:
        last_commit, last_synced_at = db.execute(
            "SELECT last_commit, last_synced_at FROM decisions_source WHERE name = 'rust'"
        ).fetchone()
        files = db.execute("SELECT path, kind, object_id, withdrawn FROM decisions_sourcefile").fetchall()
    assert last_synced_at, "the sync ran but recorded no time"
    assert last_commit == head
    # The file's path is the repository's (what "Edit in the repository" links to), and it
    # became a record.
    [(path, kind, object_id, withdrawn)] = files
    assert (path, kind, withdrawn) == ("text/3600-unsafe-fields.md", "rfc", 0) and object_id
