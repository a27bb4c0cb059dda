"""Who an account is: the one place that answers it, for permissions, "Waiting on me" and sign-off."""

from __future__ import annotations

from typing import Any

from decisions.people.models import Person


def person_for(user: Any) -> Person | None:
    """The person linked to this account (an approved claim or staff set it), or None.

    Anonymous visitors and accounts nobody linked are nobody: never guessed from a name.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    # The reverse one-to-one: Django keeps the answer (even "none") on the account for the rest
    # of the request, so permission checks per row cost no query; linking a person sets it too.
    return getattr(user, "person", None)  # RelatedObjectDoesNotExist is an AttributeError
