"""Hostile Markdown through every field that renders it, shown on the pages and in the exports.

The payloads are those of tests/data/xss-markdown-dev.txt; each page is parsed as a browser
would (html5lib) and must hold nothing executable.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.markdown import render
from decisions.models import (
    RFC,
    Assessment,
    Criterion,
    Decision,
    DecisionPrecedent,
    Meeting,
    Option,
    Precedent,
    Remark,
    Topic,
)
from decisions.records import export
from decisions.rfcs.export import rfc_to_markdown
from tests.factories import make_decision, make_meeting, make_rfc
from tests.test_markdown_security import XSS_PAYLOADS, dangers

pytestmark = pytest.mark.django_db
# Every payload of the file, through every field (about 0.2 s each).
PAYLOADS = XSS_PAYLOADS


def page_dangers(client, url: str, own: list[str] | None = None) -> list[str]:
    """What is executable on the page beyond the site's own markup (`own`, from a baseline)."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    if own is None:  # no baseline: look only at the page's main content
        body = body[body.index("<main") : body.index("</main>")]
    found = dangers(body)
    for item in own or []:
        if item in found:
            found.remove(item)
    return found


BASELINE: list[list[str]] = []


def fill(payload: str) -> list[str]:
    """Put the text in every Markdown field; return the URLs that show them."""
    rfc = make_rfc(number=1, body=f"# Summary\n\n{payload}\n")
    meeting = make_meeting(agenda=payload, source_text=payload)
    topic = Topic.objects.create(meeting=meeting, order=1, title="Topic", body=payload)
    Remark.objects.create(topic=topic, order=1, speaker_name="Mallory", text=payload)
    decision = make_decision(
        number=1, title=payload[:300], context=payload, rationale=payload, consequences=payload
    )
    option = Option.objects.create(
        decision=decision, name=payload[:200], summary=payload, why_not=payload[:400]
    )
    criterion = Criterion.objects.create(decision=decision, name=payload[:200], description=payload[:400])
    Assessment.objects.create(option=option, criterion=criterion, rating=1, note=payload[:500])
    decision.chosen_option = option
    decision.save()
    precedent = Precedent.objects.create(
        title=payload[:300], url="https://example.org/p", summary=payload, lessons=payload
    )
    DecisionPrecedent.objects.create(decision=decision, precedent=precedent, note=payload[:500])
    return [
        rfc.get_absolute_url(), meeting.get_absolute_url(), decision.get_absolute_url(),
        precedent.get_absolute_url(), "/", "/decisions/",
    ]  # fmt: skip


@pytest.fixture
def baseline(client):
    """The site's own markup (htmx script tag, stylesheet links, filter forms) with harmless text:
    the same for every payload, so it is read once per test process, in a transaction undone."""
    if not BASELINE:
        from django.db import transaction

        with transaction.atomic():
            BASELINE[:] = [dangers(client.get(url).content.decode()) for url in fill("Harmless *text*.")]
            transaction.set_rollback(True)
    return BASELINE


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_a_payload_in_every_markdown_field_leaves_no_script_on_any_page(client, baseline, payload):
    for own, url in zip(BASELINE, fill(payload), strict=True):
        assert page_dangers(client, url, own) == [], url
    decision = Decision.objects.get(number=1)
    # The exported record, rendered the way GitHub or any viewer would render it.
    exported = export.decision_to_markdown(decision)
    assert dangers(render(exported.split("\n---\n", 1)[-1])) == []
    # The RFC's own export, and its history page with the diff of the text.
    rfc = RFC.objects.get(number=1)
    assert dangers(render(rfc_to_markdown(rfc).split("\n---\n", 1)[-1])) == []
    assert page_dangers(client, rfc.history_url) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<script>alert(1)</script>",
                    "<img src=x onerror=alert(1)>",
                    "<a href='javascript:x'>a</a>",
                    "<svg onload=alert(1)>",
                    "<iframe src=//evil>",
                    "[x](javascript:alert(1))",
                    "![i](data:text/html;base64,PHNjcmlwdD4=)",
                    "<style>*{}</style>",
                    "<form action=//e>",
                    '<p style="x:expression(1)">',
                    "<<script>>",
                    "<!--",
                    "-->",
                    "`",
                    "*",
                    "_",
                    "[",
                    "](",
                    "\n\n",
                    "<details open ontoggle=alert(1)>",
                    "&#106;avascript:",
                    "<object data=x>",
                    "<embed src=x>",
                ]
            ),
            st.text(alphabet=string.ascii_letters + string.punctuation + " \n", max_size=20),
        ),
        max_size=12,
    )
)
def test_generated_markdown_with_html_fragments_never_renders_a_script(parts):
    assert dangers(render("".join(parts))) == []


def test_a_hostile_rfc_body_survives_the_history_and_markdown_pages(client):
    rfc = make_rfc(number=2, body="<script>alert(1)</script>\n")
    rfc.body = '<img src=x onerror="alert(2)">\n'
    rfc.record_change()
    assert page_dangers(client, f"/rfcs/{rfc.number}/history/") == []
    response = client.get(f"/rfcs/{rfc.number}.md")
    assert response["Content-Type"].startswith("text/markdown")  # served as text, never as HTML
    assert response["X-Content-Type-Options"] == "nosniff"


def test_control_characters_in_every_field_leave_every_feed_readable(client):
    import xml.etree.ElementTree as ET

    fill("Bell\x01\x07\x08\x0b text [a](\x01javascript:x)")
    Decision.objects.filter(number=1).update(title="Title\x01\x0b")
    for feed in (
        "/rfcs/feed/",
        "/rfcs/status/feed/",
        "/decisions/feed/",
        "/meetings/feed/",
        "/action-items/feed/",
    ):
        response = client.get(feed)
        assert response.status_code == 200, feed
        ET.fromstring(response.content)  # well-formed XML


def test_notes_with_nul_bytes_are_refused_with_the_line_and_nothing_is_saved(client):
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile

    from decisions.models import MeetingSeries

    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    series = MeetingSeries.objects.create(name="Wasmtime", slug="wasmtime")
    pasted = client.post(
        "/meetings/new/", {"series": series.pk, "date": "2023-03-30", "notes": "# Call\n\x00x"}
    )
    assert "Null characters are not allowed." in pasted.content.decode()
    upload = SimpleUploadedFile("notes.md", b"# Call\n\nline two\x00\n")
    uploaded = client.post("/meetings/new/", {"series": series.pk, "date": "2023-03-30", "upload": upload})
    assert "The file contains a NUL character (line 3)." in uploaded.content.decode()
    assert not Meeting.objects.exists()
