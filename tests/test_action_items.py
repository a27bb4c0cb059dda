"""/action-items/: open items by owner and due date, inline status changes, and the Atom feed."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from decisions.models import ActionItem
from tests.factories import make_meeting, make_person

pytestmark = pytest.mark.django_db
URL = reverse("decisions:action-item-list")


@pytest.fixture
def items():
    till, victor = make_person("Till S"), make_person("Victor L")
    meeting = make_meeting()
    return {
        "rfc": ActionItem.objects.create(
            owner=till, text="Get the RFC written", meeting=meeting, due_on=datetime.date(2023, 4, 20)
        ),
        "history": ActionItem.objects.create(
            owner=victor, text="Send the Kubernetes history", meeting=meeting
        ),
        "done": ActionItem.objects.create(owner=till, text="Turn on auto-assignment", status="done"),
    }


def test_open_items_are_listed_by_owner_then_due_date(client, items):
    body = client.get(URL).content.decode()
    assert body.index("Get the RFC written") < body.index("Send the Kubernetes history")
    assert "Turn on auto-assignment" not in body
    assert 'due <time datetime="2023-04-20">' in body


def test_the_list_filters_by_owner_and_status(client, items):
    body = client.get(URL, {"status": "done"}).content.decode()
    assert "Turn on auto-assignment" in body and "Get the RFC written" not in body
    owner = items["history"].owner.slug
    body = client.get(URL, {"owner": owner}).content.decode()
    assert "Send the Kubernetes history" in body and "Get the RFC written" not in body


def test_the_owner_marks_their_item_done_inline(client, items):
    user = User.objects.create_user("till", password="pw")
    item = items["rfc"]
    item.owner.user = user
    item.owner.save()
    client.force_login(user)
    url = reverse("decisions:action-item-status", args=[item.pk])
    response = client.post(url, {"status": "done"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert (
        response.content.decode().lstrip().startswith(f'<li class="action-item" id="action-item-{item.pk}">')
    )
    item.refresh_from_db()
    assert item.status == "done"


def test_a_change_over_someone_elses_is_refused_and_shows_the_current_status(client, items):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    url = reverse("decisions:action-item-status", args=[items["rfc"].pk])
    # Two people opened the list while the item was open; the first marks it done.
    assert (
        client.post(url, {"status": "done", "was": "open"}, headers={"HX-Request": "true"}).status_code == 200
    )
    late = client.post(url, {"status": "dropped", "was": "open"}, headers={"HX-Request": "true"})
    assert late.status_code == 409
    body = late.content.decode()
    assert "Someone else changed this item to “Done”" in body and 'name="was" value="done"' in body
    items["rfc"].refresh_from_db()
    assert items["rfc"].status == "done"


def test_someone_else_may_not_change_an_item(client, items):
    client.force_login(User.objects.create_user("outsider", password="pw"))
    response = client.post(
        reverse("decisions:action-item-status", args=[items["rfc"].pk]), {"status": "dropped"}
    )
    assert response.status_code == 403
    items["rfc"].refresh_from_db()
    assert items["rfc"].status == "open"


def test_without_javascript_the_change_redirects_back(client, items):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    response = client.post(
        reverse("decisions:action-item-status", args=[items["history"].pk]),
        {"status": "dropped", "next": "/action-items/"},
    )
    assert response.status_code == 302 and response["Location"] == "/action-items/"


def test_the_atom_feed_lists_new_items(client, items):
    response = client.get(reverse("decisions:action-item-feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<title>Till S: Get the RFC written</title>" in body
    assert "action-item-" in body


def test_the_list_runs_the_same_queries_for_3_and_60_items(count_queries, items):
    small = count_queries(URL)
    for n in range(57):
        ActionItem.objects.create(
            owner=make_person(f"Owner {n}"), text=f"Item {n}", meeting=make_meeting(title=f"M{n}")
        )
    assert count_queries(URL) == small


def test_the_feed_escapes_what_people_wrote_and_links_each_item(client, items):
    items["rfc"].text = "<script>alert(1)</script> get it written"
    items["rfc"].save()
    body = client.get(reverse("decisions:action-item-feed")).content.decode()
    assert "<script>" not in body and "&amp;lt;script&amp;gt;" in body
    assert f"#action-item-{items['rfc'].pk}</id>" in body
