"""Two people submit a new RFC at the same moment: each gets a number of their own, on SQLite
(a database file, as served) and on PostgreSQL.

The submissions run in a separate process against a throwaway database, two threads with their
own connections released together by a barrier; the first pair finds no counter row yet (both
create it), the second finds it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.own_databases  # tests/conftest.py: runs once in CI

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("RACE_PG_SERVER", "postgres://postgres@127.0.0.1:5432")

RACE_SCRIPT = """
import json, threading, django
django.setup()
from django.contrib.auth.models import User
from django.db import connection
from decisions.accounts import claims
from decisions.rfcs.drafting import NewRFCForm, submit_draft

users = [User.objects.get_or_create(username=f"writer{i}")[0] for i in range(2)]
authors = [claims.add_me(user) for user in users]
connection.close()
barrier = threading.Barrier(2)
numbers, errors = [], []

def write(i):
    try:
        form = NewRFCForm({"series": "site", "title": f"Race {i}", "body": "# Summary\\n\\nRace.\\n"})
        assert form.is_valid(), form.errors
        barrier.wait()
        numbers.append(submit_draft(form, users[i], authors[i]).number)
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"numbers": sorted(numbers), "errors": errors}))
"""


def race(database_url: str) -> list[dict[str, Any]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "rfcs_site.settings",
        "DJANGO_DEBUG": "1",
    }
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300, "check": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    return [
        json.loads(subprocess.run([sys.executable, "-c", RACE_SCRIPT], **run).stdout.splitlines()[-1])
        for _ in range(2)
    ]


def test_two_submissions_at_once_get_two_numbers_on_sqlite(tmp_path):
    first, second = race(f"sqlite:///{tmp_path / 'race.sqlite3'}")
    assert first == {"numbers": [1, 2], "errors": []}
    assert second == {"numbers": [3, 4], "errors": []}


@pytest.fixture
def postgres_database() -> Any:
    psycopg = pytest.importorskip("psycopg")
    name = f"rfc_number_race_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_SERVER} is needed in CI: {error}")
        pytest.skip(f"no PostgreSQL server at {PG_SERVER}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{PG_SERVER}/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_submissions_at_once_get_two_numbers_on_postgresql(postgres_database):
    first, second = race(postgres_database)
    assert first == {"numbers": [1, 2], "errors": []}
    assert second == {"numbers": [3, 4], "errors": []}
