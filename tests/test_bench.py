"""`make bench` end to end at the smallest scale: the JSON CI reads, and the query budget it enforces.

Times are not asserted (they depend on the machine); the shape of the result and the query counts
are what CI checks. The bench makes its own throwaway database next to the configured one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "home",
    "rfc_list",
    "rfc_detail",
    "rfc_search",
    "search_rare",
    "search_common",
    "meeting_detail",
    "decision_detail",
    "decision_md",
    "export_zip",
]


def run_bench(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "bench.run", "--scale", "tiny", "--runs", "2", "--warmup", "1", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def kept() -> Iterator[tuple[int, dict, str]]:
    """A run of the bench whose database is kept (its URL), for a second run to reuse."""
    done = run_bench("--keep")
    assert done.stdout.strip(), done.stderr
    url = re.search(r"kept the database: DATABASE_URL=(\S+)", done.stderr)[1]
    yield done.returncode, json.loads(done.stdout.strip().splitlines()[-1]), url
    if url.startswith("sqlite:"):
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
    else:
        import psycopg

        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(url.replace(f"/{name}", "/postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def bench(kept) -> tuple[int, dict]:
    status, result, _ = kept
    return status, result


def test_the_bench_reports_every_page_next_to_the_floor(bench):
    status, result = bench
    assert status == 0, result
    assert result["floor_ms"] > 0
    assert result["scale"] == "tiny"
    assert result["database"] == connection.vendor
    for name in PAGES:
        page = result["pages"][name]
        assert page["median_ms"] > 0
        assert page["ratio"] == pytest.approx(page["median_ms"] / result["floor_ms"], rel=0.05, abs=0.1)
    # The search pages say how many documents their query matches, out of all in the index.
    for name in ("rfc_search", "search_rare", "search_common"):
        matches = result["pages"][name]["matches"]
        assert 0 <= matches["found"] <= matches["documents"]
    assert result["pages"]["search_common"]["matches"]["found"] > 0
    assert set(result["cpu_seconds"]) == set(result["seconds"]) - {"migrate"}


def test_every_page_stays_within_ten_queries_whatever_the_data_size(bench):
    _, result = bench
    for name in PAGES:
        page = result["pages"][name]
        assert page["queries"] <= 10, (name, page)
        assert page["constant"] is True, (name, page)
    assert result["constant"] is True


def test_the_floor_page_exists_only_in_the_benchmark(client, db):
    assert client.get("/bench/floor/").status_code == 404


def test_a_kept_database_is_timed_again_without_seeding_and_each_search_after_a_write(kept):
    _, seeded, url = kept
    done = run_bench("--reuse", url, "--only", "search_rare,search_common", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result["pages"]) == {"search_rare", "search_common"}
    assert result["seconds"] == {}  # nothing seeded
    for name, page in result["pages"].items():
        # The same data: the same matches and queries as the run that seeded it.
        assert page["matches"] == seeded["pages"][name]["matches"]
        assert page["queries"] == seeded["pages"][name]["queries"]
        assert page["constant"] is True
        # Built, a search is timed after a write (bench.run.after_a_write): it runs all its
        # queries again, the state's too (the write moved it), as on an empty cache, where the
        # page served whole reads only the state.
        assert page["built_queries"] == page["queries"] > page["queries_warm"]
