"""Template helpers for decision records."""

from __future__ import annotations

from django import template

from decisions.models import Criterion
from decisions.records import chart, sensitivity
from decisions.records.matrix import Matrix, Row

register = template.Library()


@register.filter
def why_not(matrix: Matrix, row: Row) -> str:
    """Why an alternative lost: `{{ matrix|why_not:row }}`."""
    return matrix.why_not(row)


@register.filter
def described(criteria: list[Criterion]) -> list[Criterion]:
    """The criteria that have a description, for the list under the matrix."""
    return [criterion for criterion in criteria if criterion.description]


@register.filter
def sensitivity_panel(matrix: Matrix) -> sensitivity.Panel | None:
    """How robust the outcome is: `{% with panel=matrix|sensitivity_panel %}` (no query)."""
    return sensitivity.panel(matrix)


@register.filter
def totals_chart(matrix: Matrix) -> chart.Chart | None:
    """The chart of weighted totals: `{% with chart=matrix|totals_chart %}`."""
    return chart.totals_chart(matrix)
