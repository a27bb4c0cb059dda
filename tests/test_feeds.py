"""Atom feeds of RFCs, RFC status changes, decisions and meetings (rfcs/, records/ and meetings/feeds.py)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import (
    RFC,
    ActionItem,
    Decision,
    DecisionStatus,
    Meeting,
    Option,
    RFCStatus,
    RFCStatusChange,
    Topic,
)
from tests.factories import make_area, make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url: str, **params: str) -> list[dict[str, str]]:
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "id": entry.findtext(f"{ATOM}id"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
            "published": entry.findtext(f"{ATOM}published"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def touch(model: type, pk: int, minutes_ago: int, field: str = "updated_at") -> None:
    """Give a row a known timestamp, since auto_now makes every test row 'just now'."""
    model.objects.filter(pk=pk).update(**{field: timezone.now() - datetime.timedelta(minutes=minutes_ago)})


def test_the_rfc_feed_lists_the_most_recently_changed_rfc_first(client):
    old = make_rfc("Exception handling", number=2, authors=[make_person("Nick F")])
    new = make_rfc("Shared WASI implementations", number=1, areas=[make_area("wasi")])
    touch(RFC, old.pk, 60)
    touch(RFC, new.pk, 5)
    found = entries(client, reverse("decisions:rfc-feed"))
    assert [e["title"] for e in found] == [
        "RFC 1: Shared WASI implementations (Draft)",
        "RFC 2: Exception handling (Draft)",
    ]
    assert found[0]["id"] == found[0]["link"] == "http://testserver/rfcs/1/"
    assert found[0]["published"] == "2023-03-30T00:00:00+00:00"
    assert "Authors: Nick F." in found[1]["summary"]


def test_the_rfc_feed_takes_the_filters_of_the_list_page(client):
    make_rfc("Shared WASI implementations", number=1, status=RFCStatus.ACCEPTED)
    make_rfc("Exception handling", number=2)
    found = entries(client, reverse("decisions:rfc-feed"), status="accepted")
    assert [e["title"] for e in found] == ["RFC 1: Shared WASI implementations (Accepted)"]


def test_a_title_with_markup_is_escaped_in_the_description(client):
    make_rfc("<script>alert(1)</script>", number=1, authors=[make_person("<b>Mallory</b>")])
    summary = entries(client, reverse("decisions:rfc-feed"))[0]["summary"]
    assert "<b>" not in summary and "&lt;b&gt;Mallory&lt;/b&gt;" in summary


def test_the_status_feed_has_one_entry_per_change_newest_first(client):
    rfc = make_rfc("Shared WASI implementations", number=1)
    rfc.status = RFCStatus.FCP
    rfc.record_change(note="Motion to finalize")
    rfc.status = RFCStatus.ACCEPTED
    rfc.record_change()
    for minutes, change in zip((30, 20, 10), rfc.status_changes.order_by("pk"), strict=True):
        touch(RFCStatusChange, change.pk, minutes, field="changed_at")
    found = entries(client, reverse("decisions:rfc-status-feed"))
    assert [e["title"] for e in found] == [
        "RFC 1: Shared WASI implementations: Final comment period → Accepted",
        "RFC 1: Shared WASI implementations: Draft → Final comment period",
        "RFC 1: Shared WASI implementations is new (Draft)",
    ]
    assert "Motion to finalize" in found[1]["summary"]
    assert len({e["id"] for e in found}) == 3
    assert found[0]["link"].startswith("http://testserver/rfcs/1/history/#status-change-")


def test_the_decision_feed_shows_status_chosen_option_and_the_stored_context(client):
    decision = make_decision("Where do shared WASI implementations live?", number=7, options=2)
    decision.context = "Every embedder writes *the same* glue."
    decision.status = DecisionStatus.ACCEPTED
    decision.chosen_option = Option.objects.get(decision=decision, name="Option 1")
    decision.save()
    entry = entries(client, reverse("decisions:decision-feed"))[0]
    assert entry["title"] == "DR-0007: Where do shared WASI implementations live? (Accepted)"
    assert "Status: Accepted. Chosen option: Option 1." in entry["summary"]
    assert "<em>the same</em>" in entry["summary"]
    assert entry["link"] == "http://testserver/decisions/7/"


def test_the_decision_feed_takes_the_filters_of_the_list_page(client):
    make_decision("Open question", number=1)
    make_decision("Settled question", number=2, status=DecisionStatus.ACCEPTED)
    found = entries(client, reverse("decisions:decision-feed"), status="accepted")
    assert [e["title"] for e in found] == ["DR-0002: Settled question (Accepted)"]


def test_the_meeting_feed_lists_the_newest_notes_first_with_their_topics(client):
    first = make_meeting(datetime.date(2023, 3, 16))
    second = make_meeting(datetime.date(2023, 3, 30))
    Topic.objects.create(meeting=second, order=1, title="Shared WASI implementations")
    Topic.objects.create(meeting=second, order=2, title="LTS releases")
    touch(Meeting, first.pk, 60, field="created_at")
    found = entries(client, reverse("decisions:meeting-feed"))
    assert [e["link"] for e in found] == [
        f"http://testserver/meetings/{second.pk}/",
        f"http://testserver/meetings/{first.pk}/",
    ]
    assert "Topics: Shared WASI implementations; LTS releases." in found[0]["summary"]
    assert found[0]["title"] == "Wasmtime project call 2023-03-30"


def test_a_meeting_title_without_its_date_gets_the_date(client):
    make_meeting(datetime.date(2023, 3, 30), title="Project call")
    assert entries(client, reverse("decisions:meeting-feed"))[0]["title"] == "Project call (2023-03-30)"


def test_a_feed_holds_at_most_fifty_entries(client):
    RFC.objects.bulk_create(
        RFC(number=n, title=f"RFC {n}", slug=f"rfc-{n}", created_on=datetime.date(2023, 1, 1))
        for n in range(1, 56)
    )
    assert len(entries(client, reverse("decisions:rfc-feed"))) == 50


def seed(count: int) -> None:
    """`count` rows for every feed, each with related rows a naive feed would query one by one."""
    area, person = make_area("wasi"), make_person(f"Person {count}")
    for _ in range(count):
        rfc = make_rfc(authors=[person], areas=[area], shepherd=person)
        rfc.status = RFCStatus.ACCEPTED
        rfc.record_change()
        _decision(person, area)
        meeting = make_meeting(datetime.date(2023, 1, 1) + datetime.timedelta(days=Meeting.objects.count()))
        Topic.objects.create(meeting=meeting, order=1, title="A topic")
        meeting.attendees.add(person)


def _decision(person, area) -> Decision:
    decision = make_decision(owner=person, options=2)
    decision.areas.add(area)
    decision.chosen_option = decision.options.first()
    decision.save()
    return decision


@pytest.mark.parametrize("name", ["rfc-feed", "rfc-status-feed", "decision-feed", "meeting-feed"])
def test_a_feed_runs_the_same_queries_for_3_and_40_rows(count_queries, name):
    url = reverse(f"decisions:{name}")
    seed(3)
    few = count_queries(url)
    seed(37)
    assert count_queries(url) == few


CONTROLS = "\x01\x07\x08\x0b"
FEEDS = ["rfc-feed", "rfc-status-feed", "decision-feed", "meeting-feed", "action-item-feed"]


@pytest.mark.parametrize("feed", FEEDS)
def test_every_feed_stays_readable_when_stored_records_hold_control_characters(client, feed):
    """Records written before input was cleaned (or straight into the database) must not take a
    feed down for everyone: XML 1.0 cannot carry these characters, so the feed leaves them out."""
    title = f"Bell{CONTROLS}title"
    text = f"Some{CONTROLS} text and [a](\x01javascript:x)\n"
    rfc = make_rfc(title, number=1, body=text, authors=[make_person(f"Mall{CONTROLS}ory")])
    RFCStatusChange.objects.create(rfc=rfc, from_status="", to_status=RFCStatus.DRAFT, note=title)
    make_decision(title, number=1, context=text, rationale=text)
    meeting = make_meeting(title=title, agenda=text, source_text=text)
    topic = Topic.objects.create(meeting=meeting, order=1, title=title, body=text)
    ActionItem.objects.create(meeting=meeting, topic=topic, owner_name=title, text=text)
    found = entries(client, reverse(f"decisions:{feed}"))
    assert found, feed
    assert any("Belltitle" in entry["title"] for entry in found), [e["title"] for e in found]
    assert not any(c in entry[key] for entry in found for key in ("title", "summary") for c in CONTROLS)
