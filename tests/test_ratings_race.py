"""One rater saves their sheet from two windows at the same moment, on SQLite (a database file,
as served) and on PostgreSQL: the first save of a cell lands, a second save of the same cell from
the same version with another value is refused (a conflict, never a server error or a silent
overwrite), and saves of different cells both land.

The saves run in a separate process against a throwaway database, two threads with their own
connections released together by a barrier, as in tests/test_rfc_number_race.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_rfc_number_race import PG_SERVER

pytestmark = pytest.mark.own_databases  # tests/conftest.py: runs once in CI

ROOT = Path(__file__).resolve().parent.parent

RACE_SCRIPT = """
import json, threading, django
django.setup()
from django.db import connection
from decisions.models import Decision, Option, Criterion, Person, SheetRating
from decisions.records.ratings import flow

decision = Decision.objects.create(number=Decision.objects.count() + 1, title="Race")
options = [Option.objects.create(decision=decision, name=f"O{i}", order=i) for i in range(2)]
criteria = [Criterion.objects.create(decision=decision, name=f"C{i}", weight=1, order=i) for i in range(2)]
person = Person.objects.create(name=f"Rater {decision.number}")
connection.close()

def race(cells):
    barrier = threading.Barrier(2)
    results = []
    def save(option, criterion, value):
        try:
            barrier.wait()
            flow.rate(decision, person, str(option.pk), str(criterion.pk), str(value), 0)
            results.append("saved")
        except flow.RatingConflict:
            results.append("conflict")
        except Exception as error:
            results.append(repr(error))
        finally:
            connection.close()
    threads = [threading.Thread(target=save, args=cell) for cell in cells]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)

same = race([(options[0], criteria[0], 2), (options[0], criteria[0], -2)])
stored = list(SheetRating.objects.filter(option=options[0]).values_list("rating", "version"))
both = race([(options[1], criteria[0], 1), (options[0], criteria[1], -1)])
print(json.dumps({
    "same": same, "stored": stored, "both": both,
    "rows": SheetRating.objects.filter(sheet__person=person).count(),
    "sheets": person.rating_sheets.count(),
}))
"""


def race(database_url: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "rfcs_site.settings",
        "DJANGO_DEBUG": "1",
    }
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300, "check": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    return json.loads(subprocess.run([sys.executable, "-c", RACE_SCRIPT], **run).stdout.splitlines()[-1])


def check(result: dict[str, Any]) -> None:
    assert result["same"] == ["conflict", "saved"]
    [(rating, version)] = result["stored"]
    assert rating in (2, -2) and version == 1
    # Two other cells at once: both land, on the one sheet.
    assert result["both"] == ["saved", "saved"]
    assert (result["rows"], result["sheets"]) == (3, 1)


def test_two_windows_saving_at_once_on_sqlite(tmp_path):
    check(race(f"sqlite:///{tmp_path / 'race.sqlite3'}"))


@pytest.fixture
def postgres_database() -> Any:
    psycopg = pytest.importorskip("psycopg")
    name = f"ratings_race_{os.getpid()}"
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


def test_two_windows_saving_at_once_on_postgresql(postgres_database):
    check(race(postgres_database))
