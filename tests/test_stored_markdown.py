"""Each record's stored Markdown (decisions.records.export.stored): the export shows every kind
of write at once, never serves a copy of a record that changed behind its back, renders a
changed record once and not again, and is byte for byte what rendering gives."""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from decisions.models import (
    ActionItem,
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionStatusChange,
    Option,
    OwnerRole,
    PendingReference,
    Person,
    Precedent,
    StoredMarkdown,
    Team,
)
from decisions.records import export
from decisions.records.export import stored
from decisions.records.export.data import load_parts, record_spec
from decisions.signoff import flow
from tests.factories import make_area, make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db

MARKDOWN = reverse("decisions:decision-markdown", args=[7])
ZIP = reverse("decisions:decision-export-zip")
ZIP_ENTRY = "decisions/0007-where-do-shared-wasi-implementations-live.md"


def rendered(decision: Decision) -> str:
    """The file rendered from the record's values now, with no stored copy involved."""
    decision = Decision.objects.get(pk=decision.pk)
    parts = load_parts([decision], Decision.objects.filter(pk=decision.pk))
    return export.spec_to_markdown(record_spec(decision, parts[decision.pk]))


def stored_text(decision: Decision) -> str | None:
    row = StoredMarkdown.objects.filter(pk=decision.pk).first()
    return row.text if row else None


@pytest.fixture
def record() -> Decision:
    owner = make_person("Till Schneidereit")
    decision = make_decision(
        "Where do shared WASI implementations live?", number=7, owner=owner, options=2, criteria=2
    )
    decision.areas.add(make_area("wasi"))
    return decision


def test_the_first_read_stores_the_file_and_the_next_read_serves_it(client, record):
    assert stored_text(record) is None  # saves render nothing: the first read makes the copy
    first = client.get(MARKDOWN).content.decode()
    assert first == rendered(record)
    assert stored_text(record) == first
    # The copy is what is served while its fingerprint matches: proven by a marked copy.
    StoredMarkdown.objects.filter(pk=record.pk).update(text="served from the stored copy\n")
    assert client.get(MARKDOWN).content.decode() == "served from the stored copy\n"


def _save_title(decision: Decision) -> None:
    decision = Decision.objects.get(pk=decision.pk)
    decision.title = "Where do the shared WASI implementations live now?"
    decision.save()


def _rate(decision: Decision) -> None:
    cell = Assessment.objects.filter(option__decision=decision).order_by("pk").first()
    cell.rating, cell.note = 2, "Much better"
    cell.save()


def _motion(decision: Decision) -> Any:
    team = Team.objects.create(name="Core", slug="core")
    team.members.add(make_person("Member M"))
    return flow.propose(
        decision, person=None, disposition="accept", teams=[team], summary="", now=timezone.now()
    )


def _position(decision: Decision) -> None:
    motion = _motion(decision)
    member = Person.objects.get(name="Member M")
    flow.record_position(motion, person=member, kind="approve", note="Ship it", after=0, now=timezone.now())


WRITERS: dict[str, Callable[[Decision], Any]] = {
    "the record's own fields": _save_title,
    "an option": lambda d: Option.objects.create(decision=d, name="Option Z", summary="A third way", order=9),
    "a criterion": lambda d: Criterion.objects.create(decision=d, name="Speed", weight=3, order=9),
    "a rating": lambda d: _rate(d),
    "an owner": lambda d: DecisionOwner.objects.create(
        decision=d, person=make_person("Nick Fitzgerald"), role=OwnerRole.APPROVER, order=1
    ),
    "a meeting": lambda d: DecisionMeeting.objects.create(
        decision=d, meeting=make_meeting(datetime.date(2023, 4, 2))
    ),
    "a precedent": lambda d: DecisionPrecedent.objects.create(
        decision=d,
        precedent=Precedent.objects.create(title="Linux ABI", url="https://example.org/abi"),
        note="Same.",
    ),
    "a status change": lambda d: DecisionStatusChange.objects.create(
        decision=d, from_status="open", to_status="accepted", changed_on=datetime.date(2023, 5, 1)
    ),
    "a reference kept as written": lambda d: PendingReference.objects.create(
        decision=d, kind="rfc", key="999", label="RFC 999"
    ),
    "an action item": lambda d: ActionItem.objects.create(decision=d, text="Write the follow-up"),
    "an area": lambda d: d.areas.add(make_area("cranelift")),
    "a related RFC": lambda d: d.related_rfcs.add(make_rfc("Exception handling", number=2)),
    "an RFC linked from its side": lambda d: make_rfc("Component model", number=3).decisions.add(d),
    "a motion": lambda d: _motion(d),
    "a position on its motion": lambda d: _position(d),
    "a deleted option": lambda d: Option.objects.filter(decision=d, name="Option 0").get().delete(),
}


