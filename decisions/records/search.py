"""A decision record as the search index stores it: question and context, then options and reasons.

Its options are part of its text: saving or deleting one rewrites the decision's entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone

from decisions.records.models import Decision, Option
from decisions.search import text
from decisions.search.documents import Document, Part, Searchable
from decisions.search.models import SearchKind


def decision_document(decision: Decision, options: Iterable[tuple[str, str, str]]) -> Document:
    """The question and its context, then the options, rationale and consequences."""
    considered = [
        text.join(name, text.plain(summary_html), why_not) for name, summary_html, why_not in options
    ]
    decided = decision.decided_on
    if decided is None and decision.created_at:
        decided = timezone.localdate(decision.created_at)
    return Document(
        SearchKind.DECISION,
        decision.pk,
        f"{decision.code}: {decision.title}",
        text.plain(text.rendered(decision, "context")),
        text.join(
            *considered,
            text.plain(text.rendered(decision, "rationale")),
            text.plain(text.rendered(decision, "consequences")),
        ),
        decision.get_absolute_url(),
        decided,
    )


def _document(decision: Decision, using: str | None) -> Document:
    options = Option.objects.using(using).filter(decision=decision).order_by("order", "pk")
    return decision_document(decision, options.values_list("name", "summary_html", "why_not"))


def _everything(using: str | None) -> QuerySet:
    options = Prefetch("options", queryset=Option.objects.order_by("order", "pk"))
    return Decision.objects.using(using).order_by("pk").prefetch_related(options)


def _build(decision: Decision) -> Document:
    return decision_document(decision, [(o.name, o.summary_html, o.why_not) for o in decision.options.all()])


def _decision_of(option: Model, using: str | None) -> Decision | None:
    return Decision.objects.using(using).filter(pk=option.decision_id).first()


SEARCHABLE = Searchable(
    kind=SearchKind.DECISION,
    model=Decision,
    reads=frozenset(
        {
            "number",
            "title",
            "context",
            "context_html",
            "rationale",
            "rationale_html",
            "consequences",
            "consequences_html",
            "decided_on",
        }
    ),
    document=_document,
    everything=_everything,
    build=_build,
    parts=(
        Part(
            model=Option,
            reads=frozenset(
                {"name", "summary", "summary_html", "why_not", "order", "decision", "decision_id"}
            ),
            record=_decision_of,
            group=lambda option: option.decision_id,
        ),
    ),
)
