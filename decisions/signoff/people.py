"""Who a signed-in account acts as in sign-off: the one place that reads the account -> person link."""

from __future__ import annotations

from typing import Any

from decisions.models import Person


def acting_person(user: Any) -> Person | None:
    """The Person this account is (Person.user), or None for visitors and unlinked accounts."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "person", None)  # RelatedObjectDoesNotExist is an AttributeError
