"""Who may change what: one helper per kind of record, each reading the permission table.

Every view that writes a record asks its helper, and templates ask the same helpers (the
`can_edit` / `can_create` filters, decisions.templatetags.permissions), so a page never offers
an action the server would refuse. The roles each action allows are in
decisions.permissions.table; what makes someone an owner of a record is here:

- RFC: its authors and its shepherd (Person.user links a person to an account); only the
  shepherd (and editors) move it past proposed;
- decision: anyone the record names (a DecisionOwner row) edits it; its owners, drivers and
  approvers choose its outcome and who owns it;
- meeting: the account that submitted it and its attendees;
- action item: its owner (status only);
- linking a decision to a meeting: people who may edit both the decision and the meeting, as
  the link shows on both pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from decisions.models import (
    RFC,
    ActionItem,
    Decision,
    DecisionOwner,
    Meeting,
    OwnerRole,
    Precedent,
    RFCStatus,
)
from decisions.people.linking import person_for
from decisions.permissions.table import TABLE, Role

DECIDING_ROLES = (OwnerRole.OWNER, OwnerRole.DRIVER, OwnerRole.APPROVER)
# The statuses an RFC's authors choose themselves; the rest are the shepherd's and editors' call.
AUTHOR_STATUSES = (RFCStatus.DRAFT, RFCStatus.PROPOSED, RFCStatus.WITHDRAWN)


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def held_role(user: Any, key: str) -> Role | None:
    """The strongest role this account holds for the action, records aside (None: no such role)."""
    action = TABLE[key]
    if not signed_in(user):
        return Role.VISITOR if action.allows(Role.VISITOR) else None
    if user.is_staff:
        return Role.STAFF
    if action.editor and action.allows(Role.EDITOR) and user.has_perm(action.editor):
        return Role.EDITOR
    if action.contributor and action.allows(Role.CONTRIBUTOR) and user.has_perm(action.contributor):
        return Role.CONTRIBUTOR
    return Role.ACCOUNT if action.allows(Role.ACCOUNT) else None


def allowed(user: Any, key: str, owner: Callable[[], bool] | None = None) -> bool:
    """Whether the table lets this account do `key`; `owner` says (lazily) if it owns the record."""
    if held_role(user, key) is not None:
        return True
    return bool(owner and signed_in(user) and TABLE[key].allows(Role.OWNER) and owner())


def waits_for_acceptance(user: Any, key: str) -> bool:
    """Whether what this account creates waits for an owner or editor (it is only a contributor)."""
    return held_role(user, key) == Role.CONTRIBUTOR


def _person_id(user: Any) -> int | None:
    """The id of the Person linked to this account (person_for), or None."""
    person = person_for(user)
    return person.pk if person is not None else None


# RFCs -------------------------------------------------------------------------------------------


def can_create_rfc(user: Any) -> bool:
    return allowed(user, "rfc.new")


def can_edit_rfc(user: Any, rfc: RFC, *, editor_user_ids: set[int] | None = None) -> bool:
    """Staff, editors, and the people linked to one of the RFC's authors or to its shepherd.

    A page that already read who they are passes `editor_user_ids` (their accounts) and saves
    the query.
    """

    def owner() -> bool:
        if editor_user_ids is not None:
            return user.pk in editor_user_ids
        person = _person_id(user)
        return person is not None and (rfc.shepherd_id == person or rfc.authors.filter(pk=person).exists())

    return allowed(user, "rfc.edit", owner)


def can_decide_rfc(user: Any, rfc: RFC) -> bool:
    """Its shepherd, editors and staff move an RFC past proposed."""
    person = _person_id(user) if signed_in(user) else None
    return allowed(user, "rfc.decide", lambda: person is not None and rfc.shepherd_id == person)


def rfc_statuses_for(user: Any, rfc: RFC) -> list[tuple[str, str]]:
    """The statuses this person may give the RFC: all for its deciders, else the authors' own
    (and the one it has, so a save that leaves the status alone is never refused)."""
    if can_decide_rfc(user, rfc):
        return list(RFCStatus.choices)
    keep = {*AUTHOR_STATUSES, rfc.status}
    return [(value, label) for value, label in RFCStatus.choices if value in keep]


# Decisions --------------------------------------------------------------------------------------


def can_create_decision(user: Any) -> bool:
    """Editors open records; contributors propose them."""
    return allowed(user, "decision.new")


def can_edit_decision(user: Any, decision: Decision | None = None) -> bool:
    """Editors, and the people the record names (any DecisionOwner row)."""
    return allowed(
        user,
        "decision.edit",
        lambda: decision is not None and decision.ownerships.filter(person__user=user).exists(),
    )


def can_decide_decision(user: Any, decision: Decision) -> bool:
    """Editors, and its owners, drivers and approvers: the outcome, the status and the owners."""
    return allowed(
        user,
        "decision.decide",
        lambda: decision.ownerships.filter(person__user=user, role__in=DECIDING_ROLES).exists(),
    )


def can_manage_ratings(user: Any, decision: Decision, *, decider_ids: set[int] | None = None) -> bool:
    """Editors, and the record's owners, drivers and approvers: invite raters, reveal, plan.

    A page that already read the deciders' people passes `decider_ids` and saves the query.
    """

    def owner() -> bool:
        if decider_ids is not None:
            return _person_id(user) in decider_ids
        return decision.ownerships.filter(person__user=user, role__in=DECIDING_ROLES).exists()

    if decider_ids is not None and signed_in(user) and owner():
        return True  # an owner, known from rows already read: no query for the account's permissions
    return allowed(user, "decision.ratings", owner)


def can_rate(user: Any, rater_ids: set[int]) -> bool:
    """Each rater for themselves (the record's deciders and the people invited); nobody else,
    staff included, as a sheet is its person's own."""
    person = _person_id(user) if signed_in(user) else None
    return person is not None and person in rater_ids


# Meetings ---------------------------------------------------------------------------------------


def can_submit_meeting(user: Any) -> bool:
    """Editors submit notes; contributors' notes wait for an editor to accept them."""
    return allowed(user, "meeting.new")


def can_edit_meeting(user: Any, meeting: Meeting) -> bool:
    """Staff, editors, whoever submitted the notes, and the people linked to one of its attendees."""

    def owner() -> bool:
        if meeting.submitted_by_id is not None and meeting.submitted_by_id == user.pk:
            return True  # checked first: it costs no query
        return meeting.attendees.filter(user=user).exists()

    return allowed(user, "meeting.edit", owner)


def can_accept_meeting(user: Any, meeting: Meeting) -> bool:
    return bool(meeting.awaiting_review) and allowed(user, "meeting.accept")


def can_link_decision_to_meeting(user: Any, decision: Decision, meeting: Meeting) -> bool:
    """Editors of decisions; otherwise whoever may edit both the decision and the meeting."""
    return allowed(
        user,
        "decision.link",
        lambda: can_edit_meeting(user, meeting) and can_edit_decision(user, decision),
    )


def can_link_decisions_to(user: Any, meeting: Meeting) -> bool:
    """Whether the meeting page offers this account "Link to decision" (some decision could be)."""
    return allowed(
        user,
        "decision.link",
        lambda: can_edit_meeting(user, meeting) and DecisionOwner.objects.filter(person__user=user).exists(),
    )


def meetings_linkable_by(user: Any) -> QuerySet[Meeting]:
    """The meetings this account may link its decisions to (all of them for editors)."""
    meetings = Meeting.objects.all()
    if not signed_in(user):
        return meetings.none()
    if held_role(user, "decision.link") is not None:
        return meetings
    return meetings.filter(Q(submitted_by=user) | Q(attendees__user=user))


# Action items and precedents --------------------------------------------------------------------


def can_change_action_item(user: Any, item: ActionItem) -> bool:
    """Editors, and the owner of the item."""
    return allowed(
        user, "action-item.status", lambda: item.owner is not None and item.owner.user_id == user.pk
    )


def can_edit_precedent(user: Any, precedent: Precedent | None = None) -> bool:
    """Editors with the add permission (new precedents) or the change permission (existing ones)."""
    return allowed(user, "precedent.edit" if precedent else "precedent.new")


EDIT_RULES: dict[type, Any] = {
    RFC: can_edit_rfc,
    Decision: can_edit_decision,
    Meeting: can_edit_meeting,
    ActionItem: can_change_action_item,
    Precedent: can_edit_precedent,
}

CREATE_RULES: dict[str, Any] = {
    "rfc": can_create_rfc,
    "decision": can_create_decision,
    "meeting": can_submit_meeting,
    "precedent": can_edit_precedent,
}


def can_edit(user: Any, record: Any) -> bool:
    """The rule for this record's kind; a kind without a rule may be changed by nobody here."""
    rule = next((rule for kind, rule in EDIT_RULES.items() if isinstance(record, kind)), None)
    return bool(rule and rule(user, record))


def can_create(user: Any, kind: str) -> bool:
    """May this account add a new record of the kind ("rfc", "decision", "meeting", "precedent")?"""
    rule = CREATE_RULES.get(kind)
    return bool(rule and rule(user))
