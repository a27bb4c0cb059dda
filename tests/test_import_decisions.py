"""manage.py import_decisions and importing.import_folder: all records or none, and clear errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from decisions.models import RFC, Decision, PendingReference, Person, Precedent
from decisions.records import importing
from tests.factories import make_decision, make_person, make_rfc
from tests.test_decision_markdown import empty_the_decisions_app, export_to

pytestmark = pytest.mark.django_db

NIGHTLY = """\
---
number: 7
title: Do we publish nightly builds?
status: open
decided_on: null
owners:
- name: Till
  slug: till
  role: owner
areas:
- wasmtime
context: |-
  Nightly builds would let people try fixes before a release.
options:
- name: Nightly
  summary: Build every night from main.
  why_not: ""
- name: Weekly
  summary: Build every Monday.
  why_not: A week is too long to wait for a fix.
criteria:
- name: Freshness
  description: How new the build is.
  weight: 3
assessments:
- option: Nightly
  criterion: Freshness
  rating: 2
  note: Never more than a day old.
- option: Weekly
  criterion: Freshness
  rating: -1
  note: Up to a week old.
chosen: Nightly
rationale: Fresh builds find regressions early.
consequences: ""
related_rfcs:
- 42
meetings: []
precedents:
- title: How Rust is made and Nightly Rust
  url: https://doc.rust-lang.org/book/appendix-07-nightly-rust.html
  organization: Rust
  kind: blog-post
  date: 2018-01-01
  note: Trains work for them.
supersedes: null
status_history: []
action_items:
- owner: Till
  text: Set up the nightly job
  status: open
  due: 2023-05-01
---

# DR-0007: Do we publish nightly builds?
"""


def record(number: int = 7, **replacements: str) -> str:
    """The NIGHTLY record under another number, with text replaced (first occurrence of each)."""
    text = NIGHTLY.replace("number: 7\n", f"number: {number}\n")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("decisions").get_models()
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two good records; tests add a broken one beside them."""
    write(tmp_path, "0007-nightly.md", record(7))
    write(tmp_path, "0008-weekly.md", record(8, **{"title: Do we publish nightly builds?": "title: Weekly?"}))
    return tmp_path


def failure(folder: Path) -> importing.ImportFailed:
    with pytest.raises(importing.ImportFailed) as raised:
        importing.import_folder(folder)
    return raised.value


# Good folders ----------------------------------------------------------------------------


def test_it_creates_every_record_of_a_folder(folder):
    report = importing.import_folder(folder)
    assert report.created == [7, 8]
    decision = Decision.objects.get(number=7)
    assert decision.chosen_option.name == "Nightly"
    assert decision.context_html == "<p>Nightly builds would let people try fixes before a release.</p>\n"
    assert [option.name for option in decision.options.all()] == ["Nightly", "Weekly"]


def test_importing_the_same_folder_again_changes_nothing_and_never_duplicates(folder):
    importing.import_folder(folder)
    counts = row_counts()
    report = importing.import_folder(folder)
    assert (report.updated, report.unchanged, report.changes) == ([], [7, 8], [])
    assert row_counts() == counts


def test_an_update_replaces_the_options_with_what_the_file_says(folder):
    importing.import_folder(folder)
    monthly = record(7, **{"- name: Weekly": "- name: Monthly", "- option: Weekly": "- option: Monthly"})
    write(folder, "0007-nightly.md", monthly)
    importing.import_folder(folder)
    options = Decision.objects.get(number=7).options.values_list("name", flat=True)
    assert list(options) == ["Nightly", "Monthly"]


def test_the_readme_index_is_not_read_as_a_record(folder):
    write(folder, "README.md", "# Decision records\n")
    assert importing.import_folder(folder).created == [7, 8]


def test_a_record_may_supersede_one_later_in_the_same_folder(folder):
    write(folder, "0006-old.md", record(6, **{"supersedes: null": "supersedes: 8"}))
    importing.import_folder(folder)
    assert Decision.objects.get(number=6).supersedes == Decision.objects.get(number=8)
    assert not PendingReference.objects.filter(kind="decision").exists()


def test_superseding_a_missing_record_is_kept_and_resolves_when_it_arrives(folder):
    write(folder, "0006-old.md", record(6, **{"supersedes: null": "supersedes: 3"}))
    report = importing.import_folder(folder)
    assert importing.Unresolved(6, "decision", "3", "DR-0003") in report.unresolved
    make_decision(number=3)
    assert Decision.objects.get(number=6).supersedes.number == 3


# Matching what already exists ------------------------------------------------------------


