"""After the load: is every write a client was told succeeded in the database?

`python -m loadtest.check SETUP.json RESULTS.json` with the load test's DATABASE_URL; prints JSON.

Meetings: each acknowledged save redirected to /meetings/<pk>/, and that meeting must exist
with the unique title the client gave it.

Matrix edits: every edit claims the decision's version it started from, and the server moves the
version on by exactly one in the same transaction as the change (Decision.claim_version), so
each committed edit owns one step from the initial version to the final one. Hence, per decision:
- no two acknowledged edits claimed the same version (else one silently overwrote the other);
- every acknowledged edit's step lies below the final version, and the number of steps is at
  least the number of acknowledged edits and at most that plus the edits whose answer was lost
  (a 503, a cut connection, the end of the run): a step with no client behind it is a phantom;
- each cell shows the newest acknowledged edit of it (the one with the highest version), unless
  an edit with a lost answer and a higher version may have landed after it;
- no edit refused with 409 (or otherwise refused) is visible anywhere.
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
    refused = [w["title"] for w in writes if w["outcome"] == "rejected"]
    if visible := Meeting.objects.filter(title__in=refused).count():
        problems.append(f"{visible} meeting saves answered as refused were stored anyway")
    return {
        "accepted": len(accepted),
        "missing": len(missing),
        "rejected": len(refused),
        "answer_lost": len(lost),
        "answer_lost_but_saved": landed,
    }


def check_decision(
    initial: dict[str, Any], writes: list[dict[str, Any]], problems: list[str]
) -> dict[str, Any]:
    from decisions.models import Assessment, Decision

    number = initial["number"]
    final = Decision.objects.get(number=number).version
    steps = final - initial["version"]
    accepted = [w for w in writes if w["outcome"] == "accepted"]
    lost = [w for w in writes if w["outcome"] in LOST_ANSWER]
    refused = [w for w in writes if w["outcome"] in {"refused", "rejected"}]
    cells = {
        f"{a.option_id}:{a.criterion_id}": (a.note, a.rating)
        for a in Assessment.objects.filter(option__decision__number=number)
    }
    missing: set[int] = set()  # indexes into accepted

    claims = Counter(w["version"] for w in accepted)
    for i, w in enumerate(accepted):
        if claims[w["version"]] > 1:
            missing.add(i)
            problems.append(f"DR-{number}: two acknowledged edits both claimed version {w['version']}")
        if w["version"] + 1 > final:
            missing.add(i)
            problems.append(
                f"DR-{number}: edit from version {w['version']} acknowledged, final version {final}"
            )
    if steps < len(accepted):
        problems.append(f"DR-{number}: {len(accepted)} acknowledged edits but only {steps} version steps")
    if steps > len(accepted) + len(lost):
        problems.append(
            f"DR-{number}: {steps} version steps but only {len(accepted)} acknowledged "
            f"and {len(lost)} unanswered edits"
        )

    newest: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, w in enumerate(accepted):
        cell = f"{w['option']}:{w['criterion']}"
        if cell not in newest or w["version"] > newest[cell][1]["version"]:
            newest[cell] = (i, w)
    lost_by_cell: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in lost:
        lost_by_cell[f"{w['option']}:{w['criterion']}"].append(w)
    for cell, (i, w) in newest.items():
        shown = cells.get(cell)
        if shown == (w["note"], w["rating"]):
            continue
        later = [
            u for u in lost_by_cell[cell] if u["version"] > w["version"] and shown == (u["note"], u["rating"])
        ]
        if later:
            continue
        missing.add(i)
        problems.append(f"DR-{number}: cell {cell} shows {shown!r}, not the acknowledged edit {w['note']!r}")
    notes = {note for note, _ in cells.values()}
    if shown_refused := [w["note"] for w in refused if w["note"] in notes]:
        problems.append(f"DR-{number}: refused edits are visible: {shown_refused[:3]}")
    return {
        "initial_version": initial["version"],
        "final_version": final,
        "accepted": len(accepted),
        "refused_409": sum(w["outcome"] == "refused" for w in writes),
        "answer_lost": len(lost),
        "answer_lost_but_saved": max(0, steps - len(accepted)),  # each saved edit is one version step
        "missing": max(len(missing), len(accepted) - steps),
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
        "missing": meetings["missing"] + sum(d["missing"] for d in decisions.values()),
        "meetings": meetings,
        "matrix": decisions,
        "problems": problems,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rfcs_site.settings")
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
