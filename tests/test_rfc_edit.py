"""Editing an RFC in the browser: authors, shepherd and staff may; a stale save loses nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from decisions.models import RFC, RFCStatus
from tests.factories import make_person, make_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_user():
    return User.objects.create_user("ada", password="pw-ada-123")


@pytest.fixture
def rfc(author_user):
    return make_rfc(
        number=6, body="# Summary\n\nFirst text.\n", authors=[make_person("Ada A", user=author_user)]
    )


def form_data(rfc: RFC, **changes: object) -> dict:
    data = {
        "title": rfc.title,
        "status": rfc.status,
        "body": rfc.body,
        "discussion_url": rfc.discussion_url,
        "version": rfc.version,
        "message": "",
    }
    data.update(changes)
    return data


def test_an_author_edits_the_text_and_the_history_shows_it(client, author_user, rfc):
    client.force_login(author_user)
    page = client.get("/rfcs/6/").content.decode()
    assert 'href="/rfcs/6/edit/"' in page
    response = client.post(
        "/rfcs/6/edit/",
        form_data(
            rfc, body="# Summary\n\nSecond text.\n", status=RFCStatus.PROPOSED, message="Clarify scope"
        ),
    )
    assert (response.status_code, response["Location"]) == (302, "/rfcs/6/")
    rfc.refresh_from_db()
    assert "Second text" in rfc.body_html and rfc.status == RFCStatus.PROPOSED and rfc.version == 2
    latest = rfc.revisions.order_by("-number").first()
    assert (latest.message, latest.author) == ("Clarify scope", author_user)
    assert rfc.status_changes.filter(to_status=RFCStatus.PROPOSED, note="Clarify scope").exists()
    history = client.get("/rfcs/6/history/").content.decode()
    assert "Clarify scope" in history and "Second text" in history


def test_the_shepherd_may_edit_and_an_outsider_may_not(client, rfc):
    shepherd_user = User.objects.create_user("nick")
    rfc.shepherd = make_person("Nick N", user=shepherd_user)
    rfc.save()
    client.force_login(shepherd_user)
    assert client.get("/rfcs/6/edit/").status_code == 200
    outsider = User.objects.create_user("mallory")
    client.force_login(outsider)
    assert 'href="/rfcs/6/edit/"' not in client.get("/rfcs/6/").content.decode()
    assert client.get("/rfcs/6/edit/").status_code == 403
    assert client.post("/rfcs/6/edit/", form_data(rfc, title="Defaced")).status_code == 403
    assert RFC.objects.get(pk=rfc.pk).title == rfc.title


def test_anonymous_visitors_are_sent_to_sign_in(client, rfc):
    response = client.post("/rfcs/6/edit/", form_data(rfc, title="Defaced"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_later_of_two_saves_is_refused_and_keeps_the_text(client, author_user, rfc):
    client.force_login(author_user)
    opened_at = rfc.version
    first = client.post("/rfcs/6/edit/", form_data(rfc, body="# Summary\n\nTheirs.\n", version=opened_at))
    assert first.status_code == 302
    mine = "# Summary\n\nMine, typed for ten minutes.\n"
    second = client.post("/rfcs/6/edit/", form_data(rfc, body=mine, version=opened_at))
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved this RFC" in page
    assert "Mine, typed for ten minutes." in page  # nothing typed is lost
    assert f'name="version" value="{opened_at + 1}"' in page  # saving again overwrites knowingly
    assert "Theirs." in RFC.objects.get(pk=rfc.pk).body


def test_a_text_over_the_limit_is_refused_with_the_limit(client, author_user, rfc, settings):
    settings.MARKDOWN_MAX_BYTES = 1024
    client.force_login(author_user)
    response = client.post("/rfcs/6/edit/", form_data(rfc, body="x" * 2000))
    assert response.status_code == 422
    assert "the limit is 1 KB" in response.content.decode()
    assert RFC.objects.get(pk=rfc.pk).version == 1


def test_rfcs_of_another_series_are_edited_at_their_own_address(client, author_user):
    pep = make_rfc(
        number=8, series="pep", title="Style Guide", authors=[make_person("Ada A", user=author_user)]
    )
    client.force_login(author_user)
    response = client.post("/rfcs/pep/8/edit/", form_data(pep, title="Style Guide for Python Code"))
    assert (response.status_code, response["Location"]) == (302, "/rfcs/pep/8/")
    assert RFC.objects.get(pk=pep.pk).title == "Style Guide for Python Code"


def test_typing_an_id_into_search_offers_that_record(client):
    make_rfc(number=625, series="kep", title="CSI migration")
    page = client.get("/search/", {"q": "KEP-625"}).content.decode()
    assert 'href="/rfcs/kep/625/"' in page and "KEP-625: CSI migration" in page
