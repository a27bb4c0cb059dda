"""import_decisions DIR on plain ADR folders: MADR (its own records), log4brains, adr-tools (Nygard)."""

from __future__ import annotations

import datetime
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from decisions.models import Assessment, Decision
from decisions.records import export, importing

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data" / "adr"


def copy_of(name: str, tmp_path: Path) -> Path:
    """A vendored repository (its ADR folder under docs/), copied so a test may write beside it."""
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# MADR's own docs/decisions (MADR 4 template, Jekyll front matter) -------------------------


def test_madrs_own_records_import_from_the_repositorys_root_keeping_numbers_and_titles(tmp_path):
    out = io.StringIO()
    call_command("import_decisions", str(copy_of("madr", tmp_path)), stdout=out)
    assert "Imported 7 new and 0 updated record(s); 0 unchanged." in out.getvalue()
    assert "skipped: " in out.getvalue() and "adr-template.md: a template" in out.getvalue()
    assert list(Decision.objects.order_by("number").values_list("number", "title")) == [
        (0, "Use Markdown Architectural Decision Records"),
        (1, "Dual License the Work"),
        (8, "Add Status Field"),
        (13, "Use YAML front matter for metadata"),
        (14, 'Allow "neutral" arguments'),
        (16, "Outcome before Detailed Pros and Cons"),
        (18, 'Use "Confirmation" as Heading'),
    ]
    assert not Assessment.objects.exists()  # drivers and options, but no ratings: no matrix


def test_a_madr_record_keeps_its_options_chosen_option_justification_and_arguments(tmp_path):
    importing.import_folder(copy_of("madr", tmp_path))
    decision = Decision.objects.get(number=8)
    assert [o.name for o in decision.options.all()] == [
        "Use YAML front matter", "Use badge", "Use text line", "Use separate heading", "Use table",
        "Do not add status",
    ]  # fmt: skip
    assert decision.chosen_option.name == "Use YAML front matter"
    assert decision.rationale == "comes out best (see below)."
    badge = decision.options.get(name="Use badge").summary
    assert "* Bad, because hard to read in markdown source" in badge
    assert decision.more_information.startswith("See [ADR-0013](0013-use-yaml-front-matter-for-meta-data.md)")


def test_the_chosen_option_is_matched_despite_quotes_and_a_description_after_a_dash(tmp_path):
    importing.import_folder(copy_of("madr", tmp_path))
    assert Decision.objects.get(number=0).chosen_option.name == "MADR 4.0.0"
    assert Decision.objects.get(number=16).chosen_option.name.startswith(
        'Section "Pros and Cons of the Options" after'
    )
    confirmation = Decision.objects.get(number=18)
    assert confirmation.chosen_option.name == '"Confirmation"'
    assert confirmation.confirmation.startswith("* Before next release;")
    assert confirmation.status == "accepted"  # MADR's records have no status: decided ones


def test_an_imported_madr_folder_exports_and_imports_again_unchanged(tmp_path):
    importing.import_folder(copy_of("madr", tmp_path))
    export.write_folder(tmp_path / "first")
    report = importing.import_folder(tmp_path / "first")
    assert (report.updated, len(report.unchanged)) == ([], 7)
    export.write_folder(tmp_path / "second")
    assert snapshot(tmp_path / "second") == snapshot(tmp_path / "first")


def test_importing_the_same_madr_folder_twice_changes_nothing(tmp_path):
    folder = copy_of("madr", tmp_path)
    importing.import_folder(folder)
    report = importing.import_folder(folder)
    assert (report.created, report.updated, len(report.unchanged)) == ([], [], 7)


# log4brains' own docs/adr (MADR 2 lists, dated file names, links by slug) ----------------


