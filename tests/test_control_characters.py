"""C0 control characters typed or pasted into any form are dropped before anything is stored.

They are invisible, and one of them in a title once made every Atom feed answer 500. Tab and
newline stay; a NUL is still refused with a message (tests/test_hostile_fields.py).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from decisions.models import Decision, Meeting, MeetingSeries, Precedent
from decisions.text import strip_controls

pytestmark = pytest.mark.django_db
CONTROLS = "\x01\x07\x08\x0b\x0c\x1b\x7f"


@pytest.fixture
def staff(client) -> User:
    user = User.objects.create_superuser("staff", "staff@example.org", "pw")
    client.force_login(user)
    return user


def test_strip_controls_keeps_tabs_and_newlines_and_turns_crlf_into_lf():
    assert strip_controls(f"a{CONTROLS}\tb\r\nc\n\x00") == "a\tb\nc\n"


def test_a_new_decision_is_saved_without_the_control_characters_typed_into_it(client, staff):
    response = client.post(
        "/decisions/new/", {"title": f"Which{CONTROLS} runtime?", "context": "We\x01 need\tone.\r\nTwo."}
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.title == "Which runtime?"
    assert decision.context == "We need\tone.\nTwo."


def test_pasted_meeting_notes_are_saved_without_control_characters(client, staff):
    series = MeetingSeries.objects.create(name="Wasmtime", slug="wasmtime")
    notes = f"# Call{CONTROLS}\n\n## Topic\x08 one\n\n- **Till**: a\x0bb\n"
    cleaned = "# Call\n\n## Topic one\n\n- **Till**: ab\n"
    response = client.post(
        "/meetings/new/",
        {"series": series.pk, "date": "2023-03-30", "notes": notes, "action": "save"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert meeting.title == "Call"
    assert meeting.source_text == cleaned
    assert list(meeting.topics.values_list("title", flat=True)) == ["Topic one"]


def test_the_admin_saves_text_without_control_characters(client, staff):
    response = client.post(
        "/admin/decisions/precedent/add/",
        {"title": f"KEP{CONTROLS} 625", "slug": "kep-625", "url": "https://example.org/kep", "kind": "proposal",
         "summary": "Sum\x01mary", "lessons": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    precedent = Precedent.objects.get()
    assert (precedent.title, precedent.summary) == ("KEP 625", "Summary")
