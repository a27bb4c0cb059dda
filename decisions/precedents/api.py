"""Precedents for machines: the JSON list and detail under /api/precedents/."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, JsonResponse

from decisions.api.plumbing import addresses, api_view, checked, decision_ref, get_or_404, paginated
from decisions.models import Precedent
from decisions.precedents.forms import PrecedentFilterForm


def precedent_summary(request: HttpRequest, precedent: Precedent) -> dict:
    """A precedent; its own `url` field is the external page, so it is `external_url` here."""
    return {
        "id": precedent.pk,
        "title": precedent.title,
        "slug": precedent.slug,
        "organization": precedent.organization,
        "kind": precedent.kind,
        "kind_label": precedent.get_kind_display(),
        "date": precedent.date,
        "external_url": precedent.url,
        "citation_count": precedent.citation_count,
        **addresses(request, precedent, "precedent-api-detail", precedent.pk),
    }


@api_view
def precedent_list(request: HttpRequest) -> JsonResponse:
    kind = checked(PrecedentFilterForm(request.GET)).cleaned_data["kind"]
    precedents = Precedent.objects.annotate(citation_count=Count("citations")).order_by(
        "-date", "title", "pk"
    )
    if kind:
        precedents = precedents.filter(kind=kind)
    return paginated(request, precedents, precedent_summary)


@api_view
def precedent_detail(request: HttpRequest, pk: int) -> JsonResponse:
    precedents = Precedent.objects.annotate(citation_count=Count("citations"))
    precedent = get_or_404(precedents, f"There is no precedent {pk}.", pk=pk)
    citations = precedent.citations.select_related("decision").order_by("decision__number")
    data = {
        **precedent_summary(request, precedent),
        "summary": precedent.summary,
        "summary_html": precedent.summary_html,
        "lessons": precedent.lessons,
        "lessons_html": precedent.lessons_html,
        "cited_by": [{**decision_ref(request, c.decision), "note": c.note} for c in citations],
    }
    return JsonResponse(data)