def test_a_person_is_matched_by_an_alias(folder):
    till = make_person("Till Brennecke", slug="till-brennecke", aliases=["Till", "tbrennecke"])
    report = importing.import_folder(folder)
    assert Person.objects.count() == 1
    assert report.people_matched == ["till-brennecke"] and report.people_created == []
    assert list(Decision.objects.get(number=7).owners.all()) == [till]
    assert Decision.objects.get(number=7).action_items.get().owner == till


def test_an_unknown_person_is_created_from_the_record(folder):
    report = importing.import_folder(folder)
    assert report.people_created == ["till"]
    assert Person.objects.get(slug="till").name == "Till"


def test_a_precedent_is_matched_by_url_and_not_duplicated(folder):
    precedent = Precedent.objects.create(
        title="Nightly Rust", url="https://doc.rust-lang.org/book/appendix-07-nightly-rust.html"
    )
    report = importing.import_folder(folder)
    assert Precedent.objects.count() == 1
    assert report.precedents_matched == [precedent.url]
    assert list(Decision.objects.get(number=7).precedents.all()) == [precedent]


def test_a_missing_rfc_is_kept_as_written_and_reported(folder):
    report = importing.import_folder(folder)
    assert importing.Unresolved(7, "rfc", "42", "RFC 42") in report.unresolved
    pending = PendingReference.objects.get(decision__number=7)
    assert (pending.kind, pending.key) == ("rfc", "42")


def test_a_kept_rfc_reference_exports_unchanged(tmp_path):
    make_decision(number=7).related_rfcs.add(make_rfc(number=42))
    first = export_to(tmp_path / "first")
    empty_the_decisions_app()
    importing.import_folder(tmp_path / "first")
    assert not RFC.objects.exists() and PendingReference.objects.filter(key="42").exists()
    assert export_to(tmp_path / "second") == first


def test_a_kept_rfc_reference_becomes_a_link_when_the_rfc_arrives(folder):
    importing.import_folder(folder)
    rfc = make_rfc(number=42)
    assert list(Decision.objects.get(number=7).related_rfcs.all()) == [rfc]
    assert not PendingReference.objects.filter(decision__number=7).exists()


def test_an_existing_rfc_is_linked_directly(folder):
    rfc = make_rfc(number=42)
    report = importing.import_folder(folder)
    assert list(Decision.objects.get(number=7).related_rfcs.all()) == [rfc]
    assert report.unresolved == []


# Broken folders: the file, the line, the reason, and nothing written ----------------------

# Each case: replacements, the line named (a number, or the text of the line and which
# occurrence of it), and words of the message.
BROKEN = {
    "bad YAML": ({"title: Do we publish nightly builds?": "title: Do we publish: nightly builds?"}, 3, "invalid YAML"),
    "unknown status": ({"status: open": "status: pending"}, 4, "status: 'pending' is not one of open"),
    "unknown owner role": ({"  role: owner": "  role: boss"}, ("  role: boss", 1), "role: 'boss' is not one of owner"),
    "assessment of a missing option": ({"- option: Weekly": "- option: Hourly"}, ("- option: Hourly", 1), "'Hourly' is not one of the options"),
    "assessment of a missing criterion": ({"  criterion: Freshness\n  rating: -1": "  criterion: Speed\n  rating: -1"}, ("  criterion: Speed", 1), "'Speed' is not one of the criteria"),
    "rating out of range": ({"  rating: 2": "  rating: 3"}, ("  rating: 3", 1), "rating: must be a whole number from -2 to 2, not 3"),
    "rating not a number": ({"  rating: 2": "  rating: '++'"}, ("  rating: '++'", 1), "rating: must be a whole number"),
    "weight out of range": ({"  weight: 3": "  weight: 11"}, ("  weight: 11", 1), "weight: must be a whole number from 0 to 10, not 11"),
    "chosen option missing": ({"chosen: Nightly": "chosen: Hourly"}, ("chosen: Hourly", 1), "chosen: 'Hourly' is not one of the options"),
    "duplicate option names": ({"- name: Weekly": "- name: Nightly"}, ("- name: Nightly", 2), "the option 'Nightly' is listed twice"),
    "missing title": ({"title: Do we publish nightly builds?\n": ""}, 2, "title: is missing"),
    "missing number": ({"number: 9\n": ""}, 2, "number: is missing"),
    "unknown key": ({"rationale:": "rational:"}, ("rational: Fresh builds find regressions early.", 1), "unknown key 'rational'"),
}  # fmt: skip


def expected_line(text: str, where: int | tuple[str, int]) -> int:
    if isinstance(where, int):
        return where
    line, occurrence = where
    numbers = [number for number, each in enumerate(text.split("\n"), 1) if each == line]
    return numbers[occurrence - 1]


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_broken_file_names_the_file_line_and_reason_and_nothing_is_written(folder, case):
    replacements, where, message = BROKEN[case]
    text = record(9, **replacements)
    broken = write(folder, "0009-broken.md", text)
    before = row_counts()
    problems = failure(folder).problems
    assert {problem.path for problem in problems} == {str(broken)}
    assert [p for p in problems if p.line == expected_line(text, where) and message in p.message], problems
    assert row_counts() == before


