"""How long sync_sources takes: a source of N generated Rust RFCs, its first sync, then a sync after
one file changed upstream (target: under 1 s, as a cron job every minute or a webhook wants).

    python -m bench.sync [--rust N] [--json] [--keep]

The database is made as bench.run makes it (a temporary SQLite file, or a new database on
DATABASE_URL's PostgreSQL server) and removed at the end. The RFCs are bench.imports' (15-30 KB
each, rust-lang/rfcs' layout), committed with real git to a bare repository in a temporary
folder, which the source fetches over file://. Three syncs are timed, each as `sync_sources
--json`: the first (every file new), one after a commit that changes one file, and one with
nothing new. The table goes to stderr, the JSON is the last line of stdout; exit 1 when a file
failed or the sync after one change took longer than its target.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

from bench.imports import RUST_FILES, _counting_queries, write_rust_corpus
from bench.run import Reporter, setup_django, throwaway_database

# Seconds: the first sync is import_rfcs on every file (its own target in bench.imports); the issue asks
# for the sync after one change to take under 1 s.
TARGET_S = {"first": 10.0, "one_changed": 1.0, "nothing_new": 1.0}
_GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=_GIT_ENV, check=True, capture_output=True)


def make_repository(folder: Path, count: int) -> tuple[Path, Path]:
    """A work tree of `count` Rust RFCs pushed to a bare repository; (work, remote)."""
    work, remote = folder / "work", folder / "remote.git"
    git("init", "--quiet", "--bare", "-b", "main", str(remote), cwd=folder)
    write_rust_corpus(work, count)
    git("init", "--quiet", "-b", "main", cwd=work)
    git("add", "-A", cwd=work)
    git("commit", "--quiet", "-m", f"{count} RFCs", cwd=work)
    git("push", "--quiet", str(remote), "main", cwd=work)
    return work, remote


def time_sync() -> dict[str, Any]:
    """`manage.py sync_sources --json` once: its entry for the source, the seconds and queries."""
    from django.core.management import call_command

    out = StringIO()
    with _counting_queries() as queries:
        started = time.perf_counter()
        call_command("sync_sources", "--json", stdout=out, stderr=StringIO())
        seconds = time.perf_counter() - started
    [report] = json.loads(out.getvalue().strip().splitlines()[-1])["sources"]
    return {"seconds": round(seconds, 3), "queries": queries[0], **report, "failed": len(report["failed"])}


def measure_sync(reporter: Reporter, rust: int = RUST_FILES) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    load = os.getloadavg()[0]
    call_command("migrate", interactive=False, verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="rfcs-bench-sync-"))
    settings.SOURCES_CACHE_DIR = str(folder / "cache")
    syncs: dict[str, Any] = {}
    try:
        started = time.monotonic()
        work, remote = make_repository(folder, rust)
        reporter.say(f"committed {rust} Rust RFCs in {time.monotonic() - started:.1f} s")
        call_command("add_source", "rust", remote.as_uri(), "--holds", "rfcs", stdout=StringIO())

        def record(name: str) -> None:
            reporter.say(f"sync: {name}")
            syncs[name] = {**time_sync(), "target_s": TARGET_S[name]}
            reporter.say(f"  {syncs[name]['seconds']:.2f} s")

        record("first")
        changed = sorted((work / "text").iterdir())[rust // 2]
        changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
        git("commit", "--quiet", "-am", "one change", cwd=work)
        git("push", "--quiet", str(remote), "main", cwd=work)
        record("one_changed")
        record("nothing_new")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "database": connection.vendor,
        "cores": os.cpu_count(),
        "load_average": round(load, 2),
        "files": rust,
        "syncs": syncs,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"sync_sources on {result['database']} ({result['cores']} cores, load average {result['load_average']}),"
        f" {result['files']} files",
        f"{'sync':<14}{'seconds':>9}{'target':>8}{'queries':>9}{'new':>6}{'upd':>5}{'same':>6}{'failed':>8}",
    ]
    for name, run in result["syncs"].items():
        verdict = "" if run["seconds"] <= run["target_s"] else "  SLOW"
        lines.append(
            f"{name:<14}{run['seconds']:>9.2f}{run['target_s']:>7.0f}s{run['queries']:>9}{run['imported']:>6}"
            f"{run['updated']:>5}{run['unchanged']:>6}{run['failed']:>8}{verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__.split("\n")[0])
    parser.add_argument("--rust", type=int, default=RUST_FILES, help="how many Rust RFCs to generate")
    parser.add_argument("--json", action="store_true", help="no table or progress: only the JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    args = parser.parse_args(argv)
    reporter = Reporter(quiet=args.json)
    with throwaway_database(args.keep, say=reporter.say) as (url, _vendor):
        setup_django(url)
        from django.db import connections

        try:
            result = measure_sync(reporter, rust=max(2, args.rust))
        finally:
            connections.close_all()
    reporter.say(table(result))
    print(json.dumps(result), flush=True)
    syncs = result["syncs"]
    slow = syncs["one_changed"]["seconds"] > syncs["one_changed"]["target_s"]
    return 1 if slow or any(run["failed"] for run in syncs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
