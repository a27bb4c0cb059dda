"""Motions for machines: /api/motions/ (filtered like /motions/), one motion, and the `motion` key
of each RFC and decision answer. Times are ISO 8601 in UTC (fcp_starts_at, fcp_ends_at...)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone

from decisions.api.plumbing import (
    ApiError,
    absolute,
    api_view,
    checked,
    decision_ref,
    get_or_404,
    paginated,
    person_data,
    rfc_ref,
    shared,
)
from decisions.caching.datastate import SECONDS_HEADER
from decisions.models import RFC, Decision, Motion, MotionState
from decisions.signoff.forms import MotionFilterForm
from decisions.signoff.pages import MotionView, motion_view, motion_views, panel


def motion_data(request: HttpRequest, view: MotionView) -> dict[str, Any]:
    """A motion with its rule, teams and members' latest positions, every position and concern."""
    motion = view.motion
    record = motion.record
    return {
        "id": motion.pk,
        "record": rfc_ref(request, record) if isinstance(record, RFC) else decision_ref(request, record),
        "disposition": motion.disposition,
        "state": motion.state,
        "state_label": motion.get_state_display(),
        "needs": view.needs,
        "proposed_by": person_data(request, motion.proposed_by if motion.proposed_by_id else None),
        "proposed_at": motion.proposed_at,
        "summary": motion.summary,
        "summary_html": motion.summary_html,
        "rule": {
            "kind": motion.kind,
            "max_outstanding": motion.max_outstanding,
            "min_teams": motion.min_teams,
            "fcp_days": motion.fcp_days,
            "auto_apply": motion.auto_apply,
        },
        "fcp_starts_at": motion.fcp_starts_at,
        "fcp_ends_at": motion.fcp_ends_at,
        "fcp_runs": motion.fcp_runs,
        "closed_at": motion.closed_at,
        "applied": motion.applied,
        "withdrawn_note": motion.withdrawn_note or None,
        "teams": [
            {
                "name": team.team.name,
                "slug": team.team.slug,
                "needs": team.needs,
                "members": [
                    {
                        "person": person_data(request, member.person),
                        "position": member.position.kind if member.position else None,
                    }
                    for member in team.members
                ],
            }
            for team in view.teams
        ],
        "positions": [
            {
                "person": person_data(request, position.person),
                "number": position.number,
                "position": position.kind,
                "note": position.note or None,
                "concern": position.concern_id,
                "at": position.created_at,
            }
            for position in view.positions
        ],
        "concerns": [
            {
                "id": concern.pk,
                "name": concern.name,
                "text": concern.text,
                "raised_by": person_data(request, concern.raised_by),
                "raised_at": concern.raised_at,
                "resolved_at": concern.resolved_at,
                "resolved_by": concern.resolver_shown or None,
                "resolution": concern.resolution or None,
            }
            for concern in view.concerns
        ],
        "url": absolute(request, reverse("decisions:motion-detail", args=[motion.pk])),
        "api_url": absolute(request, reverse("decisions:motion-api-detail", args=[motion.pk])),
    }


def record_motion(request: HttpRequest, record: RFC | Decision, now: Any) -> dict[str, Any] | None:
    """The `motion` key of an RFC or decision answer: its open (or latest) motion, or null."""
    current = panel(record, now).current
    return motion_data(request, current) if current else None


@api_view
@shared
def motion_list(request: HttpRequest) -> JsonResponse:
    """Open motions by default; ?state=, ?disposition=, ?record=rfc|decision, ?team= as on /motions/.

    Kept under the data state (`shared`) until the soonest period of the page ends."""
    form = checked(MotionFilterForm(request.GET))
    motions = form.filter(Motion.objects.select_related("rfc", "decision")).order_by("fcp_ends_at", "-pk")
    ends: list[datetime.datetime] = []

    def page_of(request: HttpRequest, page: list[Motion]) -> list[dict[str, Any]]:
        # The page's motions are read together (motion_views), not one query each.
        data = motions_data(request, page)
        ends.extend(item["fcp_ends_at"] for item in data if item["state"] == MotionState.FCP)
        return data

    response = paginated(request, motions, page_of=page_of)
    if ends:
        response[SECONDS_HEADER] = str(max(0, int((min(ends) - timezone.now()).total_seconds())))
    return response


def motions_data(request: HttpRequest, motions: list[Motion]) -> list[dict[str, Any]]:
    """A page of motions as motion_data, their teams, positions and concerns read together."""
    motions = [motion for motion in motions if motion.record is not None]
    views = motion_views(motions, timezone.now())
    return [motion_data(request, views[motion.pk]) for motion in motions]


@api_view
def motion_detail(request: HttpRequest, pk: int) -> JsonResponse:
    motion = get_or_404(Motion.objects.select_related("rfc", "decision"), f"There is no motion {pk}.", pk=pk)
    if motion.record is None:
        raise ApiError(404, f"There is no motion {pk}.")
    return JsonResponse(motion_data(request, motion_view(motion)))
