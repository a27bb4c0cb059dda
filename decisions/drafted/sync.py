"""Keeping an RFC's generated block in step with the decision it was drafted from.

When it runs: every change to a decision record writes a DecisionRevision in the change's
transaction (decisions.records.history). A receiver of that save (connected in apps.ready())
asks for `sync_decision()` once the transaction commits (`on_commit`): the RFCs are rewritten
only after the change they follow is really saved, each in its own short transaction, with its
Markdown rendered before the transaction opens (the rule for SQLite's IMMEDIATE transactions),
and a failed rewrite cannot undo the person's change. It runs in the request, so whoever just
changed a rating sees the RFC updated at once; `manage.py sync_drafted_rfcs` runs it again for
every drafted RFC (after a crash between the commit and the rewrite, or an import that wrote
no revision).

It is idempotent: the block is generated from the decision as it is now and compared with what
the RFC says, so running it twice, or for a change that does not touch the block, writes nothing.
What it does per RFC:

- the RFC already says it: nothing (and a pending block is dropped);
- the RFC says what the site last wrote: the block's inside is replaced (nothing outside the
  markers changes), as a new RFC revision with no author, its message naming the decision;
- the author changed the text between the markers, removed a marker, the RFC's place of record
  is a repository (decisions.sources.readonly), or the new text would pass the size limit of a
  document: nothing is written; the new block is kept as `pending`, and the RFC page shows it
  (beside the author's version) and says why.

A rewrite claims the RFC's version first: if the author saved in between, it reads the RFC
again and decides again, so an edit is never overwritten.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from decisions import markdown
from decisions.drafted import block
from decisions.drafted.models import DraftedRFC
from decisions.markdown.fields import prerender
from decisions.models import RFC, Decision, DecisionRevision
from decisions.records import matrix as matrix_module
from decisions.sources.links import record_home
from decisions.sources.models import RecordKind

logger = logging.getLogger(__name__)
ATTEMPTS = 3


class Outcome(StrEnum):
    IN_SYNC = "in sync"
    REWRITTEN = "rewritten"
    EDITED = "kept: the author edited the block"
    MISSING = "kept: the block's markers are gone"
    HELD = "kept: the RFC lives in a repository"
    TOO_LARGE = "kept: the RFC would grow past the size limit"
    BUSY = "kept: the RFC kept changing"


def generated_for(decision: Decision) -> str:
    """The block's inside for the decision as it is in the database now (three queries)."""
    return block.generate(matrix_module.for_decision(decision), decision.get_absolute_url())


def sync_decision(decision_id: int, *, write: bool = True) -> dict[int, Outcome]:
    """Bring every RFC drafted from the decision in step; {rfc id: what happened}. Without
    `write`, what would happen, and nothing is written."""
    links = list(DraftedRFC.objects.filter(decision_id=decision_id).select_related("decision"))
    if not links:
        return {}
    inner = generated_for(links[0].decision)
    return {link.rfc_id: sync_one(link, inner, write=write) for link in links}


def _keep(link: DraftedRFC, write: bool = True, **values: Any) -> None:
    """Store what the site knows now, when it differs from the row as read."""
    if not write:
        return
    changed = {name: value for name, value in values.items() if getattr(link, name) != value}
    if changed:
        DraftedRFC.objects.filter(pk=link.pk).update(**changed)
        for name, value in changed.items():
            setattr(link, name, value)


def sync_one(link: DraftedRFC, inner: str, *, write: bool = True) -> Outcome:
    """Bring one RFC in step with `inner`, the decision's block now (or, without `write`, say what
    that would do)."""
    for _ in range(ATTEMPTS):
        rfc = RFC.objects.get(pk=link.rfc_id)
        found = block.find(rfc.body)
        if found is not None and block.same(found.inner, inner):
            _keep(link, write, generated=block.normalise(inner), pending="")
            return Outcome.IN_SYNC
        home = record_home(RecordKind.RFC, rfc.pk)
        if home is not None and home.read_only:
            _keep(link, write, pending=inner)
            return Outcome.HELD
        if found is None or not block.same(found.inner, link.generated):
            _keep(link, write, pending=inner)
            return Outcome.MISSING if found is None else Outcome.EDITED
        body = block.replace(rfc.body, found, inner)
        try:
            markdown.check_size(body)
        except markdown.MarkdownTooLarge:
            _keep(link, write, pending=inner)
            return Outcome.TOO_LARGE
        if not write:
            return Outcome.REWRITTEN
        rfc.body = body
        prerender(rfc)
        with transaction.atomic():
            if not rfc.claim_version(rfc.version):
                continue  # the author (or sign-off) saved in between: read it again, decide again
            rfc.record_change(message=rewrite_message(link.decision))
            _keep(link, generated=block.normalise(inner), pending="", synced_at=timezone.now())
        return Outcome.REWRITTEN
    return Outcome.BUSY


def rewrite_message(decision: Decision) -> str:
    return f"Rationale and alternatives regenerated from DR-{decision.number:04d}, whose matrix changed"


def use_decisions_block(link: DraftedRFC, version: int, user: Any) -> bool:
    """The author's choice on a conflict: replace the text between the markers with the
    decision's block (their text stays in the RFC's history). False when the RFC changed since
    the page was read (`version`) or the markers are gone."""
    inner = generated_for(link.decision)
    rfc = RFC.objects.get(pk=link.rfc_id)
    found = block.find(rfc.body)
    if found is None or rfc.version != version:
        return False
    rfc.body = block.replace(rfc.body, found, inner)
    try:
        prerender(rfc)
    except markdown.MarkdownTooLarge:
        return False
    with transaction.atomic():
        if not rfc.claim_version(version):
            return False
        rfc.record_change(
            user=user, message=f"Replaced the edited block with DR-{link.decision.number:04d}'s"
        )
        _keep(link, generated=block.normalise(inner), pending="", synced_at=timezone.now())
    return True


def after_revision(
    sender: type, instance: DecisionRevision, created: bool, raw: bool = False, **_: Any
) -> None:
    """A decision changed: sync its drafted RFCs once the change commits (see the module's docstring)."""
    if not created or raw:
        return
    # One sync per decision and commit, however many revisions the transaction wrote: a callback
    # already waiting (dropped by Django if the transaction rolls back) covers this one too.
    connection = transaction.get_connection()
    waiting = [func for _, func, *_ in connection.run_on_commit]
    if any(getattr(func, "keywords", {}).get("decision_id") == instance.decision_id for func in waiting):
        return
    transaction.on_commit(partial(_sync_logged, decision_id=instance.decision_id), robust=True)


def _sync_logged(decision_id: int) -> None:
    outcomes = sync_decision(decision_id)
    for rfc_id, outcome in outcomes.items():
        if outcome is not Outcome.IN_SYNC:
            logger.info("RFC %s drafted from decision %s: %s", rfc_id, decision_id, outcome)


def connect() -> None:
    from django.db.models.signals import post_save

    post_save.connect(after_revision, sender=DecisionRevision, dispatch_uid="decisions.drafted.sync")
