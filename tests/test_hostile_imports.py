"""Hostile repositories through every importer: what a pull request to an imported repository
could put there (links out of the folder, FIFOs, devices, YAML bombs, control characters)."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import CharField, TextField
from django.test import override_settings

from decisions.models import RFC, Decision, Meeting
from decisions.records import importing
from decisions.rfcs.parsing import RFCParseError, parse_file
from decisions.text import strip_controls
from tests.conftest import DATA
from tests.test_import_decisions import failure, record, write

pytestmark = pytest.mark.django_db


def laughs(levels: int) -> str:
    """The classic "billion laughs": each level a list of ten aliases to the level before."""
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


# YAML alias bombs ----------------------------------------------------------------------------


def test_import_decisions_refuses_a_billion_laughs_naming_the_file_and_line(tmp_path):
    bomb = record(7, **{"title: Do we publish nightly builds?": "title: *lol9"})
    write(tmp_path, "0007-bomb.md", bomb.replace("---\n", "---\n" + laughs(9), 1))
    with pytest.raises(importing.ImportFailed) as raised:
        importing.import_folder(tmp_path)
    [problem] = raised.value.problems
    assert problem.path.endswith("0007-bomb.md")
    assert problem.line == 6  # lol4: nine aliases to lol3 (1,111 values each) pass 10,000
    assert "alias *lol3" in problem.message and len(problem.message) < 300
    assert Decision.objects.count() == 0


def test_import_decisions_still_reads_an_alias_to_a_small_value(tmp_path):
    text = record(7, **{"title: Do we publish nightly builds?": "title: &t Nightly builds?"})
    text = text.replace("rationale: Fresh builds find regressions early.", "rationale: *t")
    write(tmp_path, "0007-nightly.md", text)
    importing.import_folder(tmp_path)
    assert Decision.objects.get(number=7).rationale == "Nightly builds?"


def test_import_rfcs_refuses_a_billion_laughs_naming_the_file_and_line(tmp_path):
    path = tmp_path / "laughs.md"
    path.write_text("---\n" + laughs(9) + "title: *lol9\n---\nBody\n")
    with pytest.raises(RFCParseError) as raised:
        parse_file(path)
    assert (raised.value.path, raised.value.line) == (str(path), 6)
    assert "alias *lol3" in raised.value.reason


# Files that are not the repository's own ----------------------------------------------------

SECRET = "S3CRET_KEY=hunter2-outside-the-repository"


def database_text() -> str:
    """Every text column of every row the app keeps, in one string to search."""
    chunks = []
    for model in apps.get_app_config("decisions").get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, CharField | TextField)]
        for row in model._default_manager.values_list(*names):
            chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


def link(path: Path, target: str | Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


def outside_secret(tmp_path: Path, text: str) -> Path:
    """A file beside the repository (not in it) that looks like what the importer reads."""
    secret = tmp_path / "outside-secret.env"
    secret.write_text(text.replace("SECRET", SECRET))
    return secret


def links_out(folder: Path, secret: Path, stem: str, suffix: str = ".md") -> dict[str, Path]:
    """Links in folder to a file outside it (relative and absolute), /etc/passwd and the
    server's environment."""
    relative = Path(*[".."] * len(folder.relative_to(secret.parent).parts)) / secret.name
    return {
        "outside": link(folder / f"{stem}-leak{suffix}", relative),
        "passwd": link(folder / f"{stem}-passwd{suffix}", "/etc/passwd"),
        "environ": link(folder / f"{stem}-environ{suffix}", "/proc/self/environ"),
    }


def nothing_leaked(client: Any, *urls: str) -> None:
    text = database_text()
    assert SECRET not in text and "root:x:0:0" not in text
    for url in urls:
        page = client.get(url).content.decode()
        assert SECRET not in page and "root:x:0:0" not in page


