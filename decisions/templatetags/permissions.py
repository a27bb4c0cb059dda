"""Templates ask the same permission helpers the views enforce, so no page offers a refused edit.

{% load permissions %}
{% if request.user|can_edit:meeting %}<a href="...">Edit</a>{% endif %}
{% if request.user|can_create:"meeting" %}<a href="...">Submit notes</a>{% endif %}
"""

from __future__ import annotations

from typing import Any

from django import template

from decisions import permissions

register = template.Library()


@register.filter
def can_edit(user: Any, record: Any) -> bool:
    """Whether this account may change the record (an RFC, decision, meeting, action item, precedent)."""
    return permissions.can_edit(user, record)


@register.filter
def can_create(user: Any, kind: str) -> bool:
    """Whether this account may add a record of the kind: "decision", "meeting" or "precedent"."""
    return permissions.can_create(user, kind)
