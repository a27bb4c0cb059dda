"""How right the decision detector is on real notes: precision and recall against hand labels.

    python -m bench.decided [--set dev|check] [--show] [--corpus DIR]

The labels are tests/data/decisions-in-notes/labels.json (`dev`: the 15 files the detector was
improved on) and check.json (`check`: 11 files it was never tuned on); their README says how the
files were chosen and what is labelled: the line each sentence that records or calls for a decision starts
on). Each file is parsed as `import_meeting` parses it and `find_decisions` run on the result;
every sentence it flags (the suggestion's own and the others it keeps beside it) names a line. A
flagged line that is labelled is a hit, one that is not a false alarm; a labelled line nothing
flagged is a miss; several sentences on one line count once. The table goes to stderr, one JSON
object to the last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "decisions-in-notes" / "labels.json"
SETS = {"dev": LABELS, "check": LABELS.with_name("check.json")}
CORPUS = ROOT.parent / "shared" / "corpora" / "bytecodealliance-meetings"


def flagged_lines(text: str, path: str) -> set[int]:
    """The lines the detector flags in one notes file, read as import_meeting reads it."""
    from decisions.meetings.parsing import parse_meeting
    from decisions.meetings.parsing.decided import find_decisions

    parsed = parse_meeting(text, path=path)
    return {line for suggestion in find_decisions(parsed) for line in suggestion.lines}


def score(corpus: Path = CORPUS, labels_path: Path = LABELS) -> dict[str, Any]:
    """Precision, recall and, per file, the lines missed and flagged wrongly."""
    labels = json.loads(labels_path.read_text(encoding="utf-8"))["files"]
    hits = flagged_total = labelled_total = 0
    files: dict[str, dict[str, list[int]]] = {}
    for path, entries in labels.items():
        truth = {entry["line"] for entry in entries}
        flagged = flagged_lines((corpus / path).read_text(encoding="utf-8"), path)
        hits += len(truth & flagged)
        flagged_total += len(flagged)
        labelled_total += len(truth)
        files[path] = {"missed": sorted(truth - flagged), "wrong": sorted(flagged - truth)}
    return {
        "files": len(labels),
        "labelled": labelled_total,
        "flagged": flagged_total,
        "hits": hits,
        "precision": round(hits / flagged_total, 3) if flagged_total else 1.0,
        "recall": round(hits / labelled_total, 3) if labelled_total else 1.0,
        "by_file": files,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--set", choices=sorted(SETS), default="dev", help="which labels (default: dev)")
    parser.add_argument("--show", action="store_true", help="list each file's missed and wrong lines")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus} is not here: the measure needs ../shared/", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rfcs_site.settings")
    import django

    django.setup()
    result = score(args.corpus, SETS[args.set])
    print(
        f"{'files':>8} {'labelled':>9} {'flagged':>8} {'hits':>5} {'precision':>10} {'recall':>7}",
        file=sys.stderr,
    )
    print(
        f"{result['files']:>8} {result['labelled']:>9} {result['flagged']:>8} {result['hits']:>5} "
        f"{result['precision']:>10.3f} {result['recall']:>7.3f}",
        file=sys.stderr,
    )
    if args.show:
        for path, lines in result["by_file"].items():
            if lines["missed"] or lines["wrong"]:
                print(f"{path}: missed {lines['missed']} wrong {lines['wrong']}", file=sys.stderr)
    print(json.dumps({"set": args.set, **{k: v for k, v in result.items() if k != "by_file"}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