def run(command: str, *args: str) -> dict:
    out = io.StringIO()
    call_command(command, *args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def refused(report: dict) -> dict[str, str]:
    return {Path(entry["path"]).name: entry["reason"] for entry in report["refused"]}


# import_rfcs


def test_import_rfcs_refuses_links_out_of_the_repository_and_names_them(tmp_path, client):
    repo = tmp_path / "repo"
    accepted = repo / "accepted"
    shutil.copytree(DATA / "rfcs" / "bytecodealliance" / "accepted", accepted)
    secret = outside_secret(tmp_path, "# SECRET\n\nThe body.\n")
    links = links_out(accepted, secret, "zz")
    report = run("import_rfcs", str(repo))
    assert report["imported"] == 3 and report["failed"] == []
    reasons = refused(report)
    assert set(reasons) == {path.name for path in links.values()}
    assert f"a link to {secret}, outside {repo}" in reasons["zz-leak.md"]
    assert "/etc/passwd, outside" in reasons["zz-passwd.md"]
    assert "a system path" in reasons["zz-environ.md"]
    nothing_leaked(client, "/rfcs/", *[rfc.get_absolute_url() for rfc in RFC.objects.all()])


def test_import_rfcs_follows_a_link_that_stays_inside_the_repository(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(DATA / "rfcs" / "bytecodealliance" / "accepted", repo / "drafts")
    link(repo / "accepted" / "async-imports.md", "../drafts/async-imports.md")
    report = run("import_rfcs", str(repo))
    assert (report["imported"], report["refused"]) == (1, [])


def test_import_rfcs_refuses_a_fifo_a_device_and_a_file_over_the_limit_before_reading(tmp_path):
    accepted = tmp_path / "repo" / "accepted"
    accepted.mkdir(parents=True)
    os.mkfifo(accepted / "pipe.md")  # opening it the ordinary way waits for a writer forever
    link(accepted / "zero.md", "/dev/zero")  # never ends
    (accepted / "big.md").write_text("# Big\n\n" + "x" * (4096 - 7 + 1))
    with override_settings(MARKDOWN_MAX_BYTES=4096):
        report = run("import_rfcs", str(tmp_path / "repo"))
    assert refused(report) == {
        "pipe.md": "a FIFO (named pipe), not a regular file",
        "zero.md": "leads to /dev/zero, a system path (/proc, /sys, /dev), not a file of the folder",
    }
    assert report["failed"] == [
        {
            "path": str(accepted / "big.md"),
            "error": "the file is 4 KB; the limit is 4 KB (MARKDOWN_MAX_BYTES)",
        }
    ]
    assert RFC.objects.count() == 0


def test_import_rfcs_of_one_linked_file_refuses_it(tmp_path):
    secret = outside_secret(tmp_path, "# SECRET\n\nThe body.\n")
    leak = link(tmp_path / "repo" / "accepted" / "leak.md", secret)
    report = run("import_rfcs", str(leak))
    assert refused(report) == {
        "leak.md": f"a link to {secret}, outside {leak.parent}; links may only lead inside the folder"
    }
    assert RFC.objects.count() == 0


# import_meetings and import_meeting

NOTES_TEXT = (DATA / "meetings" / "wasmtime" / "2023" / "wasmtime-03-30.md").read_text()


def test_import_meetings_refuses_links_out_of_the_folder_and_names_them(tmp_path, client):
    folder = tmp_path / "meetings" / "wasmtime" / "2023"
    folder.mkdir(parents=True)
    (folder / "wasmtime-03-30.md").write_text(NOTES_TEXT)
    secret = outside_secret(tmp_path, NOTES_TEXT.replace("Reviewer auto-assignment", "SECRET"))
    links = links_out(folder, secret, "wasmtime-04")
    report = run("import_meetings", str(tmp_path / "meetings"))
    assert (report["imported"], report["failed"]) == (1, [])
    assert set(refused(report)) == {path.name for path in links.values()}
    assert "outside" in refused(report)["wasmtime-04-leak.md"]
    nothing_leaked(client, "/meetings/", Meeting.objects.get().get_absolute_url())


def test_import_meetings_refuses_a_fifo_and_a_device(tmp_path):
    folder = tmp_path / "meetings" / "2023"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "call-03-30.md")
    link(folder / "call-04-06.md", "/dev/zero")
    report = run("import_meetings", str(tmp_path / "meetings"))
    assert refused(report) == {
        "call-03-30.md": "a FIFO (named pipe), not a regular file",
        "call-04-06.md": "leads to /dev/zero, a system path (/proc, /sys, /dev), not a file of the folder",
    }
    assert (report["imported"], report["failed"]) == (0, [])


@pytest.mark.parametrize("target", ["/dev/zero", "/proc/self/environ", "fifo", "outside"])
def test_import_meeting_refuses_one_file_that_is_not_a_regular_file_of_its_folder(tmp_path, target):
    folder = tmp_path / "notes"
    folder.mkdir()
    if target == "fifo":
        path = folder / "call-2023-03-30.md"
        os.mkfifo(path)
    elif target == "outside":
        path = link(folder / "call-2023-03-30.md", outside_secret(tmp_path, NOTES_TEXT))
    else:
        path = Path(target)
    with pytest.raises(CommandError) as raised:
        call_command("import_meeting", str(path), "--date", "2023-03-30", stdout=io.StringIO())
    assert str(raised.value).startswith(f"{path}: ")
    assert any(word in str(raised.value) for word in ("system path", "FIFO", "outside"))
    assert Meeting.objects.count() == 0


def test_import_meeting_refuses_a_file_over_the_limit_before_reading_it(tmp_path):
    path = tmp_path / "call-2023-03-30.md"
    path.write_text(NOTES_TEXT + "x" * 4096)
    with override_settings(MARKDOWN_MAX_BYTES=4096), pytest.raises(CommandError) as raised:
        call_command("import_meeting", str(path), stdout=io.StringIO())
    assert str(raised.value).endswith("the file is 5 KB; the limit is 4 KB (MARKDOWN_MAX_BYTES)")


# import_decisions


def test_import_decisions_refuses_links_out_of_the_folder_and_imports_the_rest(tmp_path, client):
    folder = tmp_path / "records"
    write(folder, "0007-nightly.md", record(7))
    secret = outside_secret(tmp_path, record(8, **{"title: Do we publish nightly builds?": "title: SECRET"}))
    links = links_out(folder, secret, "0008")
    os.mkfifo(folder / "0009-pipe.md")
    link(folder / "0010-zero.md", "/dev/zero")
    report = run("import_decisions", str(folder))
    assert report["created"] == [7]
    reasons = refused(report)
    assert set(reasons) == {*[path.name for path in links.values()], "0009-pipe.md", "0010-zero.md"}
    assert reasons["0009-pipe.md"] == "a FIFO (named pipe), not a regular file"
    nothing_leaked(client, "/decisions/", Decision.objects.get().get_absolute_url())


def test_import_decisions_refuses_a_file_over_its_limit_before_reading_it(tmp_path):
    folder = tmp_path / "records"
    write(folder, "0007-nightly.md", record(7) + "x" * 16 * 1024)
    with override_settings(MARKDOWN_MAX_BYTES=1024):
        [problem] = failure(folder).problems
    assert problem.message == "the file is 17 KB; the limit is 16 KB (16 × MARKDOWN_MAX_BYTES)"


# Control characters ---------------------------------------------------------------------------

CONTROLS = "\x01\x07\x08\x0b\x0c\x1b"
FEEDS = ["/rfcs/feed/", "/rfcs/status/feed/", "/meetings/feed/", "/action-items/feed/", "/decisions/feed/"]


def feeds_work(client: Any) -> None:
    for url in FEEDS:
        response = client.get(url)
        assert response.status_code == 200, url
        ElementTree.fromstring(response.content)  # well-formed XML


def no_controls() -> bool:
    return not any(char in database_text() for char in CONTROLS)


def test_strip_controls_keeps_tabs_and_newlines_and_makes_carriage_returns_newlines():
    assert strip_controls("a\x01b\tc\r\nd\re\x0bf\x00g\x1f") == "ab\tc\nd\nefg"


def test_import_rfcs_removes_control_characters_from_titles_and_text(tmp_path, client):
    accepted = tmp_path / "repo" / "accepted"
    accepted.mkdir(parents=True)
    (accepted / "bell.md").write_text(
        f"# Ring{CONTROLS} the bell\n\nA link [a](\x01javascript:alert(1)) here.\n"
    )
    (tmp_path / "front.md").write_text('---\nnumber: 12\ntitle: "Escaped\\x01\\x0b title"\n---\nBody\x07\n')
    report = run("import_rfcs", str(tmp_path / "repo"), str(tmp_path / "front.md"))
    assert report["imported"] == 2 and report["failed"] == []
    assert sorted(RFC.objects.values_list("title", flat=True)) == ["Escaped title", "Ring the bell"]
    assert {"path": str(accepted / "bell.md"), "message": "line 1: control characters removed"} in report[
        "warnings"
    ]
    assert no_controls()
    feeds_work(client)


def test_import_meetings_removes_control_characters_from_the_notes(tmp_path, client):
    folder = tmp_path / "meetings" / "wasmtime" / "2023"
    folder.mkdir(parents=True)
    (folder / "wasmtime-03-30.md").write_text(NOTES_TEXT.replace("March 30", f"March{CONTROLS} 30"))
    report = run("import_meetings", str(tmp_path / "meetings"))
    assert (report["imported"], report["failed"]) == (1, [])
    assert Meeting.objects.get().title == "March 30 Wasmtime project call"
    assert no_controls()
    feeds_work(client)


def test_import_decisions_removes_control_characters_written_as_yaml_escapes(tmp_path, client):
    escaped = 'title: "Do we publish\\x01 nightly\\x0b builds?"'
    write(tmp_path, "0007-nightly.md", record(7, **{"title: Do we publish nightly builds?": escaped}))
    importing.import_folder(tmp_path)
    assert Decision.objects.get().title == "Do we publish nightly builds?"
    assert no_controls()
    feeds_work(client)


def test_a_system_file_is_named_as_given_even_when_its_process_number_looks_like_a_year():
    from decisions.meetings.paths import source_key

    # /proc/self resolves to /proc/<pid>: pid 2077 must not read as a year folder.
    assert source_key(Path("/proc/self/environ"), None) == "/proc/self/environ"
