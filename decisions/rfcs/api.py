"""RFCs for machines: the JSON list and detail under /api/rfcs/, and the RFC list as CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
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
    rfc_ref,
)
from decisions.models import RFC
from decisions.rfcs.forms import RFCFilterForm
from decisions.signoff.api import record_motion


def rfc_summary(request: HttpRequest, rfc: RFC) -> dict:
    """An RFC as the list shows it; authors and areas must be prefetched."""
    return {
        "number": rfc.number,
        "series": rfc.series,
        "label": rfc.label,
        "title": rfc.title,
        "status": rfc.status,
        "status_label": rfc.get_status_display(),
        "authors": [person_data(request, person) for person in rfc.authors.all()],
        "shepherd": person_data(request, rfc.shepherd),
        "areas": areas_data(rfc.areas.all()),
        "created": rfc.created_on,
        "updated": rfc.updated_at,
        "discussion_url": rfc.discussion_url or None,
        **addresses(request, rfc, "rfc-api-detail", *rfc.url_args()),
    }


@api_view
def rfc_list(request: HttpRequest) -> JsonResponse:
    form = checked(RFCFilterForm(request.GET))
    return paginated(request, form.filter(RFC.objects.for_list()), rfc_summary)


@api_view
def rfc_detail(request: HttpRequest, number: int, series: str = "") -> JsonResponse:
    rfcs = (
        RFC.objects.select_related("shepherd", "supersedes")
        .defer("supersedes__body", "supersedes__body_html", "supersedes__toc")
        .prefetch_related("authors", "areas", "aliases")
    )
    label = RFC(series=series, number=number).label
    rfc = get_or_404(rfcs, f"There is no {label}.", series=series, number=number)
    meetings = rfc.meetings.select_related("series").only("date", "title", "series__name")
    data = {
        **rfc_summary(request, rfc),
        "supersedes": rfc_ref(request, rfc.supersedes) if rfc.supersedes else None,
        "superseded_by": [
            rfc_ref(request, r)
            for r in rfc.superseded_by.only("series", "number", "title", "status", "supersedes")
        ],
        "sections": [{"title": h["title"], "anchor": h["id"], "level": h["level"]} for h in rfc.toc],
        "body": rfc.body,
        "body_html": rfc.body_html,
        "body_format": rfc.body_format,
        "metadata": rfc.metadata,
        "aliases": [alias.alias for alias in rfc.aliases.all()],
        "markdown_url": absolute(request, rfc.markdown_url),
        "history_url": absolute(request, rfc.history_url),
        "status_changes": [
            {"from": c.from_status or None, "to": c.to_status, "changed_at": c.changed_at, "note": c.note}
            for c in rfc.status_changes.all()
        ],
        "decisions": [decision_ref(request, d) for d in rfc.decisions.only("number", "title", "status")],
        "meetings": [meeting_ref(request, m) for m in meetings],
        "motion": record_motion(request, rfc, timezone.now()),
    }
    return JsonResponse(data)


@require_safe
def rfc_export_csv(request: HttpRequest) -> HttpResponse:
    """The RFC list as CSV, with the page's filters and sort (bad values ignored, as on the page)."""
    rfcs = RFCFilterForm(request.GET).filter(RFC.objects.for_list())
    header = [
        "number",
        "title",
        "status",
        "authors",
        "shepherd",
        "areas",
        "created",
        "updated",
        "url",
        "series",
    ]
    rows = (
        [
            rfc.number,
            rfc.title,
            rfc.get_status_display(),
            "; ".join(person.name for person in rfc.authors.all()),
            rfc.shepherd.name if rfc.shepherd else "",
            "; ".join(area.name for area in rfc.areas.all()),
            iso(rfc.created_on),
            iso(rfc.updated_at),
            absolute(request, rfc.get_absolute_url()),
            rfc.get_series_display() if rfc.series else "",
        ]
        for rfc in rfcs
    )
    return csv_response("rfcs.csv", header, rows)