def downloads(client) -> tuple[str, str]:
    """The record's file as its .md page and the zip of every record give it (the zip first)."""
    archive = zipfile.ZipFile(io.BytesIO(client.get(ZIP).content))
    (name,) = [n for n in archive.namelist() if n.startswith("decisions/0007")]
    return client.get(MARKDOWN).content.decode(), archive.read(name).decode()


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Counts the files rendered (export.spec_to_markdown) from now on."""
    calls: list[int] = []
    render = export.spec_to_markdown

    def counted(spec: Any) -> str:
        calls.append(spec.number)
        return render(spec)

    monkeypatch.setattr(export, "spec_to_markdown", counted)
    return calls


# Real commits (each writer as a request makes it), with the data state moving as on a server.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writer", list(WRITERS), ids=list(WRITERS))
def test_the_downloads_after_every_writer_show_its_change(client, record, renders, writer):
    before = downloads(client)
    WRITERS[writer](record)
    assert renders == [7]  # the first download only: saving renders nothing
    markdown, entry = downloads(client)
    assert markdown != before[0]  # the change shows in the file...
    assert markdown == entry == rendered(record)  # ...as rendering it now gives, in both downloads
    assert stored_text(record) == markdown  # kept for the next download


@pytest.mark.django_db(transaction=True)
def test_after_an_edit_the_first_download_renders_the_record_once_and_the_next_reuse_it(
    client, record, renders, monkeypatch
):
    other = make_decision("Another record", number=8, owner=Person.objects.get(), options=2, criteria=1)
    with override_settings(PAGE_CACHE_SECONDS=0):  # built each time, as for a signed-in writer
        downloads(client)
        assert renders == [7, 8]
        _rate(record)
        renders.clear()
        markdown, entry = downloads(client)
        assert renders == [7]  # the changed record alone, once for both downloads
        assert "Much better" in markdown and markdown == entry == rendered(record)
        checked = export._files

        def not_again(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the records were loaded and checked again")

        # Keeping the new file moved nothing: the next downloads take the copies as they are.
        monkeypatch.setattr(export, "_files", not_again)
        assert downloads(client) == (markdown, entry)
        monkeypatch.setattr(export, "_files", checked)
    assert stored_text(other) == rendered(other)


def test_a_write_behind_the_models_back_is_never_served_stale(client, record):
    url = reverse("decisions:decision-markdown", args=[7])
    old = client.get(url).content.decode()
    # No signal is sent for these: the stored copy still says the old names.
    Option.objects.filter(decision=record, name="Option 1").update(name="Keep it in Wasmtime")
    Person.objects.filter(name="Till Schneidereit").update(name="Till S.")
    assert stored_text(record) == old
    body = client.get(url).content.decode()
    assert "Keep it in Wasmtime" in body and "Till S." in body and "Option 1" not in body
    assert body == rendered(record)
    assert stored_text(record) == body  # renewed by the read
    # The zip of every record reads the same way.
    Person.objects.filter(name="Till S.").update(name="Till Schneidereit-Renamed")
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("decisions:decision-export-zip")).content))
    (name,) = [n for n in archive.namelist() if n.startswith("decisions/0007")]
    assert archive.read(name).decode() == rendered(record)
    assert "Till Schneidereit-Renamed" in archive.read(name).decode()


def test_a_change_of_the_renderer_renews_every_copy(record, monkeypatch):
    export.decision_to_markdown(record)
    StoredMarkdown.objects.filter(pk=record.pk).update(text="written by the old renderer\n")
    assert export.decision_to_markdown(record) == "written by the old renderer\n"
    monkeypatch.setattr(stored, "RENDERER_VERSION", "a new renderer")
    assert export.decision_to_markdown(record) == rendered(record)


def renderer_source_digest() -> str:
    """The digest of the renderer's source files (tests may read source; the site does not)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in stored.RENDERER_MODULES:
        digest.update(f"{name}\n".encode())
        digest.update(Path(importlib.util.find_spec(name).origin).read_bytes())
    return digest.hexdigest()


