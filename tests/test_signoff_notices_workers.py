"""Three passes at once, each a real process: the `manage.py db_worker` that runs the task queued
when the motion was proposed, and two `manage.py send_notices` from cron, all against one real
SMTP server. Every message arrives exactly once.

The processes cannot see pytest-django's test database, so they share a database of their own:
a SQLite file, and a PostgreSQL database when one is reachable (where the claim's UPDATE meets
real row locks).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailbox import Mailbox

pytestmark = pytest.mark.own_databases  # tests/conftest.py: runs once in CI

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "wt_mail_notices_workers"
MEMBERS = 20
SCRIPT = f"""
from django.contrib.auth.models import User
from django.utils import timezone
from decisions.models import Person, Team, SignOffRule
from decisions.rfcs.models import RFC
from decisions.signoff import flow
team = Team.objects.create(name="Core", slug="core")
for n in range({MEMBERS}):
    user = User.objects.create_user(f"m{{n}}", f"m{{n}}@example.org")
    team.members.add(Person.objects.create(name=f"Member {{n}}", user=user))
SignOffRule.objects.create(scope="rfc", fcp_days=10)
rfc = RFC.objects.create(number=8, title="Exception handling", status="proposed", created_on=timezone.localdate())
flow.propose(rfc, person=None, disposition="accept", teams=[team], summary="", now=timezone.now())
"""


def postgres_url() -> str:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_NAME}")
    except Exception as error:  # no server here: the SQLite run still covers the way
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432 ({error})")
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path: Path) -> Iterator[dict]:
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}" if request.param == "sqlite" else postgres_url()
    box = Mailbox()
    box.start()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "PYTHONUNBUFFERED": "1",
           "EMAIL_URL": f"smtp://{box.host}:{box.port}", "RFCS_SITE_URL": "https://rfcs.example.org"}  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    subprocess.run([*manage, "shell", "-c", SCRIPT], cwd=ROOT, env=env, check=True, timeout=60)
    try:
        yield {"env": env, "manage": manage, "mailbox": box}
    finally:
        box.stop()


def test_a_worker_and_two_cron_passes_at_once_deliver_every_message_once(site, tmp_path):
    manage, env = site["manage"], site["env"]
    commands = {
        "worker": [*manage, "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        "cron-1": [*manage, "send_notices", "--json"],
        "cron-2": [*manage, "send_notices", "--json"],
    }
    running = {
        name: subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for name, command in commands.items()
    }
    outputs = {name: process.communicate(timeout=180)[0] for name, process in running.items()}
    for name, process in running.items():
        assert process.returncode == 0, outputs[name]

    messages = site["mailbox"].messages
    # Every member was told of two events (proposed, position requested), each exactly once.
    assert len(messages) == 2 * MEMBERS, Counter(m["To"] for m in messages).most_common(3)
    assert Counter(m["To"] for m in messages) == {f"m{n}@example.org": 2 for n in range(MEMBERS)}
    assert len({m["Message-ID"] for m in messages}) == 2 * MEMBERS
    sent = [json.loads(outputs[name].strip().splitlines()[-1])["sent"] for name in ("cron-1", "cron-2")]
    assert sum(sent) <= 2 * MEMBERS  # the rest went through the worker's task

    # A last pass finds nothing left: every row is delivered.
    done = subprocess.run([*manage, "send_notices", "--json"], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True, timeout=60)  # fmt: skip
    assert json.loads(done.stdout.strip().splitlines()[-1])["sent"] == 0
    assert len(messages) == 2 * MEMBERS