def test_a_file_without_front_matter_is_read_as_a_plain_adr(folder):
    write(folder, "0009-notes.md", "# Just notes\n\n## Context\n\nWhy.\n")
    report = importing.import_folder(folder)
    assert report.created == [7, 8, 9]
    assert (Decision.objects.get(number=9).title, Decision.objects.get(number=9).context) == (
        "Just notes",
        "Why.",
    )


def test_unterminated_front_matter_is_refused(folder):
    broken = write(folder, "0009-open.md", "---\nnumber: 9\ntitle: Open ended\n")
    assert [str(problem) for problem in failure(folder).problems] == [
        f"{broken}:1: the front matter is not terminated: add a line --- after it, before the body"
    ]


def test_the_same_number_in_two_files_is_refused(folder):
    copy = write(folder, "0099-copy.md", record(7))
    problems = failure(folder).problems
    assert [(p.path, p.line, p.message) for p in problems] == [
        (str(copy), 2, "DR-0007 is also in 0007-nightly.md")
    ]


def test_text_over_the_size_limit_is_refused(folder, settings):
    settings.MARKDOWN_MAX_BYTES = 1024
    write(folder, "0009-long.md", record(9, **{"rationale: Fresh builds": "rationale: " + "x" * 2000}))
    assert "rationale: This document is 1 KB; the limit is 1 KB" in str(failure(folder))


def test_every_problem_of_every_file_is_listed_at_once(folder):
    write(folder, "0009-a.md", record(9, **{"status: open": "status: pending"}))
    write(folder, "0010-b.md", record(10, **{"  weight: 3": "  weight: -1"}))
    assert [problem.line for problem in failure(folder).problems] == [4, 24]


def test_a_problem_found_while_saving_rolls_back_the_records_already_saved(folder):
    make_person("Till Brennecke", slug="till-brennecke", aliases=["Till"])
    twice = "- name: Till\n  slug: till\n  role: owner\n- name: Till Brennecke\n  slug: till-brennecke\n  role: owner\n"
    write(folder, "0009-twice.md", record(9, **{"- name: Till\n  slug: till\n  role: owner\n": twice}))
    before = row_counts()
    problems = failure(folder).problems
    assert problems[0].message == "owners: Till Brennecke is listed twice as owner"
    assert row_counts() == before


# The command -----------------------------------------------------------------------------


def test_the_command_prints_the_report_as_json(folder):
    out = io.StringIO()
    call_command("import_decisions", str(folder), "--json", stdout=out)
    report = json.loads(out.getvalue().splitlines()[-1])
    assert report["created"] == [7, 8] and report["updated"] == []
    assert report["people_created"] == ["till"]
    assert report["precedents_created"] == ["https://doc.rust-lang.org/book/appendix-07-nightly-rust.html"]
    assert {"decision": 7, "kind": "rfc", "key": "42", "label": "RFC 42"} in report["unresolved"]


def test_a_dry_run_reports_but_writes_nothing(folder):
    out = io.StringIO()
    before = row_counts()
    call_command("import_decisions", str(folder), "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1])["created"] == [7, 8]
    assert row_counts() == before


def test_a_failed_import_prints_the_problems_as_json_and_exits_non_zero(folder):
    broken = write(folder, "0009-broken.md", record(9, **{"status: open": "status: pending"}))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_decisions", str(folder), "--json", stdout=out)
    failed = json.loads(out.getvalue().splitlines()[-1])["failed"]
    assert failed == [
        {
            "path": str(broken),
            "line": 4,
            "message": (
                "status: 'pending' is not one of open, proposed, accepted, rejected, deferred, superseded, "
                "deprecated"
            ),
        }
    ]


def test_without_json_the_command_summarises_what_it_did(folder):
    out = io.StringIO()
    call_command("import_decisions", str(folder), stdout=out)
    assert "Imported 2 new and 0 updated record(s); 0 unchanged." in out.getvalue()
    assert "DR-0007 -> RFC 42" in out.getvalue()


def test_an_unexpected_error_while_saving_is_reported_and_nothing_is_written(folder, monkeypatch):
    def broken_renderer(*args: object, **kwargs: object) -> None:
        raise RuntimeError("renderer down")

    monkeypatch.setattr("decisions.markdown.render_document", broken_renderer)
    before = row_counts()
    problems = failure(folder).problems
    assert [(Path(p.path).name, p.line) for p in problems] == [("0007-nightly.md", None)]
    assert problems[0].message == "could not be saved: RuntimeError('renderer down')"
    assert row_counts() == before
