"""`make loadtest`: two app servers on one PostgreSQL database, 32 simulated people, no lost writes.

Steps: create a throwaway database `rfcs_load_<pid>` on the DATABASE_URL server (default
postgres://postgres@127.0.0.1:5432/), migrate it, load fixtures/demo.json, create the accounts
(loadtest/setup_data.py), collect the static files, start TWO gunicorn servers on loopback ports
(2 sync workers each, debug off, a generated secret key, a shared cache), run the Locust users of
loadtest/locustfile.py against both (loadtest/drive.py, its own process because Locust brings
gevent): everyone signs in, then DURATION seconds of load are measured; optionally PostgreSQL is
stopped in the middle (FAULT=1) and started again; then the servers stop, the database is checked
(loadtest/check.py) and dropped.

Environment: DURATION (seconds, default 60), USERS (default 32), FAULT (1/0; default on for runs
of 30 s or more), FAULT_DOWN (seconds PostgreSQL stays down, default 3), LOADTEST_CACHE_URL
(default db://rfcs_cache; redis://127.0.0.1:6379/0 works too), LOADTEST_PG_STOP / LOADTEST_PG_START
(commands; by default pg_ctlcluster on the local Debian cluster that listens on DATABASE_URL's
port, through sudo when not root),
LOADTEST_KEEP=1 keeps the database and the work files (app server logs, every recorded request)
for a look afterwards; the work files are also kept when the run fails.

A human summary goes to stderr; the last line on stdout is the JSON result. The exit status is 1
when an acknowledged write is missing, a 500 or any other server error happened outside the fault
window, a refusal did not say why, a 503 was not the clear page, the site was not answering
normally again within 5 s of PostgreSQL coming back, or the two servers disagreed on a session or
a record.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
WORKERS_PER_SERVER = 2
RECOVERY_LIMIT_S = 5.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


def say(message: str) -> None:
    print(f"[loadtest] {message}", file=sys.stderr, flush=True)


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if value == "" else value in {"1", "true", "yes", "on"}


def database_urls(pid: int) -> tuple[str, str, str]:
    """(maintenance URL, load-test database URL, its name) on the DATABASE_URL server."""
    given = os.environ.get("DATABASE_URL", "")
    server = given if given.startswith(("postgres://", "postgresql://")) else DEFAULT_SERVER
    parts = urlsplit(server)
    name = f"rfcs_load_{pid}"
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{name}")),
        name,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app server for {url} exited with {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url + "/", timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def pg_commands(admin_url: str) -> tuple[str, str]:
    """How to stop and start the PostgreSQL server at admin_url: the local cluster on its port."""
    stop, start = os.environ.get("LOADTEST_PG_STOP"), os.environ.get("LOADTEST_PG_START")
    if stop and start:
        return stop, start
    parts = urlsplit(admin_url)
    if parts.hostname not in LOCAL_HOSTS or not shutil.which("pg_lsclusters"):
        raise RuntimeError(
            "FAULT=1 restarts a local Debian PostgreSQL cluster (pg_ctlcluster); for "
            f"{parts.hostname} set LOADTEST_PG_STOP and LOADTEST_PG_START, or run with FAULT=0"
        )
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        version, cluster, port, *_ = line.split()
        if int(port) == (parts.port or 5432):
            sudo = "" if os.geteuid() == 0 else "sudo "
            base = f"{sudo}pg_ctlcluster --skip-systemctl-redirect {version} {cluster}"
            return f"{base} stop", f"{base} start"
    raise RuntimeError(f"no local PostgreSQL cluster listens on port {parts.port or 5432} (pg_lsclusters)")


@dataclass
class Fault:
    """Stops PostgreSQL `after` seconds into the measured load for `down` seconds; notes when it is back."""

    admin_url: str
    stop: str
    start: str
    started_file: Path
    after: float
    down: float
    log: Path
    times: dict[str, float] = field(default_factory=dict)
    error: str = ""

    def run(self) -> None:
        while not self.started_file.exists():  # written by drive.py once everyone is signed in
            time.sleep(0.05)
        time.sleep(max(0.0, float(self.started_file.read_text()) + self.after - time.time()))
        try:
            self.times["stop_issued"] = time.time()
            if self.command(self.stop).wait() != 0:
                self.error = f"{self.stop!r} failed; see {self.log}"
                return
            self.times["stopped"] = time.time()
            time.sleep(self.down)
            self.times["start_issued"] = time.time()
            starting = self.command(self.start)
            # Back = the first new connection that succeeds, which can come before the start
            # command returns (pg_ctlcluster does more after the server accepts connections).
            while True:
                try:
                    psycopg.connect(self.admin_url, connect_timeout=2).close()
                    self.times["back"] = time.time()
                    break
                except psycopg.OperationalError:
                    if starting.poll() not in (None, 0):
                        break
                    time.sleep(0.05)
            if starting.wait() != 0:
                self.error = f"{self.start!r} failed with {starting.returncode}; see {self.log}"
        except OSError as error:
            self.error = f"could not run the PostgreSQL stop or start command: {error}"

    def command(self, line: str) -> subprocess.Popen:
        # Output to a file, not a pipe: a started server inherits the pipe and would hold it open.
        with self.log.open("a") as log:
            return subprocess.Popen(shlex.split(line), stdin=subprocess.DEVNULL, stdout=log, stderr=log)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def analyse(results: dict[str, Any], fault: Fault | None) -> tuple[dict[str, Any], list[str]]:
    """Throughput and latency of the measured load (signing in before it is left out), and the fault window.

    Server errors count wherever they happened. A failed request belongs to the fault window when
    it overlaps the time from stopping PostgreSQL to 5 s after it was back.
    """
    problems: list[str] = []
    requests = results["requests"]  # start, end, server, kind, status, clear_503
    t0 = results["started"]
    measured = [r for r in requests if r[0] >= t0]
    durations = sorted((end - start) * 1000 for start, end, *_ in measured)
    elapsed = results["stopped"] - t0
    failed = [r for r in requests if r[4] == 0 or r[4] >= 500]
    five_hundreds = [r for r in requests if r[4] == 500]
    if five_hundreds:
        problems.append(f"{len(five_hundreds)} responses were 500 (never allowed)")
    window = None
    if fault is not None and "stop_issued" in fault.times:
        end = fault.times.get("back", results["stopped"]) + RECOVERY_LIMIT_S
        window = (fault.times["stop_issued"], end)
    inside = [r for r in failed if window and r[1] >= window[0] and r[0] <= window[1]]
    outside = [r for r in failed if not (window and r[1] >= window[0] and r[0] <= window[1])]
    if outside:
        kinds = Counter(f"{r[3]} {r[4]}" for r in outside)
        problems.append(f"{len(outside)} server errors outside the fault window: {dict(kinds)}")
    unclear = [r for r in requests if r[4] == 503 and not r[5]]
    if unclear:
        problems.append(f"{len(unclear)} 503 answers lacked Retry-After or the clear message")
    summary: dict[str, Any] = {
        "duration_s": round(elapsed, 1),
        "requests": len(measured),
        "rps": round(len(measured) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(durations, 0.50), 1),
        "p95_ms": round(percentile(durations, 0.95), 1),
        "p99_ms": round(percentile(durations, 0.99), 1),
        "errors_5xx": len(outside),
        "statuses": dict(sorted(Counter(str(r[4]) for r in measured).items())),
        "by_server": dict(sorted(Counter(f"app{r[2] + 1}" for r in measured).items())),
        "signing_in": {"seconds": results["signing_in_s"], "requests": len(requests) - len(measured)},
    }
    if fault is None:
        summary["fault"] = {"enabled": False}
        return summary, problems
    times = fault.times
    report: dict[str, Any] = {"enabled": True, "error": fault.error or None}
    if fault.error or "back" not in times:
        problems.append(f"the PostgreSQL restart did not complete: {fault.error or 'it never came back'}")
    rel = {k: round(v - t0, 2) for k, v in times.items()}
    served_503 = [r for r in requests if r[4] == 503]
    report.update(
        {
            "pg_stop_at_s": rel.get("stop_issued"),
            "pg_back_at_s": rel.get("back"),
            "pg_down_s": round(times["back"] - times["stop_issued"], 2) if "back" in times else None,
            "responses_503": len(served_503),
            "other_errors_in_window": len([r for r in inside if r[4] != 503]),
        }
    )
    if served_503:
        first, last = min(r[1] for r in served_503), max(r[1] for r in served_503)  # when answered
        report["outage_window_s"] = [round(first - t0, 2), round(last - t0, 2)]
        report["outage_s"] = round(last - first, 2)
    else:
        report["outage_window_s"] = None
        report["outage_s"] = 0.0
    if "back" in times:
        back = times["back"]
        last_failure = max((r[1] for r in failed if r[0] <= back + RECOVERY_LIMIT_S), default=back)
        report["recovery_s"] = round(max(0.0, last_failure - back), 2)
        late = [r for r in failed if r[0] > back + RECOVERY_LIMIT_S]
        report["failures_later_than_5s_after_pg_back"] = len(late)
        if report["recovery_s"] > RECOVERY_LIMIT_S or late:
            problems.append(f"the site took {report['recovery_s']} s to recover after PostgreSQL was back")
        report["ok_after_back"] = sum(1 for r in requests if r[0] > back and 0 < r[4] < 500)
    if not served_503 and not fault.error:
        problems.append("PostgreSQL was stopped but no request saw a 503: was it the right server?")
    summary["fault"] = report
    return summary, problems


def human(result: dict[str, Any], problems: list[str]) -> str:
    writes, fault, cross = result["writes"], result["fault"], result["cross_server"]
    lines = [
        "",
        f"Load test: {result['users']} users on {result['servers']} app servers "
        f"({WORKERS_PER_SERVER} gunicorn workers each), {result['duration_s']} s, shared machine "
        f"({os.cpu_count()} CPUs, other work running: compare numbers only within one run).",
        f"  {result['requests']} requests, {result['rps']} per second; latency p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms",
        f"  statuses {result['statuses']}, per server {result['by_server']}; signing everyone in took "
        f"{result['signing_in']['seconds']} s before that ({result['signing_in']['requests']} requests)",
        f"  writes acknowledged {writes['accepted']} (meetings {writes['meetings']['accepted']}, "
        f"matrix edits {writes['accepted'] - writes['meetings']['accepted']}), refused with 409 "
        f"{writes['refused_409']} ({writes['refused_409_with_message']} with the message, "
        f"{writes['refused_between_different_cells']} between different cells), "
        f"missing {writes['missing']}",
        f"  across servers: sessions {cross['sessions_ok']} ok / {cross['sessions_failed']} failed, "
        f"records read back {cross['reads_ok']} ok / {cross['reads_failed']} failed",
        f"  server errors outside the fault window: {result['errors_5xx']}",
    ]
    if fault["enabled"]:
        lines.append(
            f"  fault: PostgreSQL stopped at {fault.get('pg_stop_at_s')} s, back at {fault.get('pg_back_at_s')} s; "
            f"503 answers {fault.get('responses_503')} from {fault.get('outage_window_s')}; "
            f"recovered {fault.get('recovery_s')} s after PostgreSQL was back"
        )
    lines.append("PASSED" if not problems else "FAILED:\n  - " + "\n  - ".join(problems))
    return "\n".join(lines)


def main() -> int:
    duration = int(os.environ.get("DURATION") or 60)
    users = int(os.environ.get("USERS") or 32)
    with_fault = env_flag("FAULT", duration >= 30)
    admin_url, db_url, db_name = database_urls(os.getpid())
    work = Path(tempfile.mkdtemp(prefix="rfcs-loadtest-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rfcs_site.settings",
        "DATABASE_URL": db_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain http on loopback; no TLS proxy in front
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "CACHE_URL": os.environ.get("LOADTEST_CACHE_URL", "db://rfcs_cache"),
        "DJANGO_LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
    }
    if with_fault:
        stop_pg, start_pg = pg_commands(admin_url)  # fail before doing anything when it cannot be done
    servers: list[subprocess.Popen] = []
    say(f"database {db_name}, cache {env['CACHE_URL']}, work files in {work}")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    try:
        started = time.time()
        # Debug off serves hashed, compressed static files; collecting them needs no database,
        # so it runs beside the migration.
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env
        )
        setup_path = work / "setup.json"
        subprocess.run(
            [sys.executable, "-m", "loadtest.setup_data", str(setup_path), str(users)],
            cwd=ROOT,
            env={**env, "LOADTEST_PASSWORD": secrets.token_urlsafe(16)},
            check=True,
        )
        if collect.wait() != 0:
            raise RuntimeError("collectstatic failed")
        say(f"database ready in {time.time() - started:.1f} s; starting two app servers")
        urls = []
        for number in (1, 2):
            port = free_port()
            urls.append(f"http://127.0.0.1:{port}")
            log = (work / f"app{number}.log").open("w")
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "rfcs_site.wsgi:application",
                     "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS_PER_SERVER),
                     "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )
            )  # fmt: skip
        for url, process in zip(urls, servers, strict=True):
            wait_until_up(url, process)
        config = {
            "servers": urls,
            "duration": duration,
            "run": secrets.token_hex(3),
            "setup": json.loads(setup_path.read_text()),
            "started_file": str(work / "started"),
        }
        config_path, results_path = work / "config.json", work / "results.json"
        config_path.write_text(json.dumps(config))
        fault = None
        if with_fault:
            down = float(os.environ.get("FAULT_DOWN") or 3)
            after = max(1.0, duration / 2 - down / 2)
            fault = Fault(
                admin_url,
                stop_pg,
                start_pg,
                Path(config["started_file"]),
                after,
                down,
                log=work / "fault.log",
            )
            threading.Thread(target=fault.run, daemon=True).start()
        say(
            f"{users} users for {duration} s on {' and '.join(urls)}"
            + (" with a PostgreSQL restart" if fault else "")
        )
        cpu = children_cpu()
        subprocess.run(
            [sys.executable, "-m", "loadtest.drive", str(config_path), str(results_path)],
            cwd=ROOT, env={**env, "DATABASE_URL": ""}, check=True,
        )  # fmt: skip
        cpu_client = children_cpu() - cpu
        if fault is not None:
            deadline = time.time() + 60
            while "back" not in fault.times and not fault.error and time.time() < deadline:
                time.sleep(0.2)
        cpu = children_cpu()
        stop_servers(servers)
        cpu_servers = children_cpu() - cpu
        results = json.loads(results_path.read_text())
        summary, problems = analyse(results, fault)
        checked = json.loads(
            subprocess.run(
                [sys.executable, "-m", "loadtest.check", str(setup_path), str(results_path)],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        problems.extend(checked.pop("problems"))
        cross = results["cross_server"]
        if cross["sessions_failed"] or cross["reads_failed"]:
            problems.append("the two app servers disagreed on a session or a saved record")
        if checked["accepted"] == 0:
            problems.append("no write was acknowledged at all: the load test did not exercise writing")
        result = {
            "duration_s": summary.pop("duration_s"),
            "users": results["users"],
            "servers": len(urls),
            **{k: summary.pop(k) for k in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms")},
            "writes": checked,
            "errors_5xx": summary.pop("errors_5xx"),
            "fault": summary.pop("fault"),
            "cross_server": cross,
            **summary,
            # CPU seconds used by the Locust process and by the four app workers (with their
            # start-up and sign-ins), against 2 shared cores: the client competes with the servers.
            "cpu_s": {"load_client": round(cpu_client, 1), "app_servers": round(cpu_servers, 1)},
        }
        print(human(result, problems), file=sys.stderr)
        result["passed"] = not problems
        print(json.dumps(result))
        if problems or env_flag("LOADTEST_KEEP", False):
            say(f"app server logs and the recorded requests are in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        return 1 if problems else 0
    finally:
        stop_servers(servers)
        if env_flag("LOADTEST_KEEP", False):
            say(f"kept database {db_name}")
        else:
            drop_database(admin_url, db_name)


def children_cpu() -> float:
    """CPU seconds of every finished child process (and theirs, such as gunicorn's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stop_servers(servers: list[subprocess.Popen]) -> None:
    for process in servers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in servers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def drop_database(admin_url: str, name: str) -> None:
    for _ in range(30):  # PostgreSQL may still be starting after a fault
        try:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.OperationalError:
            time.sleep(1)
    say(f"could not drop database {name}; drop it by hand")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (subprocess.CalledProcessError, RuntimeError) as failure:
        say(f"could not run the load test: {failure}")
        sys.exit(2)
