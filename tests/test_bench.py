"""`make bench` end to end at the smallest scale: the JSON CI reads, and the query budget it enforces.

Times are not asserted (they depend on the machine); the shape of the result and the query counts
are what CI checks. The bench makes its own throwaway database next to the configured one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

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


@pytest.fixture(scope="module")
def bench() -> tuple[int, dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--scale", "tiny", "--runs", "2", "--warmup", "1", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])


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
