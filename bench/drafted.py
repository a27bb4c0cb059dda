"""RFCs drafted from decisions for `make bench`: the decision page that lists them, the RFC page
that says where it came from (with a conflict shown, its costliest state) and the drafting form.

Seeded after each step of bench.seed (which stays as it was, so the export digest of its records
is unchanged): every EVERY-th decision without drafted RFCs gets two of the newest RFCs not yet
linked to any: one whose block is as the site wrote it, one whose author edited inside the block
while the matrix changed (a waiting block, shown beside the author's text).
"""

from __future__ import annotations

from decisions.drafted import block
from decisions.drafted.models import DraftedRFC
from decisions.drafted.sync import generated_for
from decisions.models import RFC, Decision

EVERY = 2
BENCH_USER = "bench-writer"


def seed_drafted() -> int:
    """Add the links; return how many RFCs are drafted from a decision."""
    decisions = Decision.objects.filter(drafted_rfcs__isnull=True).order_by("pk")
    chosen = [pk for pk in decisions.values_list("pk", flat=True) if pk % EVERY == 1]
    # The newest free RFCs, read once: each decision takes the next two (asking again per decision
    # took PostgreSQL seconds a time at the large scale, an anti-join over 100,000 RFCs).
    free = iter(
        RFC.objects.filter(series="", drafted_from__isnull=True, motions__isnull=True).order_by("-number")[
            : 2 * len(chosen)
        ]
    )
    for decision in decisions.filter(pk__in=chosen):
        inner = generated_for(decision)
        rfcs = [rfc for _, rfc in zip(range(2), free, strict=False)]
        for index, rfc in enumerate(rfcs):
            edited = index == 1
            body = block.with_block(rfc.body, decision.number, "Edited by the author." if edited else inner)
            # No rendering: the pages read the stored HTML, and the counts do not depend on it.
            RFC.objects.filter(pk=rfc.pk).update(body=body)
            DraftedRFC.objects.create(
                rfc=rfc, decision=decision, generated=block.normalise(inner), pending=inner if edited else ""
            )
    return DraftedRFC.objects.count()


def bench_writer() -> object:
    """The signed-in account the drafting form is measured for (staff: it may write RFCs)."""
    from django.contrib.auth.models import User

    user = User.objects.filter(username=BENCH_USER).first()
    return user or User.objects.create_superuser(BENCH_USER, "bench@example.org", None)
