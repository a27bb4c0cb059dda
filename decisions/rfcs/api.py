"""RFCs for machines: the JSON list and detail under /api/rfcs/, and the RFC list as CSV."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
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
    rfc_ref,
    shared,
)
from decisions.drafted.api import rfc_drafted_from
from decisions.models import RFC, RFCStatus
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
@shared
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
        "drafted_from": rfc_drafted_from(request, rfc),
    }
    return JsonResponse(data)


@require_safe
def rfc_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The RFC list as CSV, with the page's filters and sort (bad values ignored, as on the page).

    Three queries of plain values (the RFCs, their authors, their areas), streamed: no model
    instance and no URL reversal per row.
    """
    rfcs = RFCFilterForm(request.GET).filter(RFC.objects.all())
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
    return csv_response("rfcs.csv", header, _rfc_rows(request, rfcs))


def _rfc_rows(request: HttpRequest, rfcs: QuerySet[RFC]) -> Iterator[list[object]]:
    chosen = rfcs.values("pk")
    authors = _names_by_rfc(RFC.authors.through.objects.filter(rfc__in=chosen), "person")
    areas = _names_by_rfc(RFC.areas.through.objects.filter(rfc__in=chosen), "area")
    statuses = dict(RFCStatus.choices)
    series_names = dict(RFC._meta.get_field("series").choices)
    site = request.build_absolute_uri("/")[:-1]
    paths: dict[str, str] = {}  # series -> the detail URL with {} for the number, reversed once

    def url(series: str, number: int) -> str:
        if series not in paths:
            sentinel = 987654321
            args = [series, sentinel] if series else [sentinel]
            paths[series] = site + reverse("decisions:rfc-detail", args=args).replace(str(sentinel), "{}")
        return paths[series].format(number)

    columns = ("pk", "number", "title", "status", "shepherd__name", "created_on", "updated_at", "series")
    for pk, number, title, status, shepherd, created, updated, series in rfcs.values_list(*columns).iterator(
        chunk_size=2000
    ):
        yield [
            number,
            title,
            statuses.get(status, status),
            authors.get(pk, ""),
            shepherd or "",
            areas.get(pk, ""),
            iso(created),
            iso(updated),
            url(series, number),
            series_names.get(series, series) if series else "",
        ]


def _names_by_rfc(links: QuerySet, to: str) -> dict[int, str]:
    """RFC id -> the linked names in the order the page shows them, joined by "; "."""
    names: dict[int, list[str]] = {}
    for rfc_id, name in links.order_by("rfc_id", f"{to}__name", f"{to}_id").values_list(
        "rfc_id", f"{to}__name"
    ):
        names.setdefault(rfc_id, []).append(name)
    return {rfc_id: "; ".join(group) for rfc_id, group in names.items()}
