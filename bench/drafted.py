"""RFCs drafted from decisions for `make bench`: the decision page that lists them, the RFC page
that says where it came from (with a conflict shown, its costliest state) and the drafting form.

Seeded after each step of bench.seed (which stays as it was, so the export digest of its records
is unchanged): every EVERY-th decision without drafted RFCs gets two of the newest RFCs not yet
linked to any: one whose block is as the site wrote it, one whose author edited inside the block
while the matrix changed (a waiting block, shown beside the author's text).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection
from django.db.models import QuerySet

from bench.seed import Row, insert
from decisions.drafted import block
from decisions.drafted.models import DraftedRFC
from decisions.drafted.sync import generated_for
from decisions.models import RFC, Decision
from decisions.records import matrix as matrix_module

EVERY = 2
BENCH_USER = "bench-writer"


def seed_drafted(*, one_by_one: bool = False) -> int:
    """Add the links; return how many RFCs are drafted from a decision.

    The rows are written a table at a time (7 queries a decision took 50 s for the large
    scale's 2,500 on a busy PostgreSQL); `one_by_one` writes them a decision at a time, each
    matrix read as the site reads it (tests/test_bench_drafted.py holds both to the same rows).
    """
    decisions = Decision.objects.filter(drafted_rfcs__isnull=True).order_by("pk")
    chosen = [pk for pk in decisions.values_list("pk", flat=True) if pk % EVERY == 1]
    # The newest free RFCs, read once: each decision takes the next two (asking again per decision
    # took PostgreSQL seconds a time at the large scale, an anti-join over 100,000 RFCs).
    free = iter(
        RFC.objects.filter(series="", drafted_from__isnull=True, motions__isnull=True).order_by("-number")[
            : 2 * len(chosen)
        ]
    )
    bodies: list[tuple[str, int]] = []
    links: list[Row] = []
    for decision, inner in _blocks(decisions.filter(pk__in=chosen), one_by_one):
        rfcs = [rfc for _, rfc in zip(range(2), free, strict=False)]
        for index, rfc in enumerate(rfcs):
            edited = index == 1
            body = block.with_block(rfc.body, decision.number, "Edited by the author." if edited else inner)
            # No rendering: the pages read the stored HTML, and the counts do not depend on it.
            link = Row(
                rfc_id=rfc.pk,
                decision_id=decision.pk,
                generated=block.normalise(inner),
                pending=inner if edited else "",
            )
            if one_by_one:
                RFC.objects.filter(pk=rfc.pk).update(body=body)
                DraftedRFC.objects.create(**vars(link))
            else:
                bodies.append((body, rfc.pk))
                links.append(link)
    if bodies:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {connection.ops.quote_name(RFC._meta.db_table)} SET body = %s WHERE id = %s", bodies
            )
        insert(DraftedRFC, links)
    return DraftedRFC.objects.count()


def _blocks(decisions: QuerySet[Decision], one_by_one: bool) -> Iterator[tuple[Decision, str]]:
    """Each decision with its block's inside, as sync.generated_for() makes it."""
    if one_by_one:
        for decision in decisions:
            yield decision, generated_for(decision)
        return
    # The same matrix as matrix.for_decision() builds, its rows read for 200 decisions at once.
    for chunk in decisions.prefetch_related("criteria", "options__assessments").iterator(chunk_size=200):
        matrix = matrix_module.build(chunk, list(chunk.options.all()), list(chunk.criteria.all()))
        yield chunk, block.generate(matrix, chunk.get_absolute_url())


def bench_writer() -> object:
    """The signed-in account the drafting form is measured for (staff: it may write RFCs)."""
    from django.contrib.auth.models import User

    user = User.objects.filter(username=BENCH_USER).first()
    return user or User.objects.create_superuser(BENCH_USER, "bench@example.org", None)
