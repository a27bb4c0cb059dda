"""How right the meeting notes parser is on real notes: precision and recall against hand labels.

    python -m bench.notes [--set dev|check|holdout|fresh|blind|sealed|untouched|all|agreement] [--json] [--show FILE]
        [--corpus DIR]

The labels are tests/data/meetings-truth/{dev,check,...,untouched}/PATH.yaml (their README says how files were
chosen and how they were labelled); the notes are ../shared/corpora/bytecodealliance-meetings/PATH.
Each file is read as `import_meeting --dry-run --json` reads it (what would be saved with no
correction), then compared with its labels one to one, as the README's "How the measure counts"
says. The table goes to stderr, one JSON object to the last line of stdout; `--show FILE` prints
the misses and the extras of one file, for the person improving the parser. `--set agreement`
scores a second person's labels of files already labelled (`second/PATH.yaml`) against the first
labels, beside the parser on the same files: how much two labellers agree.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRUTH = Path(os.environ.get("NOTES_TRUTH") or ROOT / "tests" / "data" / "meetings-truth")
CORPUS = ROOT.parent / "shared" / "corpora" / "bytecodealliance-meetings"
KINDS = ("topics", "speakers", "action_items", "links")
# Also measured: the action items with the ones the parser only suggests (the preview offers them
# to accept with one click; nothing is saved of them without that click).
OFFERED = "offered_action_items"
MEASURED = (*KINDS, OFFERED)


# --- how two things count as the same -------------------------------------------------------


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [words](url) -> words
    text = re.sub(r"[`*_~\[\]()<>\"'’“”:;,.!?#|]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def same_topic(found: str, truth: str) -> bool:
    a, b = _plain(found), _plain(truth)
    if not a or not b:
        return False
    if a == b or SequenceMatcher(None, a, b).ratio() >= 0.8:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter.split()) >= 3 and shorter in longer


def _name(text: str) -> str:
    return re.sub(r"\s+", " ", _plain(text).lstrip("@")).strip()


def _truth_names(entry: Any) -> tuple[str, list[str]]:
    if isinstance(entry, dict):
        return str(entry["name"]), [str(a) for a in entry.get("aliases") or []]
    return str(entry), []


def same_person(found: str | None, truth: Any) -> bool:
    """A found name against a labelled one (a string, or a name with aliases)."""
    if found is None or truth is None:
        return found is None and truth is None
    name, aliases = _truth_names(truth)
    keys = {_name(n) for n in [name, *aliases]} - {""}
    got = _name(found)
    if not got:
        return False
    if got in keys:
        return True
    # "Till" for "Till Schneidereit", and the other way round.
    for key in keys:
        a, b = got.split(), key.split()
        if (len(a) == 1 and a[0] == b[0]) or (len(b) == 1 and b[0] == a[0]):
            return True
    return False


_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "will",
        "is",
        "be",
        "it",
        "this",
        "that",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in _plain(text).split() if w not in _STOP} or set(_plain(text).split())


def same_text(found: str, truth: str) -> bool:
    a, b = _words(found), _words(truth)
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= 0.5 and len(a & b) / max(len(a), len(b)) >= 0.3


def same_action(found: dict[str, Any], truth: dict[str, Any], truth_speakers: list[Any]) -> bool:
    if bool(found.get("done")) != bool(truth.get("done")):
        return False
    owner, expected = found.get("owner"), truth.get("owner")
    if (owner is None) != (expected is None):
        return False
    # The label writes the owner as the notes do; the parser may have given the attendee's full
    # name that the same notes tie to a speaker label ("Till" -> "Till Schneidereit").
    if (
        owner is not None
        and not same_person(owner, expected)
        and not any(same_person(owner, s) and same_person(expected, s) for s in truth_speakers)
    ):
        return False
    return same_text(str(found.get("text", "")), str(truth.get("text", "")))


def _url(url: str) -> str:
    return url.strip().rstrip("/")


def same_link(found: str, truth: str) -> bool:
    return _url(found) == _url(truth)


# --- counting -------------------------------------------------------------------------------


@dataclass
class Tally:
    matched: int = 0
    found: int = 0
    labelled: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labelled if self.labelled else 1.0

    def add(self, other: Tally) -> None:
        self.matched += other.matched
        self.found += other.found
        self.labelled += other.labelled


@dataclass
class Comparison:
    tally: Tally
    missed: list[Any] = field(default_factory=list)
    extra: list[Any] = field(default_factory=list)


def match(found: list[Any], truth: list[Any], same: Callable[[Any, Any], bool]) -> Comparison:
    """One-to-one, in order: each labelled thing takes the first unmatched found thing like it."""
    taken: set[int] = set()
    missed = []
    for expected in truth:
        hit = next((i for i, got in enumerate(found) if i not in taken and same(got, expected)), None)
        if hit is None:
            missed.append(expected)
        else:
            taken.add(hit)
    extra = [got for i, got in enumerate(found) if i not in taken]
    return Comparison(Tally(len(taken), len(found), len(truth)), missed, extra)


def compare(report: dict[str, Any], truth: dict[str, Any]) -> dict[str, Comparison]:
    """The parser's report for one file (import_meeting's JSON) against its labels."""
    speakers = list(truth.get("speakers") or [])
    return {
        "topics": match([t["title"] for t in report["topics"]], list(truth.get("topics") or []), same_topic),
        "speakers": match(list(report["speakers"]), speakers, same_person),
        "action_items": match(
            list(report["action_items"]),
            list(truth.get("action_items") or []),
            lambda got, expected: same_action(got, expected, speakers),
        ),
        "links": match([link["url"] for link in report["links"]], list(truth.get("links") or []), same_link),
        OFFERED: match(
            [*report["action_items"], *report.get("suggested_action_items", [])],
            list(truth.get("action_items") or []),
            lambda got, expected: same_action(got, expected, speakers),
        ),
    }


# --- running --------------------------------------------------------------------------------


def truth_files(which: str) -> list[Path]:
    sets = list(LABELLED_SETS) if which == "all" else [which]
    return sorted(p for s in sets for p in (TRUTH / s).rglob("*.yaml"))


def load_truth(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "file" not in data:
        raise ValueError(f"{path}: a truth file needs `file:` and the four lists")
    return data


def report_for(notes: Path, corpus: Path) -> dict[str, Any]:
    """What `import_meeting --dry-run --json` prints for the file (read_file is that command's reader)."""
    from decisions.meetings.importing import ImportProblem, read_file

    try:
        return read_file(notes, root=corpus).as_json()
    except ImportProblem as problem:
        # A file with no date in it or in its name (`sig-registry-valencia.md`): the person
        # importing it passes --date; the folder's year stands in for it, and the parse is the same.
        year = re.search(r"/(20\d\d)/", "/" + notes.relative_to(corpus).as_posix())
        if "no date" not in str(problem) or year is None:
            raise
        return read_file(notes, root=corpus, date=datetime.date(int(year[1]), 1, 1)).as_json()


def measure(
    which: str = "dev", corpus: Path = CORPUS
) -> tuple[dict[str, Tally], dict[str, dict[str, Comparison]]]:
    """Tallies per kind over the set, and each file's comparison."""
    totals = {kind: Tally() for kind in MEASURED}
    per_file: dict[str, dict[str, Comparison]] = {}
    for path in truth_files(which):
        truth = load_truth(path)
        result = compare(report_for(corpus / truth["file"], corpus), truth)
        per_file[truth["file"]] = result
        for kind in MEASURED:
            totals[kind].add(result[kind].tally)
    return totals, per_file


# A second person's independent labels of some already-labelled files: how far two careful
# labellers agree is the most a parser can be expected to agree with either.
SECOND = "second"
LABELLED_SETS = ("dev", "check", "holdout", "fresh", "blind", "sealed", "untouched")


def label_report(label: dict[str, Any]) -> dict[str, Any]:
    """Labels in the shape of the parser's report, so a labeller is scored as the parser is."""
    return {
        "topics": [{"title": str(t)} for t in label.get("topics") or []],
        "speakers": [_truth_names(s)[0] for s in label.get("speakers") or []],
        "action_items": list(label.get("action_items") or []),
        "links": [{"url": str(u)} for u in label.get("links") or []],
    }


def first_labels(second: Path) -> Path:
    """The first labels of the file a second labeller labelled again."""
    relative = second.relative_to(TRUTH / SECOND)
    for name in LABELLED_SETS:
        if (TRUTH / name / relative).is_file():
            return TRUTH / name / relative
    raise ValueError(f"{second}: no set holds a first labelling of this file")


def agreement(
    corpus: Path = CORPUS,
) -> tuple[dict[str, Tally], dict[str, Tally], int]:
    """The second labeller and the parser, each scored against the first labels of the same files."""
    people = {kind: Tally() for kind in KINDS}
    parser = {kind: Tally() for kind in MEASURED}
    files = sorted((TRUTH / SECOND).rglob("*.yaml"))
    for path in files:
        truth = load_truth(first_labels(path))
        by_person = compare(label_report(load_truth(path)), truth)
        by_parser = compare(report_for(corpus / truth["file"], corpus), truth)
        for kind in KINDS:
            people[kind].add(by_person[kind].tally)
        for kind in MEASURED:
            parser[kind].add(by_parser[kind].tally)
    return people, parser, len(files)


def as_json(which: str, totals: dict[str, Tally], files: int) -> dict[str, Any]:
    return {
        "set": which,
        "files": files,
        **{
            kind: {
                "precision": round(t.precision, 3),
                "recall": round(t.recall, 3),
                "matched": t.matched,
                "found": t.found,
                "labelled": t.labelled,
            }
            for kind, t in totals.items()
        },
    }


def _table(which: str, totals: dict[str, Tally], files: int, who: str = "notes parser") -> Iterable[str]:
    yield f"{who} on the {which} set ({files} files)"
    yield f"{'':14} {'precision':>9} {'recall':>7} {'matched':>8} {'found':>6} {'labelled':>9}"
    for kind, t in totals.items():
        if kind == OFFERED:  # what a person accepting every suggestion in the preview would save
            kind = "+ suggested"
        yield f"{kind:14} {t.precision:9.2f} {t.recall:7.2f} {t.matched:8} {t.found:6} {t.labelled:9}"


def _show(name: str, comparison: dict[str, Comparison]) -> Iterable[str]:
    yield f"== {name}"
    for kind in KINDS:
        c = comparison[kind]
        for item in c.missed:
            yield f"  missed {kind}: {item}"
        for item in c.extra:
            yield f"  extra  {kind}: {item}"


def _setup_django() -> None:
    # The parser writes nothing: the site's own settings do, with whatever database is configured.
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rfcs_site.settings")
    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="dev", choices=[*LABELLED_SETS, "all", "agreement"])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true", help="only the JSON line")
    parser.add_argument(
        "--show", action="append", default=[], help="print one file's misses ('all': every file)"
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"bench.notes: no corpus at {args.corpus} (it is ../shared/corpora/...)", file=sys.stderr)
        return 2
    _setup_django()
    if args.set == "agreement":
        people, parser_totals, files = agreement(args.corpus)
        if not args.json:
            for line in _table("second labeller's", people, files, who="a second labeller against the first"):
                print(line, file=sys.stderr)
            for line in _table("same", parser_totals, files, who="the parser against the first labeller"):
                print(line, file=sys.stderr)
        print(
            json.dumps(
                {"labellers": as_json(SECOND, people, files), "parser": as_json(SECOND, parser_totals, files)}
            )
        )
        return 0
    totals, per_file = measure(args.set, args.corpus)
    if not args.json:
        for line in _table(args.set, totals, len(per_file)):
            print(line, file=sys.stderr)
        for name, comparison in per_file.items():
            if "all" in args.show or any(s in name for s in args.show):
                for line in _show(name, comparison):
                    print(line, file=sys.stderr)
    print(json.dumps(as_json(args.set, totals, len(per_file))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
