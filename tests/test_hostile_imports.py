"""Hostile repositories through every importer: what a pull request to an imported repository
could put there (links out of the folder, FIFOs, devices, YAML bombs, control characters)."""

from __future__ import annotations

import pytest

from decisions import exporting
from decisions.models import Decision
from decisions.parsing.rfcs import RFCParseError, parse_file
from tests.test_import_decisions import record, write

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
    with pytest.raises(exporting.ImportFailed) as raised:
        exporting.import_folder(tmp_path)
    [problem] = raised.value.problems
    assert problem.path.endswith("0007-bomb.md")
    assert problem.line == 6  # lol4: nine aliases to lol3 (1,111 values each) pass 10,000
    assert "alias *lol3" in problem.message and len(problem.message) < 300
    assert Decision.objects.count() == 0


def test_import_decisions_still_reads_an_alias_to_a_small_value(tmp_path):
    text = record(7, **{"title: Do we publish nightly builds?": "title: &t Nightly builds?"})
    text = text.replace("rationale: Fresh builds find regressions early.", "rationale: *t")
    write(tmp_path, "0007-nightly.md", text)
    exporting.import_folder(tmp_path)
    assert Decision.objects.get(number=7).rationale == "Nightly builds?"


def test_import_rfcs_refuses_a_billion_laughs_naming_the_file_and_line(tmp_path):
    path = tmp_path / "laughs.md"
    path.write_text("---\n" + laughs(9) + "title: *lol9\n---\nBody\n")
    with pytest.raises(RFCParseError) as raised:
        parse_file(path)
    assert (raised.value.path, raised.value.line) == (str(path), 6)
    assert "alias *lol3" in raised.value.reason
