"""Pages rendered from the cache (home, RFC list, meeting, decision) still show every edit at once.

Their keys are fingerprints of the rows they show, so an edit made anywhere (the admin, an import,
a plain save) gives a new key: nothing waits for the cache to expire.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from decisions.models import ActionItem, DecisionMeeting, Precedent, Remark, Topic
from tests.factories import make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db


def test_the_rfc_list_shows_a_renamed_author_and_a_new_status(client):
    author = make_person("Ada Author")
    rfc = make_rfc("Shared WASI implementations", authors=[author])
    url = reverse("decisions:rfc-list")
    assert "Ada Author" in client.get(url).text
    author.name = "Ada Lovelace"
    author.save()
    rfc.status = "accepted"
    rfc.save()
    page = client.get(url).text
    assert "Ada Lovelace" in page and "Ada Author" not in page
    assert "Accepted" in page


def test_the_home_page_shows_a_decision_retitled_and_an_action_item_done(client):
    decision = make_decision("Where do WASI implementations live?", status="open")
    meeting = make_meeting(datetime.date(2024, 1, 10))
    item = ActionItem.objects.create(text="Write the migration guide", meeting=meeting)
    first = client.get("/").text
    assert "Where do WASI implementations live?" in first and "Write the migration guide" in first
    decision.title = "Where do the shared WASI crates live?"
    decision.save()
    item.status = "done"
    item.save()
    again = client.get("/").text
    assert "Where do the shared WASI crates live?" in again
    assert "Write the migration guide" not in again


def test_the_meeting_page_shows_a_remark_edited_in_the_admin_and_a_new_attendee(client):
    meeting = make_meeting(datetime.date(2024, 2, 1))
    topic = Topic.objects.create(meeting=meeting, order=1, title="Tail calls")
    remark = Remark.objects.create(topic=topic, order=1, speaker_name="Till", text="Ship it behind a flag.")
    url = meeting.get_absolute_url()
    assert "Ship it behind a flag." in client.get(url).text
    remark.text = "Ship it in the next release."
    remark.save()  # no version bump, as an admin edit
    meeting.attendees.add(make_person("Nick Fitzgerald"))
    page = client.get(url).text
    assert "Ship it in the next release." in page and "behind a flag" not in page
    assert "Nick Fitzgerald" in page


def test_the_decision_page_shows_an_owner_renamed_and_a_precedent_edited(client):
    owner = make_person("Kai Weber")
    decision = make_decision("How should we ship tail calls?", owner=owner, options=2, criteria=2)
    precedent = Precedent.objects.create(title="How Go shipped it", url="https://example.org/go")
    decision.citations.create(precedent=precedent, note="Same shape.")
    url = decision.get_absolute_url()
    assert "Kai Weber" in client.get(url).text
    owner.name = "Kai Weber-Larsen"
    owner.save()
    precedent.title = "How Go shipped generics"
    precedent.save()
    page = client.get(url).text
    assert "Kai Weber-Larsen" in page and "How Go shipped generics" in page


def test_a_meeting_linked_from_a_topic_shows_on_the_decision_and_the_meeting(client):
    meeting = make_meeting(datetime.date(2024, 3, 1))
    topic = Topic.objects.create(meeting=meeting, order=1, title="Component resources")
    decision = make_decision("How do resources drop?")
    client.get(meeting.get_absolute_url())
    client.get(decision.get_absolute_url())
    DecisionMeeting.objects.create(decision=decision, meeting=meeting, topic=topic)
    assert decision.code in client.get(meeting.get_absolute_url()).text
    assert "Component resources" in client.get(decision.get_absolute_url()).text


def test_a_signed_in_editor_gets_the_forms_not_the_visitors_cached_page(client):
    meeting = make_meeting(datetime.date(2024, 4, 1))
    Topic.objects.create(meeting=meeting, order=1, title="Fuel metering")
    url = meeting.get_absolute_url()
    assert "Link to decision" not in client.get(url).text
    editor = User.objects.create_user("editor", password="a long enough password")
    editor.user_permissions.add(Permission.objects.get(codename="change_decision"))
    client.force_login(editor)
    assert "Link to decision" in client.get(url).text


def test_the_rfc_page_shows_new_text_a_renamed_author_and_a_citing_decision(client, count_queries):
    author = make_person("Ada Author")
    rfc = make_rfc(
        "Shared WASI implementations", number=6, body="# Summary\n\nFirst text.\n", authors=[author]
    )
    first = client.get("/rfcs/6/").text
    assert "First text." in first and "Ada Author" in first and "No decision cites this RFC." in first
    # Inside a test's transaction there is no data state to key fragments by: the RFC with its
    # lists, then its text (tests/test_rfc_state_cache.py counts the cached page, committed).
    assert count_queries("/rfcs/6/") == 2
    rfc.body = "# Summary\n\nSecond text.\n"
    rfc.save()
    author.name = "Ada Lovelace"
    author.save()
    make_decision("Where do WASI implementations live?", number=4).related_rfcs.add(rfc)
    page = client.get("/rfcs/6/").text
    assert "Second text." in page and "First text." not in page
    assert "Ada Lovelace" in page and "DR-0004" in page


def test_an_imported_header_links_an_rfc_as_soon_as_it_is_imported(client):
    make_rfc(number=625, series="kep", title="CSI migration", metadata={"See also": ["KEP-178"]})
    assert 'href="/rfcs/kep/178/"' not in client.get("/rfcs/kep/625/").text
    make_rfc(number=178, series="kep", title="CSI volume plugins")
    assert 'href="/rfcs/kep/178/"' in client.get("/rfcs/kep/625/").text
