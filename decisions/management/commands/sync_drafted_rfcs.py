"""manage.py sync_drafted_rfcs: bring every RFC drafted from a decision in step with its matrix.

The site does this itself after each change to a decision (decisions.drafted.sync); this command
runs the same idempotent sync for every drafted RFC, for a change that left no revision (an
import) or a server that stopped between a change and the rewrite. Safe to run at any time.
"""

from __future__ import annotations

from typing import Any

from decisions.drafted.models import DraftedRFC
from decisions.drafted.sync import Outcome, sync_decision
from decisions.management.base import SiteCommand
from decisions.models import RFC


class Command(SiteCommand):
    help = "Rewrite the generated block of every RFC drafted from a decision whose matrix changed."
    dry_run = True
    dry_run_help = "say what would be rewritten, write nothing"

    def run(self, options: dict[str, Any]) -> dict[int, Outcome]:
        outcomes: dict[int, Outcome] = {}
        for decision_id in (
            DraftedRFC.objects.order_by("decision_id").values_list("decision_id", flat=True).distinct()
        ):
            outcomes |= sync_decision(decision_id, write=not options["dry_run"])
        return outcomes

    def _labels(self, outcomes: dict[int, Outcome]) -> dict[int, str]:
        return {rfc.pk: rfc.label for rfc in RFC.objects.filter(pk__in=outcomes).only("series", "number")}

    def as_json(self, result: dict[int, Outcome], options: dict[str, Any]) -> Any:
        labels = self._labels(result)
        return {
            "dry_run": options["dry_run"],
            "rfcs": [{"rfc": labels[pk], "outcome": str(outcome)} for pk, outcome in sorted(result.items())],
        }

    def summary(self, result: dict[int, Outcome], options: dict[str, Any]) -> None:
        labels = self._labels(result)
        for pk, outcome in sorted(result.items()):
            self.stdout.write(f"{labels[pk]}: {outcome}")
        rewritten = sum(outcome is Outcome.REWRITTEN for outcome in result.values())
        done = "would be rewritten" if options["dry_run"] else "rewritten"
        self.stdout.write(f"{len(result)} drafted RFC(s), {rewritten} {done}.")
