"""The decision detector against the hand labels (tests/data/decisions-in-notes): a floor that holds.

The floor is the measured precision and recall rounded down a little (`python -m bench.decided`
prints them), so a change that loses decisions, or flags many more sentences wrongly, fails here.
The scorer's counting is checked first, on a made-up file.
"""

from __future__ import annotations

import json

from bench import decided as bench
from tests.conftest import shared_path

FLOOR = {"precision": 0.85, "recall": 0.75}


def test_the_scorer_counts_hits_false_alarms_and_misses_by_line(tmp_path):
    notes = tmp_path / "x" / "2024" / "x-01-02.md"
    notes.parent.mkdir(parents=True)
    notes.write_text(
        "# Call\n\n## Notes\n\n### Release\n\n- Ann: We decided to ship it.\n- Bob: Agreed!\n"
        "- Cy: The group agreed to a weekly cadence.\n- Di: We should pick a name.\n",
        encoding="utf-8",
    )
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"files": {"x/2024/x-01-02.md": [{"line": 7}, {"line": 10}]}}))
    result = bench.score(tmp_path, labels)
    # Lines 7 and 9 are flagged: 7 is labelled (a hit), 9 is not (a false alarm); 10 is missed.
    assert (result["hits"], result["flagged"], result["labelled"]) == (1, 2, 2)
    assert (result["precision"], result["recall"]) == (0.5, 0.5)
    assert result["by_file"]["x/2024/x-01-02.md"] == {"missed": [10], "wrong": [9]}


def test_the_detector_holds_its_floor_on_the_labelled_notes():
    corpus = shared_path("corpora", "bytecodealliance-meetings")
    result = bench.score(corpus)
    assert result["files"] == 15
    assert result["labelled"] == 42
    assert result["precision"] >= FLOOR["precision"], result["by_file"]
    assert result["recall"] >= FLOOR["recall"], result["by_file"]
