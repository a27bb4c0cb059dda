"""RFC files from other processes are read into what the importer stores (decisions/rfcs/parsing/).

Fixtures in tests/data/rfcs/ follow each format's public description (PEP 1, the
rust-lang/rfcs template, the KEP template, this site's own export); byte-level messes (CRLF,
BOM, encodings, hostile sizes) are generated here in a temporary folder.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.test import override_settings

from decisions.models import RFCStatus
from decisions.rfcs.export import front_matter
from decisions.rfcs.parsing import (
    STATUSES,
    ParsedRFC,
    RFCParseError,
    detect_format,
    iter_rfc_files,
    parse_date,
    parse_file,
    parse_person,
)
from tests.conftest import DATA, shared_path

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once

RFCS = DATA / "rfcs"
BA = RFCS / "bytecodealliance"
RUST = RFCS / "rust"
PEP = RFCS / "pep"
KEP = RFCS / "kep"
FRONT = RFCS / "frontmatter"
BAD = RFCS / "bad"
CSI = KEP / "keps" / "sig-storage" / "625-csi-migration"
SHUTDOWN = KEP / "keps" / "sig-node" / "2000-graceful-shutdown"


def relative(found: list[tuple[Path, str]], root: Path) -> list[tuple[str, str]]:
    return [(path.relative_to(root).as_posix(), fmt) for path, fmt in found]


def test_the_statuses_are_the_models_statuses():
    assert set(STATUSES) == set(RFCStatus.values)


# The real Bytecode Alliance corpus ----------------------------------------------------------


def test_every_bytecode_alliance_rfc_parses_with_a_real_title_and_no_warnings():
    corpus = shared_path("corpora", "bytecodealliance-rfcs")
    found = list(iter_rfc_files([corpus]))
    assert len(found) == 26
    assert {path.parent.name for path, _ in found} == {"accepted"}
    titles = set()
    for path, fmt in found:
        parsed = parse_file(path, fmt)
        assert fmt == parsed.format == "bytecodealliance", path
        assert parsed.title and parsed.title.lower() not in {"summary", "motivation"}, path
        assert parsed.status == "accepted" and parsed.number is None and parsed.series == "", path
        assert parsed.body.strip() and "\r" not in parsed.body, path
        assert parsed.slug == path.stem and parsed.aliases == [path.stem], path
        assert parsed.warnings == [], (path, parsed.warnings)
        titles.add(parsed.title)
    assert len(titles) == 26
    assert {"Tail calls", "Wasm GC", "Wasmtime LTS", "RFC process for the Bytecode Alliance"} <= titles


def test_a_heading_that_names_a_section_is_not_taken_for_the_title():
    parsed = parse_file(BA / "accepted" / "async-imports.md")
    assert parsed.title == "Async imports"
    assert parsed.body.startswith("# Summary\n\n[summary]: #summary\n")


def test_a_title_heading_becomes_the_title_and_leaves_the_body():
    parsed = parse_file(BA / "accepted" / "rfc-process.md")
    assert parsed.title == "RFC process for the Bytecode Alliance"
    assert parsed.body.startswith("# Summary\n\nAs the Bytecode Alliance (BA) grows")
    assert parsed.body_format == "markdown"


def test_an_authors_line_names_people_and_their_github_handles():
    parsed = parse_file(BA / "accepted" / "wasmtime-baseline-compilation.md")
    assert parsed.title == "Baseline Compilation in Wasmtime"
    assert parsed.authors == ["Saúl Cabrera", "Chris Fallin"]
    assert parsed.author_handles == {"Saúl Cabrera": ["saulecabrera"], "Chris Fallin": ["cfallin"]}


@pytest.mark.parametrize(
    "line", ["**Authors:** Ada Lovelace, Grace Hopper (@ghopper)", "- Authors: Ada Lovelace and @ghopper"]
)
def test_an_authors_line_may_be_bold_or_a_bullet(tmp_path, line):
    path = tmp_path / "accepted" / "shared-memory.md"
    path.parent.mkdir()
    path.write_text(f"# Shared memory\n\n{line}\n\n## Summary\n\nText.\n")
    parsed = parse_file(path)
    assert parsed.authors == ["Ada Lovelace", "Grace Hopper" if "Grace" in line else "ghopper"]
    assert parsed.author_handles["Grace Hopper" if "Grace" in line else "ghopper"] == ["ghopper"]


# Each format's fields -----------------------------------------------------------------------


def test_a_rust_rfc_reads_its_header_bullets():
    parsed = parse_file(RUST / "text" / "2094-nll.md")
    assert (parsed.format, parsed.series, parsed.number, parsed.slug) == ("rust", "rust", 2094, "nll")
    assert parsed.title == "NLL"
    assert parsed.status == "accepted" and parsed.raw_status == ""
    assert parsed.created_on == datetime.date(2017, 8, 2) and parsed.raw_created == "`2017-08-02`"
    assert parsed.discussion_url == "https://github.com/rust-lang/rfcs/pull/2094"
    assert parsed.metadata == {
        "Feature name": "nll",
        "RFC PR": "https://github.com/rust-lang/rfcs/pull/2094",
        "Rust issue": "https://github.com/rust-lang/rust/issues/44928",
    }
    assert parsed.body.startswith("# Summary\n[summary]: #summary\n\nBase lifetimes")
    assert parsed.aliases == ["rust-2094", "2094-nll"]
    assert parsed.warnings == []


def test_a_rust_rfc_without_a_feature_name_takes_its_title_from_the_file_name():
    parsed = parse_file(RUST / "text" / "0001-private-fields.md")
    assert (parsed.number, parsed.slug, parsed.title) == (1, "private-fields", "Private fields")
    assert parsed.created_on == datetime.date(2014, 3, 11)
    assert parsed.metadata["Rust issue"] == "https://github.com/rust-lang/rust/issues/8122"
    assert parsed.body.startswith("## Summary\n")


def test_a_modern_pep_preamble_fills_every_field():
    parsed = parse_file(PEP / "peps" / "pep-9001.rst")
    assert (parsed.format, parsed.series, parsed.number) == ("pep", "pep", 9001)
    assert parsed.title == "Sample Preamble Parsing for Imported Proposals"
    assert parsed.slug == "sample-preamble-parsing-for-imported-proposals"
    assert (parsed.status, parsed.raw_status) == ("accepted", "Accepted")
    assert parsed.authors == ["Random J. User", "Jane Q. Public"]  # continuation line, "at" address
    assert parsed.author_handles["Random J. User"] == ["random"]
    assert parsed.author_handles["Jane Q. Public"] == ["jane"]
    assert parsed.shepherd == "Alex Sponsor"
    assert parsed.areas == ["packaging", "typing"]
    assert parsed.created_on == datetime.date(2017, 6, 26) and parsed.raw_created == "26-Jun-2017"
    assert parsed.discussion_url == "https://discuss.python.org/t/pep-9001-sample-preamble/99999"
    assert parsed.replaces == ["pep-205"] and parsed.superseded_by == [] and parsed.see_also == ["pep-440"]
    assert parsed.metadata == {
        "Type": "Standards Track",
        "Python-Version": "3.14",
        "Resolution": "20-Sep-2017 (https://discuss.python.org/t/99999/42)",
        "PEP-Delegate": "Pat Delegate",
        "Requires": ["440"],
        "Post-History": [
            "01-Jul-2017 (https://discuss.python.org/t/99990)",
            "14-Aug-2017 (https://discuss.python.org/t/99999)",
        ],
    }
    assert parsed.body_format == "rst" and parsed.body.startswith("Abstract\n========\n")
    assert parsed.aliases == ["pep-9001"]
    assert parsed.warnings == []


def test_a_pep_discussion_link_must_be_http_and_falls_back_to_the_last_post(tmp_path):
    path = tmp_path / "pep-0060.rst"
    path.write_text(
        "PEP: 60\nTitle: T\nAuthor: A\nDiscussions-To: `x <javascript:alert(1)>`__\nStatus: Draft\n"
        "Type: Process\nCreated: 1-Jan-2001\n"
        "Post-History: `02-Jan-2001 <https://example.org/a>`__, `03-Jan-2001 <https://example.org/b>`__\n\nB\n"
    )
    parsed = parse_file(path)
    assert parsed.discussion_url == "https://example.org/b"


def test_a_pep_body_that_follows_the_header_without_a_blank_line_is_kept(tmp_path):
    path = tmp_path / "pep-0061.rst"
    path.write_text(
        "PEP: 61\nTitle: T\nAuthor: A\nStatus: Draft\nType: Process\nCreated: 1-Jan-2001\nAbstract\n===\n"
    )
    parsed = parse_file(path)
    assert parsed.body == "Abstract\n===\n"
    assert parsed.warnings == ["line 7: the header ends without a blank line; the body starts here"]


def test_an_old_plain_text_pep_with_an_email_first_author_and_a_successor():
    parsed = parse_file(PEP / "peps" / "pep-0205.txt")
    assert (parsed.number, parsed.title, parsed.status) == (205, "Weak References", "superseded")
    assert parsed.authors == ["Fred Q. Example, Jr."]
    assert parsed.author_handles == {"Fred Q. Example, Jr.": ["fred"]}
    assert parsed.superseded_by == ["pep-9001"]
    assert "Version" not in parsed.metadata and "Last-Modified" not in parsed.metadata  # $Revision$ noise
    assert parsed.aliases == ["pep-0205", "pep-205"]
    assert parsed.body.startswith("Motivation\n\n    An old plain-text PEP")


@pytest.mark.parametrize(
    ("name", "status", "body_format"),
    [("pep-0666.rst", "rejected", "rst"), ("pep-0801.md", "draft", "markdown")],
)
def test_pep_statuses_map_onto_ours_and_markdown_peps_stay_markdown(name, status, body_format):
    parsed = parse_file(PEP / "peps" / name)
    assert (parsed.status, parsed.body_format) == (status, body_format)


@pytest.mark.parametrize(
    ("written", "ours"),
    [
        ("Draft", "draft"), ("Active", "accepted"), ("Accepted", "accepted"), ("Provisional", "accepted"),
        ("Final", "implemented"), ("Deferred", "postponed"), ("Rejected", "rejected"),
        ("Withdrawn", "withdrawn"), ("Superseded", "superseded"), ("April Fool!", "rejected"),
    ],
)  # fmt: skip
def test_every_pep_status_maps_onto_one_of_ours(tmp_path, written, ours):
    path = tmp_path / "pep-0042.rst"
    path.write_text(
        f"PEP: 42\nTitle: T\nAuthor: A\nStatus: {written}\nType: Process\nCreated: 01-Jan-2001\n\nBody\n"
    )
    parsed = parse_file(path)
    assert (parsed.status, parsed.raw_status, parsed.warnings) == (ours, written, [])


def test_a_kep_folder_reads_kep_yaml_and_its_readme():
    parsed = parse_file(CSI / "kep.yaml")
    assert (parsed.format, parsed.series, parsed.number, parsed.slug) == ("kep", "kep", 625, "csi-migration")
    assert parsed.path == str(CSI / "kep.yaml")
    assert parsed.title == "In-tree Storage Plugin to CSI Migration"
    assert (parsed.status, parsed.raw_status) == ("accepted", "implementable")
    assert parsed.authors == ["davidz627", "jsafrane"]
    assert parsed.author_handles == {"davidz627": ["davidz627"], "jsafrane": ["jsafrane"]}
    assert parsed.areas == ["sig-storage", "sig-architecture", "sig-cluster-lifecycle"]
    assert parsed.created_on == datetime.date(2019, 1, 29)
    assert parsed.discussion_url == "https://github.com/kubernetes/enhancements/issues/625"
    assert parsed.replaces == ["kep-178"] and parsed.superseded_by == []
    assert parsed.see_also == [
        "kep-178",
        "https://github.com/kubernetes/community/blob/master/contributors/design-proposals/storage/csi-migration.md",
    ]
    assert parsed.metadata == {
        "Stage": "beta",
        "Latest milestone": "v1.21",
        "Last updated": "2021-09-08",
        "Editor": "davidz627",
        "Disable supported": "yes",
        "Reviewers": ["saadali"],
        "Approvers": ["saadali"],
        "Metrics": ["storage_operation_duration_seconds"],
        "Milestones": {"alpha": "v1.14", "beta": "v1.17"},
        "Feature gates": ["CSIMigration"],
    }
    # The "# KEP-625: ..." heading is the title, not part of the body.
    assert parsed.body.startswith("<!-- toc -->\n- [Summary](#summary)")
    assert parsed.body_format == "markdown"
    assert parsed.aliases == ["kep-625", "625-csi-migration"]
    assert parsed.warnings == []


def test_the_readme_or_the_folder_of_a_kep_stands_for_its_kep_yaml():
    assert detect_format(CSI / "README.md") == "kep"
    assert parse_file(CSI / "README.md").path == str(CSI / "kep.yaml")
    assert parse_file(CSI).path == str(CSI / "kep.yaml")


def test_a_single_file_kep_with_front_matter_is_a_kep():
    parsed = parse_file(KEP / "keps" / "sig-cli" / "0031-kustomize.md")
    assert (parsed.format, parsed.number, parsed.title, parsed.status) == (
        "kep",
        31,
        "Kustomize",
        "implemented",
    )
    assert parsed.authors == ["cli-dev"] and parsed.areas == ["sig-cli"]
    assert parsed.body.startswith("## Summary\n")


def test_our_own_export_reads_back_every_field():
    parsed = parse_file(FRONT / "12.md")
    assert (parsed.format, parsed.series, parsed.number) == ("frontmatter", "", 12)
    assert (parsed.title, parsed.slug) == ("Stable component model ABI", "stable-component-model-abi")
    assert (parsed.status, parsed.raw_status) == ("fcp", "fcp")
    assert parsed.authors == ["Ada Lovelace", "Grace Hopper"] and parsed.shepherd == "Tilly Example"
    assert parsed.areas == ["wasmtime", "component-model"]
    assert parsed.created_on == datetime.date(2024, 3, 5)
    assert parsed.discussion_url == "https://github.com/example/rfcs/pull/12"
    assert parsed.replaces == ["7"]
    assert parsed.body.startswith("# Summary\n\nA fixture")
    assert parsed.warnings == []


def test_an_export_written_by_the_sites_own_exporter_round_trips(tmp_path):
    data = {
        "number": 40,
        "title": "Café: a title with: colons",
        "status": "postponed",
        "authors": ["Zoë Example"],
        "shepherd": "Nick Fitzgerald",
        "areas": ["cranelift"],
        "created": datetime.date(2023, 1, 31).isoformat(),
        "discussion_url": "https://example.org/rfcs/40",
        "supersedes": 39,
    }
    path = tmp_path / "40.md"
    path.write_text(front_matter(data) + "\n" + "# Summary\n\nText.\n", encoding="utf-8")
    parsed = parse_file(path)
    assert parsed.format == "frontmatter"
    assert (parsed.number, parsed.title, parsed.status) == (40, "Café: a title with: colons", "postponed")
    assert (parsed.authors, parsed.shepherd, parsed.areas) == (
        ["Zoë Example"],
        "Nick Fitzgerald",
        ["cranelift"],
    )
    assert (parsed.created_on, parsed.discussion_url, parsed.replaces) == (
        datetime.date(2023, 1, 31),
        "https://example.org/rfcs/40",
        ["39"],
    )
    assert parsed.body == "# Summary\n\nText.\n" and parsed.warnings == []


def test_an_export_of_an_imported_pep_keeps_its_series_and_body_format():
    parsed = parse_file(FRONT / "pep-series.md")
    assert (parsed.series, parsed.number, parsed.body_format) == ("pep", 8, "rst")
    assert parsed.replaces == ["pep-7"] and "pep-8" in parsed.aliases
    assert parsed.created_on == datetime.date(2001, 7, 5)


# Detection and walking ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (BA / "accepted" / "async-imports.md", "bytecodealliance"),
        (RUST / "text" / "2094-nll.md", "rust"),
        (RUST / "text" / "0001-private-fields.md", "rust"),
        (PEP / "peps" / "pep-9001.rst", "pep"),
        (PEP / "peps" / "pep-0205.txt", "pep"),
        (PEP / "peps" / "pep-0801.md", "pep"),
        (CSI / "kep.yaml", "kep"),
        (KEP / "keps" / "sig-cli" / "0031-kustomize.md", "kep"),
        (FRONT / "12.md", "frontmatter"),
        (FRONT / "0013-messy.md", "frontmatter"),
        (BA / "LICENSE", None),
    ],
)
def test_auto_detection_picks_each_fixtures_format(path, expected):
    assert detect_format(path) == expected
    if expected:
        assert parse_file(path).format == expected


def test_rust_header_bullets_are_recognised_outside_a_text_folder(tmp_path):
    path = tmp_path / "my-proposal.md"
    path.write_text((RUST / "text" / "2094-nll.md").read_text().replace("2094", "77"))
    assert detect_format(path) == "rust"


def test_an_explicit_format_overrides_detection():
    parsed = parse_file(RUST / "text" / "2094-nll.md", "bytecodealliance")
    assert (parsed.format, parsed.number, parsed.title) == ("bytecodealliance", None, "2094 NLL")
    assert parsed.body.startswith("- Feature Name: `nll`")


def test_an_unknown_format_name_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown format 'yaml'"):
        parse_file(FRONT / "12.md", "yaml")


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        (
            BA,  # README, LICENSE and templates at the root are skipped; only accepted/ is read
            [
                ("accepted/async-imports.md", "bytecodealliance"),
                ("accepted/rfc-process.md", "bytecodealliance"),
                ("accepted/wasmtime-baseline-compilation.md", "bytecodealliance"),
            ],
        ),
        (
            RUST,
            [
                ("text/0001-private-fields.md", "rust"),
                ("text/2094-nll.md", "rust"),
                ("text/3113-messy-header.md", "rust"),
            ],
        ),
        (
            PEP,  # the pep-0012/pep-NNNN.rst template is skipped
            [
                ("peps/pep-0205.txt", "pep"),
                ("peps/pep-0666.rst", "pep"),
                ("peps/pep-0801.md", "pep"),
                ("peps/pep-9001.rst", "pep"),
            ],
        ),
        (
            KEP,  # one record per KEP folder; the NNNN template folder and READMEs are skipped
            [
                ("keps/sig-cli/0031-kustomize.md", "kep"),
                ("keps/sig-node/2000-graceful-shutdown/kep.yaml", "kep"),
                ("keps/sig-storage/625-csi-migration/kep.yaml", "kep"),
            ],
        ),
        (
            FRONT,
            [("0013-messy.md", "frontmatter"), ("12.md", "frontmatter"), ("pep-series.md", "frontmatter")],
        ),
    ],
    ids=["bytecodealliance", "rust", "pep", "kep", "frontmatter"],
)
def test_walking_a_repository_finds_each_rfc_once_in_path_order(root, expected):
    assert relative(list(iter_rfc_files([root])), root) == expected


def test_files_named_twice_or_through_their_kep_readme_are_yielded_once():
    found = list(iter_rfc_files([CSI / "README.md", CSI / "kep.yaml", CSI, FRONT / "12.md", FRONT / "12.md"]))
    assert found == [(CSI / "kep.yaml", "kep"), (FRONT / "12.md", "frontmatter")]


def test_an_explicit_format_applies_to_every_file_of_a_folder():
    found = list(iter_rfc_files([RUST], "bytecodealliance"))
    assert relative(found, RUST) == [
        ("text/0001-private-fields.md", "bytecodealliance"),
        ("text/2094-nll.md", "bytecodealliance"),
        ("text/3113-messy-header.md", "bytecodealliance"),
    ]


def test_a_file_named_explicitly_is_yielded_even_when_its_format_is_unknown():
    assert list(iter_rfc_files([BA / "LICENSE"])) == [(BA / "LICENSE", "auto")]
    with pytest.raises(RFCParseError, match=r"LICENSE: not an RFC file this importer knows"):
        parse_file(BA / "LICENSE")


# Messy input is kept and reported -----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected", "note"),
    [
        ("2017-06-26", datetime.date(2017, 6, 26), None),
        ("26-Jun-2017", datetime.date(2017, 6, 26), None),
        ("26 June 2017", datetime.date(2017, 6, 26), None),
        ("June 26, 2017", datetime.date(2017, 6, 26), None),
        ("2017/06/26", datetime.date(2017, 6, 26), None),
        ("`2017-06-26`", datetime.date(2017, 6, 26), None),
        ("2019-01-29T10:00:00Z", datetime.date(2019, 1, 29), None),
        ("26/06/2017", datetime.date(2017, 6, 26), None),
        ("3-Dec-01", datetime.date(2001, 12, 3), None),
        ("June 2017", datetime.date(2017, 6, 1), "'June 2017' has no day; read as the first of the month"),
        ("2017-06", datetime.date(2017, 6, 1), "'2017-06' has no day; read as the first of the month"),
        (
            "03/04/2017",
            datetime.date(2017, 4, 3),
            "'03/04/2017' could be day/month or month/day; read as day/month",
        ),
        (
            "2014-03-11 (revised later)",
            datetime.date(2014, 3, 11),
            "'2014-03-11 (revised later)' read as 2014-03-11",
        ),
        ("2019-02-30", None, "'2019-02-30' is not a real date"),
        ("31-Jun-2017", None, "'31-Jun-2017' is not a real date"),
        ("yyyy-mm-dd", None, "'yyyy-mm-dd' is not a date"),
        ("someday", None, "'someday' is not a date"),
    ],
)
def test_dates_in_the_shapes_people_write_them(written, expected, note):
    assert parse_date(written) == (expected, note)


def test_an_impossible_kep_date_and_misspellings_are_kept_with_warnings():
    parsed = parse_file(SHUTDOWN / "kep.yaml")
    assert parsed.number == 2000  # written as the string "2000"
    assert parsed.created_on is None and parsed.raw_created == "2019-02-30"
    assert (parsed.status, parsed.raw_status) == ("accepted", "implementible")
    assert parsed.areas == ["sig-node", "sig-api-machinery"]  # owning_sig and a misspelt participating-sigs
    assert parsed.authors == ["Jane Doe", "bobby-tables"]
    assert parsed.author_handles == {"Jane Doe": ["janedoe"], "bobby-tables": ["bobby-tables"]}
    assert parsed.replaces == ["kep-1954"] and parsed.superseded_by == ["kep-4000"]
    assert parsed.metadata["Colour"] == "blue"
    assert parsed.warnings == [
        "line 7: 'particpating-sigs' read as 'participating-sigs'",
        "line 8: status 'implementible' read as 'implementable'",
        "line 9: creation-date '2019-02-30' is not a real date; kept as written",
        "line 16: unknown key 'colour' kept in metadata",
    ]


def test_a_rust_header_with_typos_is_read_with_warnings():
    parsed = parse_file(RUST / "text" / "3113-messy-header.md")
    assert parsed.metadata == {
        "Feature name": "messy_header",
        "RFC PR": "https://github.com/rust-lang/rfcs/pull/3113",
    }
    assert parsed.created_on == datetime.date(2017, 6, 26) and parsed.raw_created == "26 June 2017"
    assert (parsed.status, parsed.raw_status) == ("implemented", "Implemnted")
    assert parsed.warnings == [
        "line 1: 'Feature Nmae' read as 'Feature Name'",
        "line 5: status 'Implemnted' read as 'implemented'",
    ]


def test_messy_front_matter_is_read_with_warnings():
    parsed = parse_file(FRONT / "0013-messy.md")
    assert parsed.number == 13  # the string "0013"
    assert parsed.title == "Messy front matter"
    assert (parsed.status, parsed.raw_status) == ("accepted", "acepted")
    assert parsed.authors == ["Ada Lovelace", "ghopper"]
    assert parsed.created_on == datetime.date(2017, 6, 26) and parsed.raw_created == "2017/06/26"
    assert parsed.areas == ["wasmtime"]
    assert parsed.metadata == {"Reviewed by": "Someone Else"}
    assert parsed.body == "Body right after the fence.\n"
    assert parsed.warnings == [
        "line 3: 'tilte' read as 'title'",
        "line 4: status 'acepted' read as 'accepted'",
        "line 8: unknown key 'reviewed-by' kept in metadata",
    ]


def test_an_unknown_status_is_kept_as_written_and_shown_as_draft(tmp_path):
    path = tmp_path / "pep-0050.rst"
    path.write_text(
        "PEP: 50\nTitle: T\nAuthor: A\nStauts: Pondering\nType: Process\nCreated: 1-Jan-2001\n\nB\n"
    )
    parsed = parse_file(path)
    assert (parsed.status, parsed.raw_status) == ("draft", "Pondering")
    assert parsed.warnings == [
        "line 4: 'Stauts' read as 'Status'",
        "line 4: unknown status 'Pondering'; kept as written, shown as draft",
    ]


def test_crlf_and_a_bom_read_like_the_clean_file(tmp_path):
    source = PEP / "peps" / "pep-9001.rst"
    messy = tmp_path / "pep-9001.rst"
    messy.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\n", b"\r\n"))
    clean, parsed = parse_file(source), parse_file(messy)
    assert parsed.body == clean.body and "\r" not in parsed.body and "\ufeff" not in parsed.body
    assert (parsed.title, parsed.authors, parsed.created_on) == (clean.title, clean.authors, clean.created_on)
    assert parsed.warnings == []


def test_a_utf16_file_is_read(tmp_path):
    path = tmp_path / "12.md"
    path.write_bytes((FRONT / "12.md").read_text(encoding="utf-8").encode("utf-16"))
    parsed = parse_file(path)
    assert parsed.title == "Stable component model ABI"
    assert parsed.warnings == ["the file is UTF-16; read as such"]


def test_bytes_that_are_not_utf8_are_replaced_and_reported_with_their_line_and_offset(tmp_path):
    path = tmp_path / "accepted" / "latin1.md"
    path.parent.mkdir()
    text = "# Caf\xe9 au lait\n\nLine two.\nDeux \xe9l\xe8ves.\n"
    path.write_bytes(text.encode("latin-1"))
    parsed = parse_file(path)
    assert parsed.title == "Caf\ufffd au lait"
    assert parsed.body == "Line two.\nDeux \ufffdl\ufffdves.\n"
    assert parsed.warnings == [
        "line 1: bytes that are not UTF-8 (first at byte offset 5); 3 replaced with \ufffd"
    ]


def test_nul_characters_are_replaced_and_reported(tmp_path):
    path = tmp_path / "nul.md"
    path.write_text("# Title\n\nA\x00B\n")
    parsed = parse_file(path)
    assert parsed.body == "A\ufffdB\n"
    assert parsed.warnings == ["line 3: NUL characters replaced with \ufffd"]


@pytest.mark.parametrize(
    ("written", "name", "aliases"),
    [
        ("Barry Warsaw <barry@python.org>", "Barry Warsaw", ["barry"]),
        ("Guido van Rossum <guido at python.org>", "Guido van Rossum", ["guido"]),
        ("barry@python.org (Barry Warsaw)", "Barry Warsaw", ["barry"]),
        ("@jsafrane", "jsafrane", ["jsafrane"]),
        ("Jane Doe (@janedoe)", "Jane Doe", ["janedoe"]),
        ("[Ada Lovelace](https://github.com/ada)", "Ada Lovelace", ["ada"]),
        ("Martin v. Löwis", "Martin v. Löwis", []),
    ],
)
def test_people_are_names_with_their_handles_and_email_names_as_aliases(written, name, aliases):
    assert parse_person(written) == (name, aliases)


# Files that cannot be used ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "line", "reason"),
    [
        (BAD / "not-a-mapping.md", 2, "the YAML must be a mapping of keys to values, not a list"),
        (
            BAD / "invalid-yaml.md",
            5,
            "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence started on line 4)",
        ),
        (BAD / "unclosed.md", 1, "the front matter is not closed: add a line --- after it, before the body"),
        (BAD / "pep-no-number.rst", 1, "'PEP: <REQUIRED: pep number>' is not a PEP number"),
        (
            BAD / "kep-no-number" / "kep.yaml",
            2,
            "kep-number 'TBD' is not a number, and the folder name does not start with one",
        ),
        (
            BAD / "kep-invalid-yaml" / "kep.yaml",
            5,
            "invalid YAML: did not find expected key (while parsing a block mapping started on line 1)",
        ),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else None,
)
def test_a_file_that_cannot_be_used_is_refused_with_its_path_line_and_reason(path, line, reason):
    with pytest.raises(RFCParseError) as raised:
        parse_file(path)
    error = raised.value
    assert (error.path, error.line, error.reason) == (str(path), line, reason)
    assert str(error) == f"{path}:{line}: {reason}"


def test_a_pep_without_a_number_in_its_header_takes_the_one_in_its_file_name(tmp_path):
    path = tmp_path / "pep-0123.rst"
    path.write_text("Title: Numberless\nAuthor: A\nStatus: Draft\nType: Process\nCreated: 1-Jan-2001\n\nB\n")
    parsed = parse_file(path, "pep")
    assert parsed.number == 123
    assert parsed.warnings == [
        "line 1: no 'PEP:' header line with the PEP number; using 123 from the file name"
    ]


def test_a_rust_rfc_without_any_number_is_refused(tmp_path):
    path = tmp_path / "text" / "unnumbered.md"
    path.parent.mkdir()
    path.write_text("- Feature Name: thing\n- RFC PR: (leave this empty)\n\n# Summary\n")
    with pytest.raises(RFCParseError, match=r"unnumbered\.md:2: no RFC number"):
        parse_file(path, "rust")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.md"
    path.write_text("# Big\n\n" + "x" * 5000)
    with override_settings(MARKDOWN_MAX_BYTES=4096), pytest.raises(RFCParseError) as raised:
        parse_file(path)
    assert str(raised.value) == f"{path}: the file is 4 KB; the limit is 4 KB (MARKDOWN_MAX_BYTES)"


def test_deeply_nested_yaml_is_refused_instead_of_crashing(tmp_path):
    path = tmp_path / "deep.md"
    path.write_text("---\ntitle: Deep\nauthors: " + "[" * 50_000 + "]" * 50_000 + "\n---\nBody\n")
    with pytest.raises(RFCParseError, match=r"deep\.md:3: invalid YAML: nested more than 100 levels deep"):
        parse_file(path)


def test_yaml_aliases_that_fan_out_are_refused_at_their_line(tmp_path):
    levels = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 12))
    path = tmp_path / "laughs.md"
    path.write_text(f"---\nl0: &l0 [x, x, x, x, x, x, x, x, x]\n{levels}title: *l11\nnumber: 9\n---\nBody\n")
    with pytest.raises(RFCParseError, match=r"laughs\.md:6: invalid YAML: the alias \*l3 makes the document"):
        parse_file(path)


def test_a_yaml_alias_to_a_small_value_is_read(tmp_path):
    path = tmp_path / "small.md"
    path.write_text("---\ntitle: &t Small aliases\nauthors: [*t]\nnumber: 9\n---\nBody\n")
    assert parse_file(path).title == "Small aliases"


def test_the_dataclass_is_what_the_importer_reads():
    parsed = parse_file(FRONT / "12.md")
    assert isinstance(parsed, ParsedRFC)
    assert json.dumps(parsed.metadata) and isinstance(parsed.author_handles, dict)
