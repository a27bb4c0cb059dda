"""The simulated people of `make loadtest`: decision owners editing matrices, submitters of meeting notes.

Imported only by loadtest/drive.py (importing locust monkey-patches the process with gevent; the
test suite never imports this). Every person signs in on one app server and then uses both, so
a session made by one server must work on the other. Every write is recorded *before* it is sent
(outcome "pending") and updated with what the server answered, so a write cut off by a fault or by
the end of the run is known as "unknown" rather than forgotten; check.py then compares the
acknowledged writes with the database.
"""

from __future__ import annotations

import datetime
import html
import itertools
import random
import re
import time
from typing import Any

from gevent.event import Event
from locust import HttpUser, between, task

# Filled by configure() before the users start; read by drive.py afterwards.
CONFIG: dict[str, Any] = {}
REQUESTS: list[tuple[float, float, int, str, int, bool]] = []  # start, end, server, kind, status, clear_503
WRITES: list[dict[str, Any]] = []
CROSS = {"sessions_ok": 0, "sessions_failed": 0, "reads_ok": 0, "reads_failed": 0}
_people = itertools.count()
_accounts = {"owners": itertools.count(), "submitters": itertools.count()}
SIGNED_IN: list[str] = []
EVERYONE_SIGNED_IN = Event()  # set by drive.py: the measured load starts for all at once

STALE_TEXT = "Someone else rated this cell"
UNAVAILABLE_TEXT = "The site is briefly unavailable"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The preview carries the corrections made in it (none here) to the save, as the browser does.
CORRECTIONS_INPUT = re.compile(r'name="corrections" value="([^"]*)"')
MEETING_URL = re.compile(r"/meetings/(\d+)/$")
# A series meets once a day: each pasted meeting gets a day of its own, far from the demo's.
MEETING_DAYS = itertools.count()


def configure(config: dict[str, Any]) -> None:
    CONFIG.clear()
    CONFIG.update(config)
    OwnerUser.fixed_count = len(config["setup"]["owners"])
    SubmitterUser.fixed_count = len(config["setup"]["submitters"])


