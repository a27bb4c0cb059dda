"""/meetings/ filters and search, the meeting page's topic links, and starting a decision from a topic."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from decisions.models import DecisionMeeting, MeetingSeries, Remark, Topic
from tests.factories import make_decision, make_meeting, make_person

pytestmark = pytest.mark.django_db
URL = reverse("decisions:meeting-list")


@pytest.fixture
def calls():
    march = make_meeting(datetime.date(2023, 3, 30), title="Wasmtime project call")
    Topic.objects.create(meeting=march, order=1, title="Shared WASI implementations")
    cranelift, _ = MeetingSeries.objects.get_or_create(slug="cranelift", defaults={"name": "Cranelift"})
    make_meeting(datetime.date(2024, 5, 1), title="Cranelift weekly", series=cranelift)
    return march


def titles(response) -> list[str]:
    return [meeting.title for meeting in response.context["page"].object_list]


def test_meetings_are_listed_newest_first(client, calls):
    assert titles(client.get(URL)) == ["Cranelift weekly", "Wasmtime project call"]


def test_search_finds_a_meeting_by_a_topic_title(client, calls):
    assert titles(client.get(URL, {"q": "wasi"})) == ["Wasmtime project call"]


def test_filters_by_series_and_year(client, calls):
    assert titles(client.get(URL, {"series": "cranelift"})) == ["Cranelift weekly"]
    assert titles(client.get(URL, {"year": "2023"})) == ["Wasmtime project call"]


def test_htmx_gets_only_the_results(client, calls):
    body = client.get(URL, {"q": "cranelift"}, headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="meeting-results"')


def test_the_meeting_page_has_topic_anchors_and_links_mentions(client, calls):
    topic = calls.topics.get()
    Remark.objects.create(topic=topic, order=1, speaker_name="Till", text="See RFC 6 and DR-0001.")
    body = client.get(calls.get_absolute_url()).content.decode()
    assert f'id="{topic.html_id}"' in body and topic.html_id == "t1-shared-wasi-implementations"
    assert '<a href="/rfcs/6/" class="mention"' in body and '<a href="/decisions/1/" class="mention"' in body


def test_an_editor_links_a_topic_to_a_decision(client, calls):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    decision = make_decision(number=1)
    topic = calls.topics.get()
    response = client.post(
        reverse("decisions:topic-link-decision", args=[calls.pk, topic.pk]), {"decision": 1}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#{topic.html_id}")
    assert DecisionMeeting.objects.filter(decision=decision, meeting=calls, topic=topic).exists()
    assert "Shared WASI implementations" in client.get(decision.get_absolute_url()).content.decode()


def test_a_decision_started_from_a_topic_quotes_it_and_lists_the_meeting(client, calls):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    topic = calls.topics.get()
    Remark.objects.create(
        topic=topic, order=1, speaker=make_person("Nick F"), speaker_name="Nick", text="Keep it in tree."
    )
    form = client.get(reverse("decisions:decision-new"), {"topic": topic.pk}).content.decode()
    assert "&gt; - **Nick F**: Keep it in tree." in form
    client.post(
        reverse("decisions:decision-new"), {"title": "Where does it live?", "context": "x", "topic": topic.pk}
    )
    assert DecisionMeeting.objects.get().topic == topic


def test_a_person_page_shows_remarks_by_meeting_actions_and_attendance(client, calls):
    nick = make_person("Nick F")
    calls.attendees.add(nick)
    Remark.objects.create(topic=calls.topics.get(), order=1, speaker=nick, text="Keep it in tree.")
    body = client.get(nick.get_absolute_url()).content.decode()
    assert "Shared WASI implementations" in body and "1 remark" in body
    assert "Attended 1 meeting." in body


def test_the_meeting_page_runs_the_same_queries_for_1_and_20_topics(count_queries, calls):
    small = count_queries(calls.get_absolute_url())
    for order in range(2, 21):
        topic = Topic.objects.create(meeting=calls, order=order, title=f"Topic {order}")
        Remark.objects.create(topic=topic, order=1, speaker=make_person(f"P{order}"), text="x")
        DecisionMeeting.objects.create(decision=make_decision(number=order), meeting=calls, topic=topic)
    assert count_queries(calls.get_absolute_url()) == small


# Nobody is quoted for what they did not say ------------------------------------------------------

NESTED_NOTES = """# Wasmtime project call

## Attendees
- Till Brennecke
- Nick Fallow

## Exceptions
- Till: cg-cliff needs exceptions before the next release
    - Exceptions on cg-cliff are being worked on by Bjarne (?)
- Nick: the spec text is stable
"""


@pytest.fixture
def nested(db):
    from decisions.meetings.parsing import parse_meeting
    from decisions.meetings.saving import save_meeting

    series, _ = MeetingSeries.objects.get_or_create(slug="wasmtime", defaults={"name": "Wasmtime"})
    return save_meeting(
        parse_meeting(NESTED_NOTES), series=series, date=datetime.date(2023, 3, 30), source_text=NESTED_NOTES
    )


def test_the_meeting_page_shows_an_unattributed_sub_bullet_as_a_note_not_the_speakers(client, nested):
    body = client.get(nested.get_absolute_url()).content.decode()
    item = re.search(r'<li class="remark depth-1[^"]*">(.*?)</li>', body, re.S)
    assert item is not None, "the sub-bullet keeps its place, indented under Till's bullet"
    assert "Bjarne" in item[1] and "Till" not in item[1]
    assert 'class="note-mark"' in item[1] and "remark-note" in item[0]
    # Till's own bullet still names him.
    assert re.search(r'class="speaker"[^>]*>Till[^<]*</a>: <p>cg-cliff needs', body)


def test_a_decision_started_from_a_topic_does_not_credit_a_note_to_the_speaker_above(client, nested):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    topic = nested.topics.get()
    form = client.get(reverse("decisions:decision-new"), {"topic": topic.pk}).content.decode()
    assert "cg-cliff needs exceptions before the next release" in form
    assert "&gt;   - _(note)_ Exceptions on cg-cliff are being worked on by Bjarne (?)" in form
    assert "**Till Brennecke**: Exceptions" not in form and "**Till**: Exceptions" not in form


LOOSE_NOTES = """# Wasmtime project call

- Alex: a word before any subject

## Reviewer auto-assignment

- Nick: we should turn it on
"""


def test_notes_under_no_topic_are_kept_but_counted_nowhere_as_a_topic(client, db):
    from decisions.meetings.parsing import parse_meeting
    from decisions.meetings.saving import save_meeting

    series, _ = MeetingSeries.objects.get_or_create(slug="wasmtime", defaults={"name": "Wasmtime"})
    meeting = save_meeting(
        parse_meeting(LOOSE_NOTES), series=series, date=datetime.date(2023, 4, 6), source_text=LOOSE_NOTES
    )
    assert [(t.title, t.loose) for t in meeting.topics.order_by("order")] == [
        ("Notes", True),
        ("Reviewer auto-assignment", False),
    ]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "a word before any subject" in page and "(written under no topic)" in page
    listed = client.get("/api/meetings/").json()["results"][0]
    detail = client.get(f"/api/meetings/{meeting.pk}/").json()
    assert listed["topic_count"] == detail["topic_count"] == 1
    assert [t["loose"] for t in detail["topics"]] == [True, False]
    assert re.search(r"<td class=\"num hide-narrow\">1</td>", client.get("/meetings/").content.decode())
    assert "1 topic</span>" in client.get("/").content.decode()
