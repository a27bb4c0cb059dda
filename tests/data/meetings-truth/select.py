"""Which corpus notes are in the development set: the rule, as code, so anyone can check the choice.

Rule: every dated notes file of ../shared/corpora/bytecodealliance-meetings/ (READMEs, templates and
undated files left out) is ranked by the SHA-256 of its path. The first of each (series, year) group
is taken, so every series and year is in; then the lowest-ranked of the rest until there are 70
(`dev`). The next 20 by rank are the `check` set: labelled the same way, and not looked at while
the parser was first changed. Once its misses had been read (to lift action-item recall, which
held on `dev` but not on `check`), a third set was labelled before any further parser change: the
next 30 by rank, the `holdout` set, which the person changing the parser never reads. The next 30
(`fresh`) showed that rounds of hand-written rules did not carry over to unseen notes; they became
training data for a learned action-item detector, and the next 40 (`blind`) were labelled before
that detector was built, by people who never ran the parser, to measure it. The next 40
(`sealed`) were labelled the same way before the round of rules that followed, and measured once
after it. The next 40 (`untouched`) were labelled the same way before the round after that.

Run: python tests/data/meetings-truth/select.py [CORPUS]  -> prints `dev PATH` / `check PATH` lines.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

DEV_SIZE = 70
CHECK_SIZE = 20
HOLDOUT_SIZE = 30
FRESH_SIZE = 30
BLIND_SIZE = 40
SEALED_SIZE = 40
UNTOUCHED_SIZE = 40


def group(path: str) -> tuple[str, str]:
    parts = path.split("/")
    year = next((p for p in parts if re.fullmatch(r"20\d\d", p)), "")
    series = parts[0] if re.fullmatch(r"20\d\d", parts[1]) else f"{parts[0]}/{parts[1]}"
    return series, year


def notes(corpus: Path) -> list[str]:
    found = []
    for file in corpus.rglob("*.md"):
        rel = file.relative_to(corpus).as_posix()
        if re.search(r"readme|template", rel, re.I) or not re.search(r"/20\d\d/", "/" + rel):
            continue
        found.append(rel)
    return sorted(found, key=lambda p: hashlib.sha256(p.encode()).hexdigest())


def select(corpus: Path) -> tuple[list[str], list[str]]:
    """The development and check sets (see `select_all` for the holdout set too)."""
    dev, check, _ = select_all(corpus)
    return dev, check


def select_all(corpus: Path) -> tuple[list[str], list[str], list[str]]:
    """The development, check and holdout sets."""
    dev, check, holdout, _ = select_sets(corpus)
    return dev, check, holdout


def select_sets(corpus: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """The development, check, holdout and fresh sets (see `select_named` for every set)."""
    named = select_named(corpus)
    return named["dev"], named["check"], named["holdout"], named["fresh"]


def select_named(corpus: Path) -> dict[str, list[str]]:
    """Every labelled set by name, in the order they were labelled."""
    ranked = notes(corpus)
    dev: list[str] = []
    seen: set[tuple[str, str]] = set()
    for path in ranked:
        if group(path) not in seen:
            seen.add(group(path))
            dev.append(path)
    rest = [p for p in ranked if p not in dev]
    dev += rest[: DEV_SIZE - len(dev)]
    rest = [p for p in ranked if p not in dev]
    check = rest[:CHECK_SIZE]
    holdout = rest[CHECK_SIZE : CHECK_SIZE + HOLDOUT_SIZE]
    fresh = rest[CHECK_SIZE + HOLDOUT_SIZE : CHECK_SIZE + HOLDOUT_SIZE + FRESH_SIZE]
    start = CHECK_SIZE + HOLDOUT_SIZE + FRESH_SIZE
    blind = rest[start : start + BLIND_SIZE]
    start += BLIND_SIZE
    sealed = rest[start : start + SEALED_SIZE]
    start += SEALED_SIZE
    untouched = rest[start : start + UNTOUCHED_SIZE]
    sets = {
        "dev": dev,
        "check": check,
        "holdout": holdout,
        "fresh": fresh,
        "blind": blind,
        "sealed": sealed,
        "untouched": untouched,
    }
    return {name: sorted(paths) for name, paths in sets.items()}


if __name__ == "__main__":
    root = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[4] / "shared/corpora/bytecodealliance-meetings"
    )
    for name, paths in select_named(root).items():
        for path in paths:
            print(name, path)