class SiteUser(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    accounts_key = ""

    def on_start(self) -> None:
        self.person = next(_people)
        self.servers: list[str] = CONFIG["servers"]
        self.home = self.person % len(self.servers)
        self.sequence = itertools.count(1)
        accounts = CONFIG["setup"][self.accounts_key]
        self.username = accounts[next(_accounts[self.accounts_key]) % len(accounts)]
        while not self.sign_in():
            time.sleep(1)  # the database may be restarting; people try again
        SIGNED_IN.append(self.username)
        EVERYONE_SIGNED_IN.wait()

    # Requests ---------------------------------------------------------------------------------

    def other(self, server: int) -> int:
        return (server + 1) % len(self.servers)

    def send(self, method: str, server: int, path: str, kind: str, **kwargs: Any) -> Any:
        """One request with its timing and status recorded; never raises."""
        expect = kwargs.pop("expect", (200,))
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        start = time.time()
        with self.client.request(
            method, self.servers[server] + path, name=kind, catch_response=True, **kwargs
        ) as response:
            status = response.status_code or 0
            clear = status == 503 and self._clear_503(response)
            if status in expect:
                response.success()
            else:
                response.failure(f"{kind}: HTTP {status}")
        REQUESTS.append((start, time.time(), server, kind, status, clear))
        self._send_secure_cookies_over_loopback()
        return response

    def _send_secure_cookies_over_loopback(self) -> None:
        """With debug off the site marks its session and CSRF cookies Secure, as it should behind
        TLS. Here there is no TLS proxy in front of the loopback servers, so the client clears
        the flag (a browser also treats http://localhost as a secure context)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    @staticmethod
    def _clear_503(response: Any) -> bool:
        """A 503 that says what happened and when to retry, without a traceback."""
        text = response.text or ""
        return (
            response.headers.get("Retry-After", "").isdigit()
            and (UNAVAILABLE_TEXT in text or '"error"' in text)
            and "Traceback" not in text
        )

    def csrf_headers(self, htmx: bool = False) -> dict[str, str]:
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    def sign_in(self) -> bool:
        page = self.send("GET", self.home, "/accounts/login/", "sign-in page")
        match = CSRF_INPUT.search(page.text or "")
        if page.status_code != 200 or not match:
            return False
        done = self.send(
            "POST",
            self.home,
            "/accounts/login/",
            "sign in",
            data={
                "username": self.username,
                "password": CONFIG["setup"]["password"],
                "csrfmiddlewaretoken": match[1],
                "next": "/",
            },
            expect=(302,),
        )
        if done.status_code != 302:
            return False
        # The session was created by the home server; the other one must know it.
        elsewhere = self.send("GET", self.other(self.home), "/", "home")
        if elsewhere.status_code == 200:
            ok = "Signed in as <a" in elsewhere.text and self.username in elsewhere.text
            CROSS["sessions_ok" if ok else "sessions_failed"] += 1
        return True

    # Reading ----------------------------------------------------------------------------------

    @task(5)
    def read(self) -> None:
        reads = CONFIG["setup"]["reads"]
        kind, path = random.choice(
            [
                ("home", "/"),
                ("rfc list", "/rfcs/"),
                ("rfc detail", random.choice(reads["rfcs"])),
                ("decision detail", random.choice(reads["decisions"])),
                ("meeting detail", random.choice(reads["meetings"])),
                ("search", "/search/?q=" + random.choice(reads["searches"]).replace(" ", "+")),
            ]
        )
        self.send("GET", random.randrange(len(self.servers)), path, kind)

    def token(self) -> str:
        return f"{CONFIG['run']}-{self.person}-{next(self.sequence)}"


class OwnerUser(SiteUser):
    """Owns every demo decision and keeps re-rating cells of their matrices."""

    accounts_key = "owners"

    @task(3)
    def edit_matrix(self) -> None:
        decision = random.choice(CONFIG["setup"]["decisions"])
        option, criterion = random.choice(decision["options"]), random.choice(decision["criteria"])
        server = random.randrange(len(self.servers))
        page = self.send("GET", server, f"/decisions/{decision['number']}/edit/", "decision edit page")
        version = cell_version(page.text or "", option, criterion)
        if page.status_code != 200 or version is None:
            return
        time.sleep(random.uniform(0, 0.5))  # reading the matrix, choosing a rating
        refused = self.rate(decision, option, criterion, version, self.other(server))
        if refused is not None:  # "save it to replace theirs", from the version the 409 showed
            self.rate(decision, option, criterion, refused, server)

    def rate(
        self, decision: dict[str, Any], option: int, criterion: int, version: int, server: int
    ) -> int | None:
        """Re-rate one cell; the cell's version the server now has when it refused the change."""
        htmx = random.random() < 0.75  # the page uses htmx; without JavaScript it is a form post
        write = {
            "type": "matrix",
            "decision": decision["number"],
            "version": version,
            "option": option,
            "criterion": criterion,
            "rating": random.randint(-2, 2),
            "note": f"load {self.token()}",
            "outcome": "pending",
        }
        WRITES.append(write)
        fields = {key: write[key] for key in ("version", "option", "criterion", "rating", "note")}
        response = self.send(
            "POST",
            server,
            f"/decisions/{decision['number']}/matrix/",
            "matrix edit",
            data={**fields, "action": "rate"},
            headers=self.csrf_headers(htmx),
            expect=(200, 302, 409),
        )
        status = write["status"] = response.status_code or 0
        text = response.text or ""
        redirected = "/edit/#cell-" in response.headers.get("Location", "")
        if (htmx and status == 200 and "Rated" in text) or (not htmx and status == 302 and redirected):
            write["outcome"] = "accepted"
        elif status == 409:
            write["outcome"] = "refused"
            write["clear_message"] = STALE_TEXT in text and "Traceback" not in text
            return cell_version(text, option, criterion)
        elif status == 0 or status >= 500:
            write["outcome"] = "unknown"
        else:
            write["outcome"] = "rejected"
        return None


def cell_version(html: str, option: int, criterion: int) -> int | None:
    """The version the editor's form of one cell carries (0: nobody has rated it yet)."""
    found = re.search(rf'id="cell-{option}-{criterion}">.*?name="version" value="(\d+)"', html, re.DOTALL)
    return int(found.group(1)) if found else None


class SubmitterUser(SiteUser):
    """Pastes meeting notes, previews them on one server and saves them on the other."""

    accounts_key = "submitters"

    @task(2)
    def submit_meeting(self) -> None:
        setup = CONFIG["setup"]
        token = self.token()
        title = f"Load test {token}"
        names = random.sample(setup["attendees"], k=min(2, len(setup["attendees"])))
        notes = (
            f"# {title}\n\n## Attendees\n\n"
            + "".join(f"- {name}\n" for name in names)
            + f"\n## Topic {token}\n\n"
            + "".join(f"- **{name}**: Remark {i} on {token}.\n" for i, name in enumerate(names))
        )
        fields = {
            "series": random.choice(setup["series"]),
            "new_series": "",
            "date": (datetime.date(1900, 1, 1) + datetime.timedelta(days=next(MEETING_DAYS))).isoformat(),
            "title": title,
            "attendees": "",
            "agenda": "",
            "notes": notes,
        }
        server = random.randrange(len(self.servers))
        self.send("GET", server, "/meetings/new/", "meeting form")
        preview = self.send(
            "POST", server, "/meetings/new/", "meeting preview",
            data={**fields, "action": "preview"}, headers=self.csrf_headers(htmx=True),
        )  # fmt: skip
        corrections = CORRECTIONS_INPUT.search(preview.text or "")
        write = {"type": "meeting", "title": title, "token": token, "outcome": "pending"}
        WRITES.append(write)
        if preview.status_code != 200 or not corrections:
            # A preview that answers without its form: the save cannot be tried (the check says so).
            write["outcome"] = "unknown" if preview.status_code in (0, 503) else "no_preview"
            return
        server = self.other(server)
        saved = self.send(
            "POST",
            server,
            "/meetings/new/",
            "meeting save",
            data={**fields, "action": "save", "corrections": html.unescape(corrections[1])},
            headers=self.csrf_headers(),
            expect=(302,),
        )
        status = write["status"] = saved.status_code or 0
        found = MEETING_URL.search(saved.headers.get("Location", "")) if status == 302 else None
        if found:
            write.update(outcome="accepted", pk=int(found[1]))
        else:
            write["outcome"] = "unknown" if status == 0 or status >= 500 else "rejected"
            return
        # Read it back from the other server, with the confirmation message from the first.
        page = self.send("GET", self.other(server), found[0], "meeting detail")
        if page.status_code == 200:
            ok = title in page.text and "Saved the notes of" in page.text
            CROSS["reads_ok" if ok else "reads_failed"] += 1
