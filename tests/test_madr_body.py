"""The MADR 4 export read back: an edit of the body in git becomes the record, or is refused by line."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from decisions.models import Assessment, Decision, DecisionStatusChange
from decisions.records import export, importing
from tests.test_decision_markdown import load_demo
from tests.test_import_decisions import row_counts

pytestmark = pytest.mark.django_db

RECORD_1 = "0001-where-do-shared-wasi-api-implementations-live.md"
RECORD_2 = "0002-do-we-auto-assign-reviewers-on-the-wasmtime-repository.md"


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """The demo, exported; tests edit a file as a pull request would."""
    load_demo()
    export.write_folder(tmp_path / "records")
    return tmp_path / "records"


def edit(folder: Path, name: str, old: str, new: str) -> Path:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_bytes(text.replace(old, new).encode("utf-8"))
    return path


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().split("\n"), 1) if text in line)


def failure(folder: Path) -> importing.ImportFailed:
    with pytest.raises(importing.ImportFailed) as raised:
        importing.import_folder(folder)
    return raised.value


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_export_has_lf_line_endings_only(exported):
    for path in exported.iterdir():
        assert b"\r" not in path.read_bytes(), path.name


def test_export_import_export_is_byte_identical_and_imports_report_nothing_changed(exported, tmp_path):
    first = snapshot(exported)
    counts = row_counts()
    report = importing.import_folder(exported)
    assert (report.created, report.updated, report.unchanged) == ([], [], [1, 2, 3])
    assert row_counts() == counts
    export.write_folder(tmp_path / "again")
    assert snapshot(tmp_path / "again") == first


def test_an_edit_of_the_decision_outcome_survives_import_then_export(exported, tmp_path):
    """The issue's scenario: export, edit "Decision outcome" in one file, import, export."""
    old = "_Draft, not decided._ After the 2023-04-13 call"
    new = "After the 2023-04-27 call, still not decided,"
    edit(exported, RECORD_1, old, new)
    out = io.StringIO()
    call_command("import_decisions", str(exported), "--dry-run", stdout=out)
    assert "Would import 0 new and 1 updated record(s); 2 unchanged." in out.getvalue()
    assert "DR-0001 changed: decision outcome (its justification)" in out.getvalue()
    assert Decision.objects.get(number=1).rationale.startswith(old)  # a dry run writes nothing

    out = io.StringIO()
    call_command("import_decisions", str(exported), "--json", stdout=out)
    report = json.loads(out.getvalue().splitlines()[-1])
    assert (report["updated"], report["unchanged"]) == ([1], [2, 3])
    assert report["changes"] == [{"decision": 1, "fields": ["rationale"]}]
    decision = Decision.objects.get(number=1)
    assert decision.rationale.startswith(new)
    assert "After the 2023-04-27 call" in decision.rationale_html

    export.write_folder(tmp_path / "again")
    assert snapshot(tmp_path / "again") == snapshot(exported)


def test_edits_of_the_context_an_options_description_and_an_argument_are_read_back(exported):
    edit(exported, RECORD_1, "Everyone would rather share", "Everybody would rather share")
    edit(exported, RECORD_1, "releases on its own schedule.", "releases on its own schedule, monthly.")
    edit(exported, RECORD_1, "Nothing added to the binary.", "Nothing at all is added to the binary.")
    report = importing.import_folder(exported)
    assert report.changes == [importing.Change(1, ["context", "options", "assessments"])]
    decision = Decision.objects.get(number=1)
    assert "Everybody would rather share" in decision.context
    assert decision.options.get(name="Separate downstream repository").summary.endswith("monthly.")
    cell = Assessment.objects.get(option__name="Dynamically loaded libraries", criterion__name="Code size")
    assert (cell.rating, cell.note) == (2, "Nothing at all is added to the binary.")


def test_a_rating_edited_in_the_matrix_table_wins_over_the_unchanged_argument(exported):
    row = "| **In-tree subproject behind feature flags** | − Against |"
    edit(exported, RECORD_1, row, "| **In-tree subproject behind feature flags** | + For |")
    importing.import_folder(exported)
    cell = Assessment.objects.get(
        option__name__startswith="In-tree", criterion__name="Stability of the runtime"
    )
    assert cell.rating == 1
    assert cell.note.startswith("Off-by-default features")  # the argument's note is kept
    text = export.decision_to_markdown(Decision.objects.get(number=1))
    assert "* Good, because **Stability of the runtime** (+ For): Off-by-default" in text


def test_a_weight_edited_in_the_matrix_header_is_read_back(exported):
    edit(exported, RECORD_1, "| Code size (×2) | Total |", "| Code size (×7) | Total |")
    importing.import_folder(exported)
    assert Decision.objects.get(number=1).criteria.get(name="Code size").weight == 7


def test_a_rating_changed_differently_in_table_and_argument_is_refused_naming_both(exported):
    row = "| **In-tree subproject behind feature flags** | − Against |"
    path = edit(exported, RECORD_1, row, "| **In-tree subproject behind feature flags** | ++ Strongly for |")
    argument = "* Bad, because **Stability of the runtime** (− Against): Off-by-default"
    edit(
        exported,
        RECORD_1,
        argument,
        "* Neutral, because **Stability of the runtime** (○ Neutral): Off-by-default",
    )
    before = row_counts()
    problems = failure(exported).problems
    assert [(p.path, p.line) for p in problems] == [
        (str(path), line_of(path, "* Neutral, because **Stability"))
    ]
    message = problems[0].message
    assert "○ Neutral" in message and "++ Strongly for" in message
    assert f"line {line_of(path, '| **In-tree subproject')}" in message
    assert row_counts() == before


