from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytest_plugins = ["tests.oidc_provider.fixtures"]

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


def shared_path(*parts: str) -> Path:
    """A path in ../shared/; skip when it is absent, fail when CI says it must be there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("REQUIRE_SHARED") == "1":
            pytest.fail(f"{path} is missing and REQUIRE_SHARED=1")
        pytest.skip(f"{path} is not here (a fresh clone has no ../shared/)")
    return path


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Passwords made by tests are hashed with MD5 (Django's advice for test suites): the
    production hasher takes a quarter of a second per password by design, and the suite makes
    hundreds. Stored production-style hashes still verify: PBKDF2 stays in the list."""
    from django.conf import settings
    from django.test.utils import override_settings

    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    )
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """PostgreSQL test databases commit without waiting for the disk (synchronous_commit=off):
    a test that empties every table after it (the browser journeys) committed a TRUNCATE of
    each and waited on the disk. Nothing a test checks depends on surviving a crash."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database["ENGINE"].endswith("postgresql"):
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def _fresh_data_state_window():
    """Each test starts with no data state kept by this process (datastate.recent): one test's
    state, or a state a test faked, must not key another's pages."""
    from decisions.accounts import identity, sessions
    from decisions.caching import datastate

    datastate.forget_recent()
    sessions.forget_all()
    identity.forget_all()
    yield
    datastate.forget_recent()
    sessions.forget_all()
    identity.forget_all()


@pytest.fixture
def count_queries(client) -> Callable[[str], int]:
    """GET a URL and return how many SQL queries the page ran (after a 200)."""

    def count(url: str, **headers: str) -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, headers=headers)
            if response.streaming:  # a streamed body (a CSV) runs its queries as it is read
                b"".join(response.streaming_content)
        assert response.status_code == 200, (url, response.status_code)
        return len(context.captured_queries)

    return count


class SMTPServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.host = "127.0.0.1"
        self.port = 0

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServer]:
    """Send the site's mail through a real SMTP server started for this test, and read it back.

    Mail features use it as `smtp_server.messages` (email.message.EmailMessage, newest last).
    """
    from aiosmtpd.controller import Controller

    server = SMTPServer()
    with socket.socket() as probe:  # a free port: the controller checks its own port by connecting
        probe.bind((server.host, 0))
        server.port = probe.getsockname()[1]
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def renders_in_transactions(monkeypatch) -> list[bool]:
    """Whether each Markdown render ran inside an atomic block (where SQLite holds the write lock)."""
    from decisions import markdown

    seen: list[bool] = []
    real = markdown.render_document

    def watched(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(markdown, "render_document", watched)
    return seen


# --- tests that never touch the database run once -----------------------------------------------

# A module of text-in, text-out code (parsers, Markdown, formats) says so with
# `pytestmark = pytest.mark.text_only`. Its tests that ask for no database fixture give the same
# result on any database, so with ONCE_PER_DATABASE=1 (.ci/run's PostgreSQL run, after the whole
# suite passed on SQLite) they are deselected, and pytest reports how many. Its tests that do use
# the database still run. A test marked `own_databases` makes the databases it runs on itself
# (a SQLite file, a PostgreSQL database of its own), whatever DATABASE_URL says: it runs once too.
# So does one marked `corpus_once`: it imports the whole shared corpus to measure the parser and
# importer, which come out the same on either database (the import tests run on both).
DATABASE_FIXTURES = {
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
    "live_server", "client", "admin_client", "django_user_model",
}  # fmt: skip


def uses_database(item: pytest.Item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("ONCE_PER_DATABASE") != "1":
        return
    once = [
        item
        for item in items
        if item.get_closest_marker("own_databases")
        or item.get_closest_marker("corpus_once")
        or (item.get_closest_marker("text_only") and not uses_database(item))
    ]
    if once:
        chosen = set(map(id, once))
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if id(item) not in chosen]


# --- pages built from kept fragments ---------------------------------------------------------------


@pytest.fixture
def built_pages(settings: Any) -> Iterator[None]:
    """Pages built for each request (no whole-page cache), on empty caches before and after."""
    from django.core.cache import caches

    settings.PAGE_CACHE_SECONDS = 0
    for store in caches.all():
        store.clear()
    yield
    for store in caches.all():
        store.clear()


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether check() comes true within `seconds`: a PostgreSQL notification arrives a moment
    after the commit that sent it."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def state_reads() -> int:
    """The queries a built page spends on the data state: one on SQLite; none on PostgreSQL,
    whose listening connection keeps the state until a commit notifies it (caching.datastate)."""
    return 0 if connection.vendor == "postgresql" else 1


def get_counted(
    client: Any, url: str, params: dict[str, str] | None = None, **headers: str
) -> tuple[str, int]:
    """A page's body (it must answer 200) and how many queries building it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {}, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode(), len(queries.captured_queries)