def test_the_renderer_version_is_bumped_with_the_renderers_source():
    """A change to the renderer that left RENDERER_VERSION as it was would serve old copies."""
    digest = renderer_source_digest()
    assert digest == stored.RENDERER_VERSION, (
        f"The renderer's source changed: set RENDERER_VERSION = {digest!r} "
        "in decisions/records/export/stored.py, so every stored copy is rendered again."
    )


def test_the_export_is_the_same_bytes_from_stored_copies_as_rendered(record):
    make_decision("Another record", number=8, owner=Person.objects.get(), options=3, criteria=1)
    first = export.export_all()  # renders and stores every record
    assert StoredMarkdown.objects.count() == 2
    assert export.export_all() == first  # now from the stored copies
    assert first["0007-where-do-shared-wasi-implementations-live.md"] == rendered(record)


def test_a_copy_that_cannot_be_stored_still_gives_the_right_file(record, monkeypatch):
    from django.db import DatabaseError

    def refuse(copies: dict) -> None:
        raise DatabaseError("attempt to write a readonly database")

    monkeypatch.setattr(stored, "write", refuse)
    assert export.decision_to_markdown(record) == rendered(record)
    assert stored_text(record) is None


def zipfile_archive(files: dict[str, str]) -> bytes:
    """The archive as the view wrote it before the files were stored compressed: zipfile's own."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            info = zipfile.ZipInfo(f"decisions/{name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def test_the_zip_from_stored_compressed_files_is_the_bytes_zipfile_writes(client, record):
    make_decision("Ünïcode – “quoted” record", number=8, owner=Person.objects.get(), options=3, criteria=2)
    url = reverse("decisions:decision-export-zip")
    first = client.get(url).content  # renders and stores every record
    assert StoredMarkdown.objects.count() == 2
    second = client.get(url).content  # from the stored compressed copies
    assert first == second == zipfile_archive(export.export_all())
    assert zipfile.ZipFile(io.BytesIO(second)).testzip() is None


@pytest.mark.django_db(transaction=True)
def test_copies_checked_at_the_current_data_state_are_served_until_any_write(client, record, monkeypatch):
    with override_settings(PAGE_CACHE_SECONDS=0):  # built each time, as for a signed-in writer
        first = client.get(ZIP).content  # checks every copy at this state (and stores them)
        checked = export._files

        def not_again(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the records were loaded and checked again")

        monkeypatch.setattr(export, "_files", not_again)
        assert client.get(ZIP).content == first
        assert client.get(MARKDOWN).content.decode() == rendered(record)
        # A write behind the models' back still moves the data state: everything is checked again.
        monkeypatch.setattr(export, "_files", checked)
        Option.objects.filter(decision=record, name="Option 1").update(name="Keep it in Wasmtime")
        body = client.get(MARKDOWN).content.decode()
        assert "Keep it in Wasmtime" in body and body == rendered(record)
        archive = zipfile.ZipFile(io.BytesIO(client.get(ZIP).content))
        assert archive.read(ZIP_ENTRY).decode() == body


def test_renew_all_stores_only_the_files_missing_or_stale(record):
    export.export_all()
    Option.objects.create(decision=record, name="Another option", order=9)
    assert "Another option" not in stored_text(record)  # saves render nothing
    assert stored.renew_all() == 1  # only the record that changed is rendered again
    assert "Another option" in stored_text(record) and stored_text(record) == rendered(record)
    assert stored.renew_all() == 0