def test_an_edit_of_a_part_not_read_back_is_refused_with_the_line_and_both_values(exported):
    old = "[Kubernetes 1.17: CSI migration beta]"
    path = edit(exported, RECORD_1, old, "[Kubernetes 1.18: CSI migration beta]")
    problems = failure(exported).problems
    assert [(p.path, p.line) for p in problems] == [(str(path), line_of(path, "Kubernetes 1.18"))]
    assert "Kubernetes 1.18" in problems[0].message and "Kubernetes 1.17" in problems[0].message
    assert "rfcs-site" in problems[0].message


def test_a_rating_that_is_not_one_is_refused_by_line(exported):
    row = "| **In-tree subproject behind feature flags** | − Against |"
    path = edit(exported, RECORD_1, row, "| **In-tree subproject behind feature flags** | great |")
    problems = failure(exported).problems
    assert [(p.line, "'great'" in p.message) for p in problems] == [(line_of(path, "| great |"), True)]


def test_ascii_ratings_typed_on_a_keyboard_are_read(exported):
    row = "| **In-tree subproject behind feature flags** | − Against |"
    edit(exported, RECORD_1, row, "| **In-tree subproject behind feature flags** | -- |")
    argument = "* Bad, because **Stability of the runtime** (− Against):"
    edit(exported, RECORD_1, argument, "* Bad, because **Stability of the runtime** (-- Strongly against):")
    importing.import_folder(exported)
    cell = Assessment.objects.get(
        option__name__startswith="In-tree", criterion__name="Stability of the runtime"
    )
    assert cell.rating == -2


def test_a_new_option_added_in_the_body_is_created(exported):
    path = exported / RECORD_2
    text = path.read_text()
    names = re.findall(r"(?m)^\* (.+)$", text.split("## Considered Options\n\n", 1)[1].split("\n\n", 1)[0])
    edit(exported, RECORD_2, f"* {names[-1]}\n", f"* {names[-1]}\n* Round robin by hand\n")
    edit(
        exported,
        RECORD_2,
        "## Options Matrix",
        "### Round robin by hand\n\nA rota in the wiki.\n\n## Options Matrix",
    )
    importing.import_folder(exported)
    option = Decision.objects.get(number=2).options.get(name="Round robin by hand")
    assert option.summary == "A rota in the wiki."


def test_a_status_changed_in_git_is_dated_by_the_files_date(exported):
    edit(exported, RECORD_1, "status: open\ndate: 2023-03-30\n", "status: accepted\ndate: 2023-05-11\n")
    importing.import_folder(exported)
    decision = Decision.objects.get(number=1)
    assert (decision.status, decision.decided_on.isoformat()) == ("accepted", "2023-05-11")
    last = DecisionStatusChange.objects.filter(decision=decision).order_by("changed_on").last()
    assert (last.from_status, last.to_status, last.changed_on.isoformat()) == (
        "open",
        "accepted",
        "2023-05-11",
    )


def test_a_date_that_disagrees_with_the_records_dates_is_refused(exported):
    path = edit(exported, RECORD_1, "status: open\ndate: 2023-03-30\n", "status: open\ndate: 2024-01-01\n")
    problems = failure(exported).problems
    assert [p.line for p in problems] == [line_of(path, "date: 2024-01-01")]
    assert "2024-01-01" in problems[0].message and "2023-03-30" in problems[0].message


def test_a_number_that_disagrees_with_the_file_name_is_refused(exported):
    path = edit(exported, RECORD_1, "  number: 1\n", "  number: 4\n")
    problems = failure(exported).problems
    assert [(p.line, p.message) for p in problems] == [
        (line_of(path, "  number: 4"), "rfcs-site.number: is 4, but the file name says 1")
    ]


def test_a_heading_in_the_text_stays_part_of_its_section(tmp_path):
    load_demo()
    Decision.objects.filter(number=3).update(
        context="Intro.\n\n## Background\n\nMore.\n\n```md\n## Decision Outcome\n```"
    )
    export.write_folder(tmp_path / "first")
    first = snapshot(tmp_path / "first")
    assert importing.import_folder(tmp_path / "first").unchanged == [1, 2, 3]
    Decision.objects.filter(number=3).update(context="")
    importing.import_folder(tmp_path / "first")
    assert Decision.objects.get(number=3).context.endswith("## Decision Outcome\n```")
    export.write_folder(tmp_path / "second")
    assert snapshot(tmp_path / "second") == first


def test_the_export_before_madr_4_still_imports(tmp_path):
    from tests.test_import_decisions import NIGHTLY

    (tmp_path / "0007-nightly.md").write_text(NIGHTLY)
    assert importing.import_folder(tmp_path).created == [7]
    export.write_folder(tmp_path / "madr")
    assert "rfcs-site:" in (tmp_path / "madr" / "0007-do-we-publish-nightly-builds.md").read_text()
    assert importing.import_folder(tmp_path / "madr").unchanged == [7]
