"""A refusal that explains itself: what the person may not do, why, and who can grant it.

Views raise `Refused` (a PermissionDenied) naming the action of the table and the record; the
site's 403 handler (decisions.permissions.pages.permission_denied) turns it into the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from decisions.models import RFC, ActionItem, Decision, Meeting, Person
from decisions.permissions.rules import DECIDING_ROLES, signed_in
from decisions.permissions.table import TABLE, Action, Role

STAFF_SHOWN = 10


class Refused(PermissionDenied):
    """PermissionDenied carrying the table's action, what was tried ("edit RFC 6") and the record."""

    def __init__(self, key: str, what: str = "", record: Any = None, reason: str = "") -> None:
        self.action = TABLE[key]
        self.what = what or self.action.says[0].lower() + self.action.says[1:]
        self.record = record
        self.reason = reason
        super().__init__(f"You may not {self.what}. {reason or who_may(self.action)}".strip())


def who_may(action: Action) -> str:
    """ "Only its authors and its shepherd, editors and staff may." from the table."""
    names = []
    if action.allows(Role.OWNER) and action.owners:
        names.append(action.owners)
    if action.allows(Role.CONTRIBUTOR):
        names.append("contributors")
    if action.allows(Role.EDITOR):
        names.append("editors")
    names.append("staff")
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Only {listed} may."


def record_people(record: Any, action: Action) -> list[Person]:
    """The people who may already do this to the record (its owners in the table's sense)."""
    if not action.allows(Role.OWNER):
        return []
    if isinstance(record, RFC):
        people = list(record.authors.all())
        if record.shepherd_id and (action.key == "rfc.decide" or record.shepherd not in people):
            people = [record.shepherd] if action.key == "rfc.decide" else [*people, record.shepherd]
        return people
    if isinstance(record, Decision):
        ownerships = record.ownerships.select_related("person")
        if action.key in ("decision.decide", "decision.ratings", "decision.rate"):
            ownerships = ownerships.filter(role__in=DECIDING_ROLES)
        return list(dict.fromkeys(ownership.person for ownership in ownerships))
    if isinstance(record, Meeting):
        return list(record.attendees.all()[:20])
    if isinstance(record, ActionItem) and record.owner is not None:
        return [record.owner]
    return []


@dataclass
class Explanation:
    """What the 403 page says."""

    what: str
    why: str
    yours: str
    people: list[Person]
    staff: list[str]
    roles: list[str]


def explain(user: Any, refused: PermissionDenied) -> Explanation:
    """The 403 page's content for a refusal (a plain PermissionDenied is explained generically)."""
    staff = [
        account.get_full_name() or account.get_username()
        for account in get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("username")[:STAFF_SHOWN]
    ]
    if not isinstance(refused, Refused):
        why = str(refused) or "Your account may not do this."
        return Explanation("make this change", why, _yours(user), [], staff, [])
    action = refused.action
    grantable = [role.label.lower() for role in (Role.CONTRIBUTOR, Role.EDITOR) if action.allows(role)]
    return Explanation(
        what=refused.what,
        why=refused.reason or who_may(action),
        yours=_yours(user),
        people=record_people(refused.record, action),
        staff=staff,
        roles=grantable,
    )


def _yours(user: Any) -> str:
    """Who the site takes the person to be: their account and the roles it was given."""
    if not signed_in(user):
        return "You are not signed in."
    groups = [group.name for group in user.groups.all()]
    if user.is_staff:
        groups.insert(0, "staff")
    if not groups:
        return f"You are signed in as {user.get_username()}, with no role given."
    return f"You are signed in as {user.get_username()} ({', '.join(groups)}): not a role that may do this."
