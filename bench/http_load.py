"""`make bench-http`: the served stack. gunicorn on loopback, driven by wrk from another process.

    python -m bench.http_load [--scale small|tiny|default] [--duration 10] [--workers N] [--json]

Seeds a throwaway database like `make bench` (PostgreSQL when DATABASE_URL names one, else a
SQLite file), collects the static files, starts gunicorn with sync workers (2 per core) and the
production settings (DJANGO_DEBUG=0, a generated DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS=127.0.0.1),
warms every worker's cache, then runs wrk for DURATION seconds per page (the RFC page and list
also as built per request, past the whole-page cache). wrk's Lua `done` hook
(bench/wrk_report.lua) prints the totals and latency percentiles as JSON; the last line of stdout
is requests/s and p50/p99 per page. The exit status is 1 when a page answered anything but 200.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import Reporter, migrate_and_seed, page_urls, setup_django, throwaway_database

BENCH_DIR = Path(__file__).resolve().parent
PAGES = ["floor", "rfc_detail", "rfc_list", "decision_detail", "meeting_detail", "home"]
# Requests per second the issue asks for on PostgreSQL on a 2-core machine.
TARGET_RPS = {"rfc_detail": 600, "rfc_list": 150}
# These again with a session cookie (one that names no session: still a visitor), which keeps
# them out of the whole-page cache: the page built per request from its fragment caches, as a
# signed-in person gets it.
BUILT_PAGES = ["rfc_detail", "rfc_list"]
NO_PAGE_CACHE = "Cookie: sessionid=bench-no-page-cache"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    """One GET without following redirects: a 301 to https would mean the settings are wrong."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            if get(port, "/bench/floor/", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {seconds:.0f} s")


def run_wrk(
    wrk: str, port: int, path: str, duration: int, threads: int, connections: int, header: str = ""
) -> dict[str, Any]:
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(BENCH_DIR / "wrk_report.lua"), *(["-H", header] if header else []),
        f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    seconds = report["duration_us"] / 1e6
    errors = sum(report["errors"].values())
    return {
        "requests_per_s": round(report["requests"] / seconds, 1),
        "p50_ms": round(report["p50_us"] / 1000, 2),
        "p99_ms": round(report["p99_us"] / 1000, 2),
        "max_ms": round(report["max_us"] / 1000, 2),
        "requests": report["requests"],
        "errors": errors,
        "non_2xx": report["errors"]["status"],
        "url": path,
    }


def served_environment(static_root: str) -> dict[str, str]:
    """Production settings, as a deployment sets them (README.md, "Configuration")."""
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on loopback: nothing in front terminates TLS here.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": static_root,
        "BENCH_SERVED": "1",
    }


def main(argv: list[str] | None = None) -> int:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(prog="python -m bench.http_load", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=["tiny", "small", "default"], default="small")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--workers", type=int, default=2 * cores, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=0, help="wrk connections (default 2 per worker)")
    parser.add_argument("--threads", type=int, default=min(2, cores), help="wrk threads")
    parser.add_argument("--json", action="store_true", help="no table or progress: only the JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    args = parser.parse_args(argv)
    connections = args.connections or 2 * args.workers
    reporter = Reporter(quiet=args.json)
    wrk = shutil.which("wrk")
    if not wrk:
        reporter.say("wrk is not installed: `make bench-http` installs it (apt-get install wrk)")
        return 2
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    static_root = tempfile.mkdtemp(prefix="rfcs-bench-static-")
    os.environ.update(served_environment(static_root))
    results: dict[str, Any] = {}
    try:
        with throwaway_database(args.keep, say=reporter.say) as (url, vendor):
            setup_django(url)
            from django.core.management import call_command
            from django.db import connections as databases

            call_command("collectstatic", interactive=False, verbosity=0)
            prepared = migrate_and_seed(args.scale, reporter)
            urls = page_urls("full", args.scale)
            databases.close_all()
            port = free_port()
            log_fd, log_path = tempfile.mkstemp(prefix="rfcs-bench-gunicorn-", suffix=".log")
            os.close(log_fd)
            command = [
                gunicorn, "rfcs_site.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.workers), "--worker-class", "sync", "--timeout", "60",
                "--error-logfile", log_path, "--log-level", "warning",
            ]  # fmt: skip
            reporter.say(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port} ({vendor})")
            server = subprocess.Popen(command, env=dict(os.environ), cwd=BENCH_DIR.parent)
            try:
                wait_until_up(port, server)
                for name in PAGES:
                    for _ in range(3 * args.workers):  # each worker renders (and caches) it once or more
                        status, _body = get(port, urls[name])
                        if status != 200:
                            raise RuntimeError(f"GET {urls[name]} answered {status}")
                load = os.getloadavg()[0]
                for name in PAGES:
                    reporter.say(f"wrk {name}: {args.duration} s, {connections} connections")
                    results[name] = run_wrk(wrk, port, urls[name], args.duration, args.threads, connections)
                for name in BUILT_PAGES:
                    reporter.say(
                        f"wrk {name} built per request: {args.duration} s, {connections} connections"
                    )
                    results[f"{name}_built"] = run_wrk(
                        wrk, port, urls[name], args.duration, args.threads, connections, NO_PAGE_CACHE
                    )
            except Exception:
                sys.stderr.write("gunicorn's log:\n" + Path(log_path).read_text(errors="replace")[-4000:])
                raise
            finally:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
                Path(log_path).unlink(missing_ok=True)
            databases.close_all()
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    output = {
        "scale": args.scale,
        "database": prepared.vendor,
        "workers": args.workers,
        "connections": connections,
        "threads": args.threads,
        "duration_s": args.duration,
        "cores": cores,
        "load_average_before": round(load, 2),
        "pages": results,
    }
    reporter.say(table(output))
    print(json.dumps(output), flush=True)
    return 1 if any(page["non_2xx"] or page["errors"] for page in results.values()) else 0


def table(output: dict[str, Any]) -> str:
    lines = [
        f"scale {output['scale']} on {output['database']}: {output['workers']} gunicorn sync workers, "
        f"wrk {output['threads']} threads x {output['connections']} connections, {output['duration_s']} s per page, "
        f"{output['cores']} cores (load average before: {output['load_average_before']})",
        f"{'page':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'target':>9}",
    ]
    for name, page in output["pages"].items():
        target = TARGET_RPS.get(name)
        verdict = "" if not target or page["requests_per_s"] >= target else "  below target"
        lines.append(
            f"{name:<16}{page['requests_per_s']:>9.0f}{page['p50_ms']:>9.2f}{page['p99_ms']:>9.2f}"
            f"{page['errors']:>8}{(str(target) if target else ''):>9}{verdict}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
