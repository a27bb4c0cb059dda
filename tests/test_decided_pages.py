"""Decisions found in notes on the way to a record: `import_meeting --json` lists them, the notes
preview offers each as a link, and the link opens the new-decision form prefilled (question,
options, contributors, context quoted as the notes attribute it, the meeting) which creates them."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.parsing.decided import find_decisions
from decisions.meetings.saving import save_meeting
from decisions.models import Decision, DecisionMeeting, MeetingSeries, OwnerRole
from decisions.records.from_notes import suggestion_url
from tests.factories import make_person
from tests.test_decided import demo_notes

pytestmark = pytest.mark.django_db

WASI = "Where should shared implementations of new WASI APIs live?"


@pytest.fixture
def series() -> MeetingSeries:
    return MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")


@pytest.fixture
def editor(client) -> User:
    user = User.objects.create_superuser("editor", password="pw")
    client.force_login(user)
    return user


def test_import_meeting_json_lists_suggested_decisions(tmp_path):
    notes = tmp_path / "wasmtime" / "2023" / "wasmtime-03-30.md"
    notes.parent.mkdir(parents=True)
    notes.write_text(demo_notes(), encoding="utf-8")
    out = io.StringIO()
    call_command("import_meeting", str(notes), "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue().strip().splitlines()[-1])
    wasi = next(s for s in data["suggested_decisions"] if s["topic"] == WASI)
    assert wasi["question"] == WASI
    assert wasi["kind"] == "calls"
    assert wasi["speaker"] == "Till"
    assert {"in-tree", "dylib", "RPC", "trait object"} <= set(wasi["options"])
    assert wasi["contributors"][0] == "Till Brennecke"
    assert wasi["method"] == "options" and 0 < wasi["confidence"] <= 1
    assert isinstance(wasi["line"], int) and wasi["also"]
    # Nothing else in the report changed shape: the suggestions are one key more.
    assert {"topics", "action_items", "suggested_action_items", "warnings"} <= set(data)
    assert Decision.objects.count() == 0


def preview_links(client, series: MeetingSeries, notes: str) -> list[str]:
    data = {
        "series": str(series.pk),
        "date": "2023-03-30",
        "notes": notes,
        "action": "preview",
        "corrections": "",
    }
    response = client.post("/meetings/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Decisions found" in body
    return [unescape(href) for href in re.findall(r'href="(/decisions/new/\?[^"]+)"', body)]


def test_the_preview_links_to_a_prefilled_decision_form_that_creates_the_record(client, series, editor):
    till = make_person("Till Brennecke", aliases=["Till"])
    nick = make_person("Nick Fallow", aliases=["Nick"])
    links = preview_links(client, series, demo_notes())
    wasi_link = next(link for link in links if "WASI" in link)
    query = parse_qs(urlparse(wasi_link).query)
    assert query["question"] == [WASI]
    assert {"in-tree", "dylib", "RPC", "trait object"} <= set(query["option"])
    # People already on the site are prefilled; the others are named in the context only.
    assert {int(pk) for pk in query["contributor"]} == {till.pk, nick.pk}

    form = client.get(wasi_link)
    assert form.status_code == 200
    page = unescape(form.content.decode())
    assert f'value="{WASI}"' in page
    assert "> **Till Brennecke**: Will write an RFC that lays out the in-tree option" in page
    assert "Spoke on this topic in the notes: Till Brennecke, Nick Fallow, Joel Dunmore" in page
    assert "trait object" in page
    assert re.search(rf'<input type="checkbox" name="contributors" value="{till.pk}"[^>]*checked', page)

    # The person keeps what is right and drops what is not, then creates the record.
    options = "in-tree\ndylib\nRPC\ntrait object\nIN-TREE\n"
    post = {
        "title": WASI,
        "context": query["context"][0],
        "options": options,
        "contributors": [str(till.pk)],
    }
    created = client.post("/decisions/new/", post)
    assert created.status_code == 302
    decision = Decision.objects.get()
    assert list(decision.options.order_by("order").values_list("name", flat=True)) == [
        "in-tree",
        "dylib",
        "RPC",
        "trait object",
    ]
    roles = set(decision.ownerships.values_list("person__name", "role"))
    assert ("Till Brennecke", OwnerRole.CONTRIBUTOR) in roles
    assert ("Nick Fallow", OwnerRole.CONTRIBUTOR) not in roles
    assert "Will write an RFC that lays out" in decision.context_html


def test_words_the_notes_give_to_no_one_are_quoted_under_no_name(client, series, editor):
    make_person("Nick Fallow", aliases=["Nick"])
    links = preview_links(client, series, demo_notes())
    reviewers = parse_qs(urlparse(next(link for link in links if "Reviewer" in link)).query)
    context = reviewers["context"][0]
    assert "> Outcome: no objections." in context
    assert "the notes give these words to no one" in context
    assert "**Nick" not in context.split("Spoke on this topic")[0]


def test_a_record_opened_from_a_saved_meeting_lists_that_meeting(client, series, editor):
    parsed = parse_meeting(demo_notes(), path="wasmtime/2023/wasmtime-03-30.md")
    meeting = save_meeting(parsed, series=series, date=parsed.date, source_text=demo_notes())
    suggestion = next(s for s in find_decisions(parsed) if s.topic == WASI)
    link = suggestion_url(suggestion, {}, where="Wasmtime project call of 2023-03-30", meeting=meeting)
    page = client.get(link)
    assert f'href="{meeting.get_absolute_url()}"' in page.content.decode()
    query = parse_qs(urlparse(link).query)
    post = {"title": WASI, "context": query["context"][0], "options": "", "meeting": str(meeting.pk)}
    assert client.post("/decisions/new/", post).status_code == 302
    assert DecisionMeeting.objects.filter(decision__title=WASI, meeting=meeting).exists()


def test_the_form_offers_only_the_people_the_link_names(client, editor):
    named = make_person("Joel Dunmore")
    make_person("Someone Else")
    page = client.get(f"/decisions/new/?question=Q%3F&contributor={named.pk}&contributor=x").content.decode()
    assert "Joel Dunmore" in page
    assert "Someone Else" not in page
    # A plain new record asks for no options or people.
    plain = client.get("/decisions/new/").content.decode()
    assert 'name="options"' not in plain and 'name="contributors"' not in plain


def test_the_saved_meeting_page_offers_the_decision_its_topic_calls_for(
    client, series, editor, count_queries, monkeypatch
):
    parsed = parse_meeting(demo_notes(), path="wasmtime/2023/wasmtime-03-30.md")
    meeting = save_meeting(parsed, series=series, date=parsed.date, source_text=demo_notes())
    url = meeting.get_absolute_url()
    body = unescape(client.get(url).content.decode())
    assert "Calls for a decision" in body
    links = [unescape(h) for h in re.findall(r'href="(/decisions/new/\?question=[^"]+)"', body)]
    topic = meeting.topics.get(title=WASI)
    wasi = next(link for link in links if f"topic={topic.pk}" in link)
    query = parse_qs(urlparse(wasi).query)
    assert query["question"] == [WASI]
    assert {"in-tree", "dylib", "RPC", "trait object"} <= set(query["option"])
    till = meeting.topics.get(title=WASI).remarks.filter(speaker__name="Till Brennecke").first().speaker
    assert str(till.pk) in query["contributor"]
    # The form starts from the topic (so the record lists it) with the found sentence as context.
    page = unescape(client.get(wasi).content.decode())
    assert "Starting from the topic" in page
    assert "> **Till Brennecke**: Will write an RFC that lays out" in page
    # Finding them costs no query: the page reads what it already loaded.
    with_offers = count_queries(url)
    monkeypatch.setattr("decisions.meetings.views.can_create_decision", lambda user: False)
    assert count_queries(url) == with_offers


def test_the_edit_preview_links_its_records_to_the_meeting_being_edited(client, series, editor):
    parsed = parse_meeting(demo_notes(), path="wasmtime/2023/wasmtime-03-30.md")
    meeting = save_meeting(parsed, series=series, date=parsed.date, source_text=demo_notes())
    data = {
        "series": series.pk,
        "date": "2023-03-30",
        "title": meeting.title,
        "notes": demo_notes(),
        "version": meeting.version,
        "action": "preview",
    }
    body = client.post(f"/meetings/{meeting.pk}/edit/", data).content.decode()
    links = [unescape(h) for h in re.findall(r'href="(/decisions/new/\?[^"]+)"', body)]
    assert links and all(parse_qs(urlparse(link).query)["meeting"] == [str(meeting.pk)] for link in links)
