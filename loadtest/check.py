"""After the load: is every write a client was told succeeded in the database?

`python -m loadtest.check SETUP.json RESULTS.json` with the load test's DATABASE_URL; prints JSON.

Meetings: each acknowledged save redirected to /meetings/<pk>/, and that meeting must exist
with the unique title the client gave it.

Matrix edits: each cell has its own version. Every rating claims the version of the cell it was
made from (0 for a cell nobody had rated), and the server moves that cell's version on by exactly
one in the same transaction as the change, so each committed rating owns one step of its cell
from the initial version to the final one. Hence, per cell:
- no two acknowledged edits claimed the same version (else one silently overwrote the other);
- every acknowledged edit's step lies below the final version, and the number of steps is at
  least the number of acknowledged edits and at most that plus the edits whose answer was lost
  (a 503, a cut connection, the end of the run): a step with no client behind it is a phantom;
- the cell shows its newest acknowledged edit (the one with the highest version), unless an
  edit with a lost answer and a higher version may have landed after it;
- no edit refused with 409 (or otherwise refused) is visible anywhere;
- an edit refused with 409 had a rival on the same cell: another edit that claimed the same
  version. A refusal without one was a refusal between different cells, which must not happen.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

LOST_ANSWER = {"unknown", "pending"}


def check_meetings(writes: list[dict[str, Any]], problems: list[str]) -> dict[str, int]:
    from decisions.models import Meeting

    accepted = [w for w in writes if w["outcome"] == "accepted"]
    present = dict(Meeting.objects.filter(pk__in=[w["pk"] for w in accepted]).values_list("pk", "title"))
    missing = [w for w in accepted if present.get(w["pk"]) != w["title"]]
    problems.extend(
        f"meeting “{w['title']}” (/meetings/{w['pk']}/) was acknowledged but is missing" for w in missing
    )
    lost = [w["title"] for w in writes if w["outcome"] in LOST_ANSWER]
    landed = Meeting.objects.filter(title__in=lost).count()
    if broken := [w["title"] for w in writes if w["outcome"] == "no_preview"]:
        problems.append(f"{len(broken)} meeting previews answered without the form to save them")
    refused = [w["title"] for w in writes if w["outcome"] == "rejected"]
    if visible := Meeting.objects.filter(title__in=refused).count():
        problems.append(f"{visible} meeting saves answered as refused were stored anyway")
    return {
        "accepted": len(accepted),
        "missing": len(missing),
        "rejected": len(refused),
        "no_preview": len(broken),
        "answer_lost": len(lost),
        "answer_lost_but_saved": landed,
    }


def check_decision(
    initial: dict[str, Any], writes: list[dict[str, Any]], problems: list[str]
) -> dict[str, Any]:
    from decisions.models import Assessment

    number = initial["number"]
    shown = {
        f"{a.option_id}:{a.criterion_id}": (a.note, a.rating, a.version)
        for a in Assessment.objects.filter(option__decision__number=number)
    }
    by_cell: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in writes:
        by_cell[f"{w['option']}:{w['criterion']}"].append(w)
    totals = Counter()
    for cell, edits in by_cell.items():
        start = initial["cells"].get(cell, 0)
        note, rating, final = shown.get(cell, ("", 0, 0))
        result = _check_cell(f"DR-{number} cell {cell}", edits, start, (note, rating), final, problems)
        totals.update(result)
    notes = {note for note, _, _ in shown.values()}
    refused = [w for w in writes if w["outcome"] in {"refused", "rejected"}]
    if shown_refused := [w["note"] for w in refused if w["note"] in notes]:
        problems.append(f"DR-{number}: refused edits are visible: {shown_refused[:3]}")
    return {
        "accepted": sum(w["outcome"] == "accepted" for w in writes),
        "refused_409": sum(w["outcome"] == "refused" for w in writes),
        "refused_without_rival": totals["refused_without_rival"],
        "answer_lost": totals["answer_lost"],
        "answer_lost_but_saved": totals["answer_lost_but_saved"],
        "missing": totals["missing"],
        "cells": len(by_cell),
    }


def _check_cell(
    where: str,
    edits: list[dict[str, Any]],
    initial: int,
    shown: tuple[str, int],
    final: int,
    problems: list[str],
) -> dict[str, int]:
    accepted = [w for w in edits if w["outcome"] == "accepted"]
    lost = [w for w in edits if w["outcome"] in LOST_ANSWER]
    steps = final - initial
    missing: set[int] = set()  # indexes into accepted
    claims = Counter(w["version"] for w in accepted)
    for i, w in enumerate(accepted):
        if claims[w["version"]] > 1:
            missing.add(i)
            problems.append(f"{where}: two acknowledged edits both claimed version {w['version']}")
        if w["version"] + 1 > final:
            missing.add(i)
            problems.append(f"{where}: edit from version {w['version']} acknowledged, final version {final}")
    if steps < len(accepted):
        problems.append(f"{where}: {len(accepted)} acknowledged edits but only {steps} version steps")
    if steps > len(accepted) + len(lost):
        problems.append(
            f"{where}: {steps} version steps but only {len(accepted)} acknowledged and {len(lost)} unanswered edits"
        )
    if accepted:
        i, newest = max(enumerate(accepted), key=lambda pair: pair[1]["version"])
        later = [u for u in lost if u["version"] > newest["version"] and shown == (u["note"], u["rating"])]
        if shown != (newest["note"], newest["rating"]) and not later:
            missing.add(i)
            problems.append(f"{where} shows {shown!r}, not the acknowledged edit {newest['note']!r}")
    rivals = Counter(w["version"] for w in edits if w["outcome"] == "accepted" or w["outcome"] in LOST_ANSWER)
    alone = [w for w in edits if w["outcome"] == "refused" and not rivals[w["version"]]]
    if alone:
        problems.append(f"{where}: {len(alone)} edits refused with 409 though nobody else saved that cell")
    return {
        "missing": max(len(missing), len(accepted) - steps),
        "answer_lost": len(lost),
        "answer_lost_but_saved": max(0, steps - len(accepted)),  # each saved edit is one version step
        "refused_without_rival": len(alone),
    }


def main(setup_path: Path, results_path: Path) -> dict[str, Any]:
    import django

    django.setup()
    setup = json.loads(setup_path.read_text())
    writes = json.loads(results_path.read_text())["writes"]
    problems: list[str] = []
    meetings = check_meetings([w for w in writes if w["type"] == "meeting"], problems)
    decisions = {
        str(d["number"]): check_decision(
            d, [w for w in writes if w["type"] == "matrix" and w["decision"] == d["number"]], problems
        )
        for d in setup["decisions"]
    }
    refused = [w for w in writes if w["outcome"] == "refused"]
    unclear = sum(not w.get("clear_message") for w in refused)
    between_cells = sum(d["refused_without_rival"] for d in decisions.values())
    if unclear:
        problems.append(f"{unclear} edits refused with 409 did not say why")
    rejected = sum(w["outcome"] == "rejected" for w in writes)
    if rejected:
        statuses = Counter(w.get("status") for w in writes if w["outcome"] == "rejected")
        problems.append(f"{rejected} writes were refused other than with 409: {dict(statuses)}")
    return {
        "accepted": meetings["accepted"] + sum(d["accepted"] for d in decisions.values()),
        "refused_409": len(refused),
        "refused_409_with_message": len(refused) - unclear,
        "refused_between_different_cells": between_cells,
        "missing": meetings["missing"] + sum(d["missing"] for d in decisions.values()),
        "meetings": meetings,
        "matrix": decisions,
        "problems": problems,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rfcs_site.settings")
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
