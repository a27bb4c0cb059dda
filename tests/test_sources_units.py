"""Which files of a source make records, by their paths alone (as each importer's folder walk picks them)."""

from __future__ import annotations

from decisions.sources.importers.meetings import MeetingAdapter
from decisions.sources.importers.records import DecisionAdapter
from decisions.sources.importers.rfcs import RFCAdapter


def test_rfc_files_are_read_from_the_rfc_folders_and_a_kep_folder_is_one_record():
    paths = [
        "README.md",
        "0000-template.md",
        "keps/sig-node/625-foo/kep.yaml",
        "keps/sig-node/625-foo/README.md",
        "keps/sig-node/625-foo/diagram.png",
        "keps/NNNN-kep-template/kep.yaml",
        "keps/sig-node/.github/notes.md",
        "tools/gen.md",
    ]
    units, skipped = RFCAdapter().units(paths, "")
    assert [(u.path, u.needs) for u in units] == [
        (
            "keps/sig-node/625-foo/kep.yaml",
            [
                "keps/sig-node/625-foo/README.md",
                "keps/sig-node/625-foo/diagram.png",
                "keps/sig-node/625-foo/kep.yaml",
            ],
        )
    ]
    assert dict(skipped) == {
        "README.md": "outside the RFC folders (keps)",
        "0000-template.md": "outside the RFC folders (keps)",
        "tools/gen.md": "outside the RFC folders (keps)",
        "keps/sig-node/625-foo/README.md": "part of a KEP folder (read with its kep.yaml)",
        "keps/sig-node/625-foo/diagram.png": "part of a KEP folder (read with its kep.yaml)",
        "keps/NNNN-kep-template/kep.yaml": "a template or placeholder KEP folder",
        "keps/sig-node/.github/notes.md": "in a hidden, template or tooling folder",
    }


def test_a_path_inside_the_repository_is_the_root_of_the_walk():
    units, skipped = RFCAdapter().units(["peps/pep-0008.rst", "peps/README.rst", "peps/conf.py"], "peps")
    assert [u.path for u in units] == ["peps/pep-0008.rst"]
    assert dict(skipped) == {
        "peps/README.rst": "repository furniture (README, LICENSE, a template...)",
        "peps/conf.py": "not a Markdown, reStructuredText or text file",
    }


def test_meeting_notes_take_their_series_template_along_and_skip_readmes():
    paths = [
        "SIG-Guest-Languages/TEMPLATE.md",
        "SIG-Guest-Languages/Python/2023/guest-python-04-06.md",
        "README.md",
    ]
    units, skipped = MeetingAdapter().units(paths, "")
    [unit] = units
    assert unit.path == "SIG-Guest-Languages/Python/2023/guest-python-04-06.md"
    assert unit.context == ["SIG-Guest-Languages/TEMPLATE.md"]
    assert {path for path, _ in skipped} == {"SIG-Guest-Languages/TEMPLATE.md", "README.md"}


def test_decision_records_come_from_the_adr_folder_numbered_as_the_importer_numbers_them():
    paths = [
        "README.md",
        "docs/decisions/0001-use-x.md",
        "docs/decisions/0002-use-y.md",
        "docs/decisions/adr-template.md",
    ]
    adapter = DecisionAdapter()
    units, skipped = adapter.units(paths, "")
    assert [u.path for u in units] == ["docs/decisions/0001-use-x.md", "docs/decisions/0002-use-y.md"]
    assert adapter.numbers == {"0001-use-x.md": 1, "0002-use-y.md": 2}
    assert dict(skipped)["docs/decisions/adr-template.md"] == "a template"
    # log4brains names its files by date: the numbers follow their order.
    adapter.units(["20240102-b.md", "20231201-a.md"], "")
    assert adapter.numbers == {"20231201-a.md": 1, "20240102-b.md": 2}
