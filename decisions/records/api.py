"""Decision records for machines: the JSON list and detail (with the options matrix) under
/api/decisions/, and the decision list as CSV."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Max, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from decisions.api.csv import csv_response, iso
from decisions.api.plumbing import (
    absolute,
    addresses,
    api_view,
    areas_data,
    checked,
    decision_ref,
    get_or_404,
    meeting_ref,
    paginated,
    person_data,
    precedent_ref,
    rfc_ref,
    shared,
)
from decisions.drafted.api import decision_drafted_rfcs
from decisions.models import Area, Decision, DecisionOwner, DecisionStatus, OwnerRole
from decisions.records import matrix, pages, sensitivity
from decisions.records.forms import DecisionFilterForm
from decisions.signoff.api import record_motion


def decision_summary(request: HttpRequest, decision: Decision) -> dict:
    """A decision as the list shows it; needs ownerships, areas and `last_discussed`."""
    return _summary(request, decision, decision.ownerships.all(), decision.areas.all())


def _summary(
    request: HttpRequest, decision: Decision, ownerships: Iterable[DecisionOwner], areas: Iterable[Area]
) -> dict:
    return {
        "number": decision.number,
        "code": decision.code,
        "title": decision.title,
        "status": decision.status,
        "status_label": decision.get_status_display(),
        "owners": [
            {**person_data(request, ownership.person), "role": ownership.role} for ownership in ownerships
        ],
        "areas": areas_data(areas),
        "chosen_option": decision.chosen_option.name if decision.chosen_option else None,
        "decided_on": decision.decided_on,
        "revisit_by": decision.revisit_by,
        "last_discussed": decision.last_discussed,
        "created": decision.created_at,
        "updated": decision.updated_at,
        **addresses(request, decision, "decision-api-detail", decision.number),
    }


def matrix_data(table: matrix.Matrix) -> dict:
    """The options matrix with the same totals and ranks the decision page shows."""
    return {
        "criteria": [
            {"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight}
            for c in table.criteria
        ],
        "options": [
            {
                "id": row.option.pk,
                "name": row.option.name,
                "summary": row.option.summary,
                "chosen": row.chosen,
                "total": row.total,
                "rank": row.rank,
                "why_not": None if row.chosen else (table.why_not(row) or None),
                "assessments": [
                    {
                        "criterion_id": cell.criterion.pk,
                        "criterion": cell.criterion.name,
                        "rating": cell.rating if cell.rated else None,
                        "label": cell.label,
                        "weighted": cell.weighted,
                        "note": cell.note,
                    }
                    for cell in row.cells
                ],
            }
            for row in table.rows
        ],
        "chosen_option": table.chosen.option.name if table.chosen else None,
        "max_total": table.max_total,
        "complete": table.complete,
    }


def _decisions() -> QuerySet[Decision]:
    return (
        Decision.objects.select_related("chosen_option")
        .prefetch_related(
            Prefetch("ownerships", queryset=DecisionOwner.objects.select_related("person")), "areas"
        )
        .annotate(last_discussed=Max("discussions__meeting__date"))
    )


@api_view
@shared
def decision_list(request: HttpRequest) -> JsonResponse:
    form = checked(DecisionFilterForm(request.GET))
    return paginated(request, form.filter(_decisions()).order_by("-number"), decision_summary)


@api_view
def decision_detail(request: HttpRequest, number: int) -> JsonResponse:
    """The record, its matrix, and its links from the loader the page and the export use."""
    decision = get_or_404(
        Decision.objects.select_related("chosen_option", "supersedes"),
        f"There is no decision DR-{number:04d}.",
        number=number,
    )
    links = pages.decision_links([decision.pk]).get(decision.pk, pages.DecisionLinks())
    decision.last_discussed = max((d.meeting.date for d in links.discussions), default=None)
    table = matrix.for_decision(decision)
    data = {
        **_summary(request, decision, links.ownerships, links.areas),
        "context": decision.context,
        "context_html": decision.context_html,
        "rationale_html": decision.rationale_html,
        "consequences_html": decision.consequences_html,
        "matrix": matrix_data(table),
        "supersedes": decision_ref(request, decision.supersedes) if decision.supersedes else None,
        # Newest first, as Decision orders itself; RFCs by number, as the API always listed them.
        "superseded_by": [
            decision_ref(request, d) for d in sorted(links.superseded_by, key=lambda d: -d.number)
        ],
        "related_rfcs": [rfc_ref(request, r) for r in sorted(links.rfcs, key=lambda rfc: rfc.number)],
        "discussed_in": [
            {
                "meeting": meeting_ref(request, d.meeting),
                "topic": d.topic.title if d.topic else None,
                "topic_url": absolute(request, d.topic.get_absolute_url()) if d.topic else None,
            }
            for d in links.discussions
        ],
        "precedents": [{**precedent_ref(request, c.precedent), "note": c.note} for c in links.citations],
        "motion": record_motion(request, decision, timezone.now()),
        "status_changes": [
            {"from": c.from_status or None, "to": c.to_status, "changed_on": c.changed_on, "note": c.note}
            for c in links.status_changes
        ],
        "markdown_url": absolute(request, reverse("decisions:decision-markdown", args=[decision.number])),
        "sensitivity": sensitivity_data(table),
        "drafted_rfcs": decision_drafted_rfcs(request, decision),
    }
    return JsonResponse(data)


def sensitivity_data(table: matrix.Matrix) -> dict | None:
    """How robust the outcome is (decisions.records.sensitivity); None without options or criteria."""
    if not table.rows or not table.criteria:
        return None
    options = [row.option.name for row in table.rows]
    criteria = [criterion.name for criterion in table.criteria]
    return sensitivity.as_data(sensitivity.for_matrix(table), options, criteria)


@require_safe
def decision_export_csv(request: HttpRequest) -> HttpResponse:
    """The decision list as CSV, with the page's filters (bad values ignored, as on the page).

    Two queries of plain values (the decisions with their chosen option and last meeting, their
    owners), streamed: no model instance and no URL reversal per row.
    """
    decisions = DecisionFilterForm(request.GET).filter(Decision.objects.all()).order_by("-number")
    header = [
        "number", "code", "title", "status", "owners", "chosen option", "decided on", "last discussed", "url",
    ]  # fmt: skip
    return csv_response("decisions.csv", header, _decision_rows(request, decisions))


def _decision_rows(request: HttpRequest, decisions: QuerySet[Decision]) -> Iterator[list[object]]:
    owners: dict[int, list[str]] = {}
    roles = {value: str(label).lower() for value, label in OwnerRole.choices}
    ownerships = DecisionOwner.objects.filter(decision__in=decisions.order_by().values("pk"))
    # As the record orders them (DecisionOwner's Meta.ordering).
    for decision_id, name, role in ownerships.order_by("decision_id", "order", "pk").values_list(
        "decision_id", "person__name", "role"
    ):
        owners.setdefault(decision_id, []).append(f"{name} ({roles.get(role, role)})")
    statuses = dict(DecisionStatus.choices)
    sentinel = 987654321
    path = absolute(request, reverse("decisions:decision-detail", args=[sentinel])).replace(
        str(sentinel), "{}"
    )
    columns = ("pk", "number", "title", "status", "chosen_option__name", "decided_on", "last_discussed")
    rows = decisions.annotate(last_discussed=Max("discussions__meeting__date")).values_list(*columns)
    for pk, number, title, status, chosen, decided_on, last_discussed in rows.iterator(chunk_size=2000):
        yield [
            number,
            f"DR-{number:04d}",  # Decision.code
            title,
            statuses.get(status, status),
            "; ".join(owners.get(pk, ())),
            chosen or "",
            iso(decided_on),
            iso(last_discussed),
            path.format(number),
        ]
