"""Visitors get whole pages from the cache until the data changes (rfcs_site.pagecache).

These tests commit for real (transaction=True): the cache is keyed by the committed state of
the database, which a test wrapped in one transaction never moves.
"""

from __future__ import annotations

import contextlib
import datetime
import shutil
import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection, connections, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.caching import datastate
from decisions.models import RFC, Meeting, Topic
from rfcs_site.pagecache import HEADER, page_key
from tests.conftest import eventually, state_reads
from tests.factories import make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    for store in caches.all():
        store.clear()
    yield
    for store in caches.all():
        store.clear()


def get(client, url: str, **headers: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries.captured_queries)


def test_a_second_visit_is_served_whole_with_at_most_one_query(client, settings):
    rfc = make_rfc("Shared WASI implementations")
    first, _ = get(client, rfc.get_absolute_url())
    second, queries = get(client, rfc.get_absolute_url())
    assert first[HEADER] == "miss" and second[HEADER] == "hit"
    assert queries == 0  # the data state read for the first visit is still fresh
    settings.PAGE_CACHE_STATE_SECONDS = 0
    again, queries = get(client, rfc.get_absolute_url())
    assert again[HEADER] == "hit" and queries == state_reads()  # the data state, for this request
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The headers of the site still come with a cached page.
    assert second["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in second


def test_every_kind_of_write_shows_at_once(client):
    rfc = make_rfc("Shared WASI implementations")
    url = rfc.get_absolute_url()
    get(client, url)
    rfc.title = "Shared WASI crates"
    rfc.save()
    page, _ = get(client, url)
    assert page[HEADER] == "miss" and "Shared WASI crates" in page.text
    RFC.objects.filter(pk=rfc.pk).update(title="WASI crates in one workspace")  # no signals
    assert "WASI crates in one workspace" in get(client, url)[0].text
    with connection.cursor() as cursor:  # behind the ORM's back
        cursor.execute(f"UPDATE {RFC._meta.db_table} SET title = %s WHERE id = %s", ["Raw title", rfc.pk])
    assert "Raw title" in get(client, url)[0].text


@contextlib.contextmanager
def unnoticed(conn):
    """Writes this process does not see itself make, as another server's or psql's would be."""
    conn.ensure_connection()
    kept = list(conn.execute_wrappers)
    conn.execute_wrappers[:] = [w for w in kept if w is not datastate._notice_writes]
    try:
        yield
    finally:
        conn.execute_wrappers[:] = kept


def test_another_servers_write_reaches_visitors_within_the_state_window(client, settings, monkeypatch):
    settings.PAGE_CACHE_STATE_SECONDS = 30
    rfc = make_rfc("Shared WASI implementations")
    url = rfc.get_absolute_url()
    get(client, url)
    with unnoticed(connection), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {RFC._meta.db_table} SET title = %s WHERE id = %s", ["Elsewhere", rfc.pk])
    page, queries = get(client, url)
    assert page[HEADER] == "hit" and "Elsewhere" not in page.text and queries == 0
    later = datastate.monotonic() + 31
    monkeypatch.setattr(datastate, "monotonic", lambda: later)
    page, _ = get(client, url)
    assert page[HEADER] == "miss" and "Elsewhere" in page.text


def test_a_change_to_a_related_row_shows_on_the_pages_that_show_it(client):
    author = make_person("Ada Author")
    make_rfc("Shared WASI implementations", authors=[author])
    meeting = make_meeting(datetime.date(2024, 2, 1))
    topic = Topic.objects.create(meeting=meeting, order=1, title="Tail calls")
    for url in ("/", reverse("decisions:rfc-list"), meeting.get_absolute_url()):
        get(client, url)
    author.name = "Ada Lovelace"
    author.save()
    topic.title = "Tail calls, again"
    topic.save()
    assert "Ada Lovelace" in get(client, reverse("decisions:rfc-list"))[0].text
    assert "Tail calls, again" in get(client, meeting.get_absolute_url())[0].text


def test_a_rolled_back_write_leaves_the_cached_page_valid(client):
    rfc = make_rfc("Shared WASI implementations")
    get(client, rfc.get_absolute_url())
    with pytest.raises(RuntimeError), transaction.atomic():
        RFC.objects.filter(pk=rfc.pk).update(title="Never committed")
        raise RuntimeError
    page, _ = get(client, rfc.get_absolute_url())
    assert "Never committed" not in page.text and "Shared WASI implementations" in page.text


def test_signed_in_people_never_get_or_fill_the_visitors_cache(client):
    rfc = make_rfc("Shared WASI implementations")
    user = User.objects.create_user("nick", password="a long passphrase 1")
    client.force_login(user)
    page, _ = get(client, rfc.get_absolute_url())
    assert HEADER not in page
    client.logout()
    assert get(client, rfc.get_absolute_url())[0][HEADER] == "miss"


def test_an_htmx_partial_and_the_full_page_are_cached_apart(client):
    make_rfc("Shared WASI implementations")
    url = reverse("decisions:rfc-list")
    full, _ = get(client, url)
    partial, _ = get(client, url, **{"HX-Request": "true"})
    assert partial[HEADER] == "miss"
    assert "<html" in full.text and "<html" not in partial.text
    assert get(client, url)[0].content == full.content


def test_a_new_day_builds_the_page_again(client, monkeypatch):
    make_decision("Where do WASI implementations live?", status="open")
    get(client, "/")
    assert get(client, "/")[0][HEADER] == "hit"
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr("rfcs_site.pagecache.timezone.localdate", lambda: tomorrow)
    assert get(client, "/")[0][HEADER] == "miss"


def test_errors_and_redirects_are_not_cached(client):
    assert client.get("/rfcs/99999/").status_code == 404
    assert HEADER not in client.get("/rfcs/99999/")
    edit = client.get("/meetings/new/")  # visitors are sent to sign in
    assert edit.status_code == 302 and HEADER not in edit


def test_a_page_that_hands_out_a_csrf_token_is_never_shared():
    from django.http import HttpResponse

    from rfcs_site.pagecache import _storable

    request = RequestFactory().get("/rfcs/")
    assert _storable(request, HttpResponse("ok"))
    request.META["CSRF_COOKIE_USED"] = True
    assert not _storable(request, HttpResponse("<input name=csrfmiddlewaretoken>"))
    cookie = HttpResponse("ok")
    cookie.set_cookie("csrftoken", "x")
    assert not _storable(RequestFactory().get("/"), cookie)


def test_requests_with_a_session_or_credentials_are_not_keyed():
    factory = RequestFactory()
    assert page_key(factory.get("/rfcs/")) is not None
    assert page_key(factory.get("/rfcs/", HTTP_COOKIE="sessionid=abc")) is None
    assert page_key(factory.get("/rfcs/", HTTP_AUTHORIZATION="Bearer x")) is None
    assert page_key(factory.post("/rfcs/")) is None
    assert page_key(factory.get("/admin/")) is None


def test_there_is_no_state_inside_a_transaction():
    assert datastate.current() is not None
    with transaction.atomic():
        assert datastate.current() is None


def test_the_state_moves_with_every_commit_and_only_then():
    before = datastate.current()
    assert datastate.current() == before
    meeting = make_meeting(datetime.date(2024, 3, 1))
    after = datastate.current()
    assert after != before
    Meeting.objects.filter(pk=meeting.pk).delete()
    assert datastate.current() not in (before, after)


def watched_tables() -> set[str]:
    """The tables carrying the state's trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rfcs_state_%'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE 'rfcs_state_%'"
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_a_page_can_show_moves_the_state():
    """Each model's table has the trigger that keeps writes from outside the app visible."""
    watched = watched_tables()
    tables = set(connection.introspection.django_table_names(include_views=False))
    # Sessions, the task queue, webhook deliveries and the records' stored Markdown files (what an
    # export keeps of its own work) are shown by no page (datastate.UNWATCHED).
    unshown = {
        "django_session", "django_tasks_database_dbtaskresult", "decisions_hookdelivery",
        "decisions_storedmarkdown",
    }  # fmt: skip
    assert tables - watched == unshown & tables
    Topic.objects.create(meeting=make_meeting(), order=1, title="Tail calls")
    assert raw_delete_moves_the_state()


def test_migrate_drops_the_trigger_of_a_table_no_longer_watched(monkeypatch):
    """A database made while a table was watched (the stored Markdown files were) loses its trigger."""
    table = "decisions_storedmarkdown"
    monkeypatch.setattr(datastate, "_unwatched", lambda: frozenset(datastate.UNWATCHED - {table}))
    datastate.install()  # as `migrate` did before the table was unwatched
    assert table in watched_tables()
    monkeypatch.undo()
    datastate.install()  # what the next `migrate` runs
    assert table not in watched_tables()


def raw_delete_moves_the_state() -> bool:
    before = datastate.current()
    connection.ensure_connection()
    raw = connection.connection.cursor()  # as psql would: none of Django's hooks
    raw.execute(f"DELETE FROM {Topic._meta.db_table}")
    raw.close()
    return datastate.current() != before


def test_a_bulk_load_drops_the_triggers_and_install_makes_them_again():
    """bench.seed fills a throwaway database without a state write per row, then restores them."""
    Topic.objects.create(meeting=make_meeting(), order=1, title="Tail calls")
    datastate.uninstall()
    try:
        assert not raw_delete_moves_the_state()
    finally:
        datastate.install()
    Topic.objects.create(meeting=make_meeting(datetime.date(2024, 3, 2)), order=1, title="Fuel")
    assert raw_delete_moves_the_state()


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite moves the state inside the writing transaction itself (and its in-memory test "
    "database locks readers out while a write is open, so there is no reader to race)",
)
def test_a_page_built_while_a_write_is_in_flight_is_not_served_after_it_commits(client):
    """A visitor reading during an edit may cache the old page, but under a state the commit leaves."""
    rfc = make_rfc("Shared WASI implementations")
    seen: list[str | None] = []

    def visitor() -> None:
        try:
            seen.append(datastate.current())
            seen.append(client.get(rfc.get_absolute_url()).text)
        finally:
            connections.close_all()

    with transaction.atomic():
        RFC.objects.filter(pk=rfc.pk).update(title="Shared WASI crates")
        reader = threading.Thread(target=visitor)
        reader.start()
        reader.join()
    during, page = seen
    assert "Shared WASI implementations" in page  # the edit was not visible yet
    assert datastate.current() != during
    assert "Shared WASI crates" in client.get(rfc.get_absolute_url()).text


def test_with_the_database_down_a_visitor_gets_the_503_page_not_a_stale_one(client, monkeypatch):
    from tests.test_db_unavailable import assert_friendly_503, database_down

    rfc = make_rfc("Shared WASI implementations")
    get(client, rfc.get_absolute_url())
    visitor = Client(raise_request_exception=False)  # as a server answers: no test re-raise
    with database_down():
        # Within the state window the page is as fresh as it ever is (PAGE_CACHE_STATE_SECONDS);
        # past it, nothing can say the page is still true.
        assert visitor.get(rfc.get_absolute_url())[HEADER] == "hit"
        later = datastate.monotonic() + settings.PAGE_CACHE_STATE_SECONDS + 1
        monkeypatch.setattr(datastate, "monotonic", lambda: later)
        assert_friendly_503(visitor.get(rfc.get_absolute_url()))


def test_a_new_release_of_the_templates_does_not_serve_pages_cached_by_the_old_one(tmp_path):

    from rfcs_site.release import BASE_DIR, release, release_of

    shutil.copytree(BASE_DIR / "templates", tmp_path / "templates")
    assert release_of(tmp_path) == release_of(tmp_path)
    before = release_of(tmp_path)
    page = tmp_path / "templates" / "base.html"
    page.write_text(page.read_text().replace("Skip to content", "Skip to the content"))
    assert release_of(tmp_path) != before
    shutil.copytree(BASE_DIR / "static", tmp_path / "static")
    with_templates = release_of(tmp_path)
    style = next((tmp_path / "static").rglob("*.css"))
    style.write_text(style.read_text() + "\nmain { outline: none; }\n")
    assert release_of(tmp_path) != with_templates  # pages name the new file by its hash
    assert settings.CACHES[settings.PAGE_CACHE_ALIAS]["KEY_PREFIX"] == f"pages-{release()}"


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite moves the state inside the writing transaction itself (and its in-memory test "
    "database cannot be opened by a second program)",
)
def test_a_write_from_another_program_shows_once_it_commits(client, monkeypatch):
    """psql or another tool: BEGIN; UPDATE ...; (a visitor reads the old page) COMMIT; and once
    this process's state window (PAGE_CACHE_STATE_SECONDS) has passed, visitors see it."""
    import psycopg

    rfc = make_rfc("Shared WASI implementations")
    url = rfc.get_absolute_url()
    get(client, url)
    where = connection.settings_dict
    dsn = f"host={where['HOST']} port={where['PORT'] or 5432} user={where['USER']} dbname={where['NAME']}"
    with psycopg.connect(dsn) as other:
        other.execute(f"UPDATE {RFC._meta.db_table} SET title = 'Shared WASI crates' WHERE id = %s", [rfc.pk])
        assert "Shared WASI implementations" in get(client, url)[0].text  # not committed yet
        other.commit()
    later = datastate.monotonic() + settings.PAGE_CACHE_STATE_SECONDS + 0.1
    monkeypatch.setattr(datastate, "monotonic", lambda: later)
    # The commit's notification reaches this process's connection a moment after the commit.
    assert eventually(lambda: "Shared WASI crates" in get(client, url)[0].text)


def test_visitors_filling_the_page_cache_cannot_push_out_a_reset_limit(client, settings):
    """Every URL is a page: they go to their own store, which drops only pages when full.
    (Sign-in failures are rows in the database; the password-reset counters are in the cache.)"""
    assert settings.CACHES["pages"]["LOCATION"] != settings.CACHES["default"]["LOCATION"]
    counter = "password-reset:addr:203.0.113.9"
    caches["default"].set(counter, 5, 3600)
    make_rfc("Shared WASI implementations")
    pages = caches["pages"]
    pages._max_entries, pages._cull_frequency = 20, 2  # a small store, culled often
    try:
        for n in range(60):
            assert get(client, f"/api/?n={n}")[0][HEADER] == "miss"
    finally:
        pages._max_entries, pages._cull_frequency = 2000, 3
    assert caches["default"].get(counter) == 5
