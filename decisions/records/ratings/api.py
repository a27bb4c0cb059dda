"""Independent ratings for machines: /api/decisions/<n>/ratings/ (JSON) and
/decisions/<n>/ratings.csv, each showing exactly what the page shows the same account: a sheet
the caller may not see yet has `"ratings": null` in the JSON and no rows in the CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from decisions.api.csv import csv_response, iso
from decisions.api.plumbing import absolute, api_view, decision_ref
from decisions.records.ratings.compare import DISAGREEMENT_SPREAD
from decisions.records.ratings.state import RatingsView, load


def _sheets(view: RatingsView) -> list[dict]:
    names = {row.option.pk: row.option.name for row in view.matrix.rows}
    criteria = {criterion.pk: criterion.name for criterion in view.matrix.criteria}
    sheets = []
    for rater in view.raters:
        sheet = rater.sheet
        shown = sheet is not None and sheet.pk in view.visible
        cells = view.ratings.get(sheet.pk, {}) if shown else {}
        sheets.append(
            {
                "person": rater.person.name,
                "state": rater.state,
                "submitted_at": sheet.submitted_at if sheet else None,
                "revised_at": sheet.revised_at if sheet else None,
                "ratings": [
                    {
                        "option": names[o],
                        "criterion": criteria[c],
                        "rating": cell.rating,
                        "submitted_rating": cell.submitted_rating,
                    }
                    for (o, c), cell in cells.items()
                ]
                if shown
                else None,
            }
        )
    return sheets


@api_view
def decision_ratings_api(request: HttpRequest, number: int) -> JsonResponse:
    view = load(number, request.user)
    comparison = view.comparison
    data = {
        **decision_ref(request, view.decision),
        "revealed": view.revealed,
        "revealed_at": view.round.revealed_at if view.round else None,
        "disagreement_spread": DISAGREEMENT_SPREAD,
        "sheets": _sheets(view),
        "consensus": None,
    }
    if comparison is not None:
        data["consensus"] = {
            "voters": comparison.voters,
            "rows": [
                {
                    "option": row.option.name,
                    "weighted_total": row.total2 / 2,
                    "recorded_total": row.recorded_total,
                    "cells": [
                        {
                            "criterion": cell.criterion.name,
                            "median": cell.median2 / 2 if cell.median2 is not None else None,
                            "low": cell.low,
                            "high": cell.high,
                            "recorded": cell.recorded,
                            "farthest": [vote.person.name for vote in cell.farthest],
                            "discussion_point": cell.disputed,
                        }
                        for cell in row.cells
                    ],
                }
                for row in comparison.rows
            ],
        }
    data["page_url"] = absolute(request, f"{view.decision.get_absolute_url()}ratings/")
    return JsonResponse(data)


@require_safe
def decision_ratings_csv(request: HttpRequest, number: int) -> HttpResponse:
    """One row per visible rated cell: who, option, criterion, rating, as submitted, submitted on."""
    view = load(number, request.user)
    header = ["person", "option", "criterion", "rating", "submitted rating", "submitted at"]
    rows = [
        [s["person"], r["option"], r["criterion"], r["rating"], r["submitted_rating"], iso(s["submitted_at"])]
        for s in _sheets(view)
        for r in s["ratings"] or []
    ]
    return csv_response(f"{view.decision.code}-ratings.csv", header, rows)
