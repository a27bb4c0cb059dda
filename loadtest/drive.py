"""Run the Locust users of locustfile.py in library mode and write what happened as JSON.

`python -m loadtest.drive CONFIG.json RESULTS.json`, started by run.py in its own process:
importing locust monkey-patches everything with gevent, which must not leak into the Django
processes or the orchestrator.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import gevent
from locust.env import Environment  # importing locust monkey-patches this process with gevent
from locust.log import setup_logging

from loadtest import locustfile

SIGN_IN_LIMIT_S = 120


def main(config_path: Path, out_path: Path) -> None:
    config = json.loads(config_path.read_text())
    locustfile.configure(config)
    setup_logging("ERROR")
    users = [locustfile.OwnerUser, locustfile.SubmitterUser]
    count = sum(user.fixed_count for user in users)
    # stop_timeout lets a user finish the request it is in when the time is up.
    environment = Environment(user_classes=users, host=config["servers"][0], stop_timeout=15)
    runner = environment.create_local_runner()
    spawned = time.time()
    runner.start(count, spawn_rate=count)
    # Signing in costs each person a password hash (PBKDF2, about 0.3 s of CPU): the measured
    # DURATION starts once everyone is in, for all users at once.
    while len(locustfile.SIGNED_IN) < count and time.time() < spawned + SIGN_IN_LIMIT_S:
        gevent.sleep(0.1)
    if len(locustfile.SIGNED_IN) < count:
        sys.exit(f"only {len(locustfile.SIGNED_IN)} of {count} users could sign in")
    started = time.time()
    Path(config["started_file"]).write_text(str(started))
    locustfile.EVERYONE_SIGNED_IN.set()
    gevent.spawn_later(config["duration"], runner.quit)
    runner.greenlet.join()
    stopped = time.time()
    out_path.write_text(
        json.dumps(
            {
                "signing_in_s": round(started - spawned, 2),
                "started": started,
                "stopped": stopped,
                "users": count,
                "requests": locustfile.REQUESTS,
                "writes": locustfile.WRITES,
                "cross_server": locustfile.CROSS,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
