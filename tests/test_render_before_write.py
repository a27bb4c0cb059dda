"""Markdown is rendered before the write transaction opens, never inside it (issue 11, item 3).

With SQLite's IMMEDIATE transactions an atomic block takes the write lock at its start; a long
render inside one made every other writer fail with "database is locked". The form views of
decisions, RFCs and precedents are covered in test_markdown_bounds.py; here are meeting notes,
the three import commands and render_markdown.

The tests run with `transaction=True`, so no test transaction is open around them and
`connection.in_atomic_block` is true exactly while the code under test holds a transaction.
"""

from __future__ import annotations

import datetime
import io
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from decisions import markdown
from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import RFC, Decision, Meeting, MeetingSeries, Remark, Topic
from decisions.records import importing
from tests.conftest import DATA
from tests.factories import WASMTIME_NOTES, make_rfc
from tests.test_import_decisions import record, write

pytestmark = pytest.mark.django_db(transaction=True)

# The shared notes with an agenda, and Markdown in the remarks to render.
NOTES = (
    WASMTIME_NOTES.replace("## Notes\n", "## Agenda\n\n1. Shared WASI implementations\n\n## Notes\n")
    .replace("the same wasi-http glue.", "the same *wasi-http* glue, see RFC 12.")
    .replace("behind a feature flag.", "behind a `feature` flag.")
)


def rendered_outside(seen: list[bool]) -> bool:
    return bool(seen) and not any(seen)


@pytest.fixture
def series() -> MeetingSeries:
    return MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")


def assert_rendered(meeting: Meeting) -> None:
    meeting.refresh_from_db()
    assert "<em>wasi-http</em>" in meeting.source_html and "<ol>" in meeting.agenda_html
    remark = Remark.objects.get(topic__meeting=meeting, speaker_name="Till S")
    assert "<em>wasi-http</em>" in remark.text_html and 'href="/rfcs/12/"' in remark.text_html
    assert Topic.objects.get(meeting=meeting).body_html


# Meeting notes ------------------------------------------------------------------------------


def test_saving_new_meeting_notes_renders_them_before_the_write_transaction(
    client, series, renders_in_transactions
):
    make_rfc(number=12)
    client.force_login(User.objects.create_superuser("staff", password="pw"))
    renders_in_transactions.clear()
    response = client.post(
        "/meetings/new/",
        {"series": series.pk, "date": "2023-03-30", "notes": NOTES, "action": "save"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert rendered_outside(renders_in_transactions)
    assert_rendered(Meeting.objects.get())


def test_editing_meeting_notes_renders_them_before_the_write_transaction(
    client, series, renders_in_transactions
):
    make_rfc(number=12)
    meeting = save_meeting(
        parse_meeting("# Wasmtime project call\n\n## Notes\n\n### Old\n\n- **Till S**: old.\n"),
        series=series,
        date=datetime.date(2023, 3, 30),
        source_text="old",
    )
    client.force_login(User.objects.create_superuser("staff", password="pw"))
    renders_in_transactions.clear()
    data = {"series": series.pk, "date": "2023-03-30", "title": meeting.title, "notes": NOTES,
            "version": meeting.version, "action": "save"}  # fmt: skip
    response = client.post(f"/meetings/{meeting.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert rendered_outside(renders_in_transactions)
    assert_rendered(meeting)


def test_save_meeting_renders_the_notes_before_its_transaction(series, renders_in_transactions):
    make_rfc(number=12)
    renders_in_transactions.clear()
    meeting = save_meeting(
        parse_meeting(NOTES), series=series, date=datetime.date(2023, 3, 30), source_text=NOTES
    )
    assert rendered_outside(renders_in_transactions)
    assert_rendered(meeting)


def test_import_meetings_renders_every_file_before_its_transaction(tmp_path, renders_in_transactions):
    root = tmp_path / "meetings"
    shutil.copytree(DATA / "meetings", root)
    call_command("import_meetings", str(root), "--json", stdout=io.StringIO())
    assert Meeting.objects.count() == 2
    assert rendered_outside(renders_in_transactions)
    assert all(meeting.source_html for meeting in Meeting.objects.all())


def test_reimporting_unchanged_notes_does_not_render_the_notes_again(tmp_path, monkeypatch):
    root = tmp_path / "meetings"
    shutil.copytree(DATA / "meetings", root)
    call_command("import_meetings", str(root), "--json", stdout=io.StringIO())
    stored = {meeting.pk: meeting.source_html for meeting in Meeting.objects.all()}
    texts: list[str] = []
    real = markdown.render_document
    monkeypatch.setattr(
        markdown, "render_document", lambda text, **kw: texts.append(text) or real(text, **kw)
    )
    call_command("import_meetings", str(root), "--json", stdout=io.StringIO())
    sources = set(Meeting.objects.values_list("source_text", flat=True))
    assert texts and not sources & set(texts)  # topics and remarks only, not the whole notes
    assert {meeting.pk: meeting.source_html for meeting in Meeting.objects.all()} == stored


# import_rfcs --------------------------------------------------------------------------------


def rfc_file(folder: Path, number: int, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{number:04d}-rfc.md").write_text(
        f"- Start Date: 2023-01-01\n- RFC PR: [rust-lang/rfcs#{number}](https://github.com/rust-lang/rfcs/pull/{number})\n\n"
        f"# Summary\n\n{body}\n",
        encoding="utf-8",
    )


def test_import_rfcs_renders_new_and_changed_files_before_its_transaction(tmp_path, renders_in_transactions):
    folder = tmp_path / "rust" / "text"
    rfc_file(folder, 1, "First *text*.")
    call_command(
        "import_rfcs", str(tmp_path / "rust"), "--format", "rust", stdout=io.StringIO(), stderr=io.StringIO()
    )
    rfc_file(folder, 1, "Changed *text*.")
    rfc_file(folder, 2, "New *text*.")
    renders_in_transactions.clear()
    call_command(
        "import_rfcs", str(tmp_path / "rust"), "--format", "rust", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert rendered_outside(renders_in_transactions)
    bodies = dict(RFC.objects.filter(series="rust").values_list("number", "body_html"))
    assert "<em>text</em>" in bodies[1] and "Changed" in bodies[1] and "New" in bodies[2]


# import_decisions ---------------------------------------------------------------------------


def test_import_decisions_renders_every_record_before_its_transaction(tmp_path, renders_in_transactions):
    write(tmp_path, "0007-nightly.md", record(7, **{"rationale: Fresh builds": "rationale: Fresh *builds*"}))
    write(
        tmp_path, "0008-weekly.md", record(8, **{"summary: Build every Monday.": "summary: Build *Mondays*."})
    )
    importing.import_folder(tmp_path)
    assert rendered_outside(renders_in_transactions)
    assert "<em>builds</em>" in Decision.objects.get(number=7).rationale_html
    assert "<em>Mondays</em>" in Decision.objects.get(number=8).options.get(name="Weekly").summary_html


# render_markdown ----------------------------------------------------------------------------


def test_render_markdown_renders_outside_its_write_transactions(renders_in_transactions):
    rfc = make_rfc(number=1, body="# Title\n")
    RFC.objects.filter(pk=rfc.pk).update(body_html="<p>stale</p>")
    renders_in_transactions.clear()
    call_command("render_markdown", stdout=io.StringIO())
    assert rendered_outside(renders_in_transactions)
    assert RFC.objects.get(pk=rfc.pk).body_html == '<h1 id="user-content-title">Title</h1>\n'