def test_log4brains_records_keep_status_date_and_the_superseded_by_link(tmp_path):
    report = importing.import_folder(copy_of("log4brains", tmp_path) / "docs" / "adr")
    assert report.created == [1, 2, 3, 4, 5]  # in the order of the YYYYMMDD names
    assert any("numbered 3 in the order of the file names" in note for note in report.notes)
    old, new = Decision.objects.get(number=3), Decision.objects.get(number=4)
    assert (old.title, old.status, old.decided_on) == (
        "Use the ADR number as its unique ID", "superseded", datetime.date(2020, 9, 26)
    )  # fmt: skip
    assert new.supersedes == old
    assert old.status_changes.get().changed_on == datetime.date(2020, 9, 26)
    assert "Supersedes" not in new.more_information  # the link became the record's own


# adr-tools (Nygard): what `adr new` and `adr new -s 1` write -----------------------------

NYGARD = {
    "0001-record-architecture-decisions.md": """\
# 1. Record architecture decisions

Date: 2016-02-12

## Status

Superseded by [2. Keep records in MADR](0002-keep-records-in-madr.md)

Amended by [3. Number records](0003-number-records.md)

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records, as described by Michael Nygard.

## Consequences

See Michael Nygard's article, linked above.
""",
    "0002-keep-records-in-madr.md": """\
# 2. Keep records in MADR

Date: 2016-03-01

## Status

Accepted

Supersedes [1. Record architecture decisions](0001-record-architecture-decisions.md)

## Context

Our records need options and their pros and cons.

## Decision

We keep new records in MADR.

## Consequences

Old records stay as they are.
""",
    "0003-number-records.md": """\
# 3. Number records

Date: 2016-03-02

## Status

Proposed

## Context

Records need stable references.

## Decision

Every record starts with a four-digit number.

## Consequences

None.
""",
}


@pytest.fixture
def nygard(tmp_path: Path) -> Path:
    folder = tmp_path / "project" / "doc" / "adr"
    folder.mkdir(parents=True)
    for name, text in NYGARD.items():
        (folder / name).write_text(text)
    return tmp_path / "project"


def test_an_adr_tools_folder_imports_from_the_projects_root(nygard):
    report = importing.import_folder(nygard)
    assert report.created == [1, 2, 3]
    first = Decision.objects.get(number=1)
    assert (first.title, first.status, first.decided_on) == (
        "Record architecture decisions", "superseded", datetime.date(2016, 2, 12)
    )  # fmt: skip
    assert first.context == "We need to record the architectural decisions made on this project."
    assert first.rationale == "We will use Architecture Decision Records, as described by Michael Nygard."
    assert first.consequences == "See Michael Nygard's article, linked above."
    assert Decision.objects.get(number=2).supersedes == first
    # A link the site has no field for stays in the text.
    assert first.more_information == "Amended by [3. Number records](0003-number-records.md)"
    assert Decision.objects.get(number=3).status == "proposed"
    assert Decision.objects.get(number=3).decided_on is None


def test_an_adr_tools_folder_round_trips_through_the_export(nygard, tmp_path):
    importing.import_folder(nygard)
    export.write_folder(tmp_path / "first")
    assert importing.import_folder(tmp_path / "first").unchanged == [1, 2, 3]
    export.write_folder(tmp_path / "second")
    assert snapshot(tmp_path / "second") == snapshot(tmp_path / "first")


def test_the_decision_pages_of_imported_records_show(nygard, client):
    importing.import_folder(nygard)
    page = client.get("/decisions/1/")
    assert page.status_code == 200
    assert "Amended by" in page.content.decode()


def test_a_plain_file_with_a_broken_front_matter_is_refused_by_line(tmp_path):
    (tmp_path / "0001-broken.md").write_text("---\nstatus: [accepted\n---\n# Broken\n")
    with pytest.raises(importing.ImportFailed) as raised:
        importing.import_folder(tmp_path)
    assert [(p.line, "invalid YAML" in p.message) for p in raised.value.problems] == [(3, True)]


def test_an_imported_madr_record_shows_its_confirmation_and_no_reasons_drawn_from_an_empty_matrix(
    tmp_path, client
):
    importing.import_folder(copy_of("madr", tmp_path))
    page = client.get("/decisions/18/").content.decode()
    assert '<h2 id="confirmation">Confirmation</h2>' in page
    assert "Before next release; check that there is at least one example" in page
    assert "Why not chosen:" not in page  # nothing rated: no "weighted total +0 against +0"
