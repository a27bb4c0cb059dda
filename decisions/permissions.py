"""Who may change what (issue 6): one helper per kind of record.

Every view that writes a record asks its helper, and templates ask the same helper through the
`can_edit` filter (decisions.templatetags.permissions), so a page never offers an edit that the
server would refuse. Staff accounts (is_staff) may change anything, as issue 6 asks; so may
editors given the model's permission in the admin (superusers have them all). The people a
record names may also change it:

- RFC: its authors and its shepherd (Person.user links a person to an account), and staff;
- decision: its owners and drivers (any DecisionOwner row), and editors;
- meeting: the account that submitted it and its attendees, and staff;
- action item: its owner (status only), and editors;
- precedent: editors only;
- linking a decision to a meeting (a topic's "Link to decision", the decision editor's
  meetings): editors of decisions, and people who may edit both the decision (its owners and
  drivers) and the meeting (its submitter and attendees). The link shows on both pages, so an
  owner may not attach their record to a meeting they had no part in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from decisions.models import RFC, ActionItem, Decision, DecisionOwner, Meeting, Precedent


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _staff(user: Any, permission: str) -> bool:
    """Staff accounts, superusers and editors given the model permission."""
    return bool(user.is_staff or user.has_perm(permission))


def _person_id(user: Any) -> int | None:
    """The id of the Person linked to this account (Django caches the answer, even "none")."""
    person = getattr(user, "person", None)  # RelatedObjectDoesNotExist is an AttributeError
    return person.pk if person is not None else None


def can_edit_rfc(user: Any, rfc: RFC, *, editor_user_ids: set[int] | None = None) -> bool:
    """Staff, and the people linked to one of the RFC's authors or to its shepherd.

    A page that already read who they are passes `editor_user_ids` (their accounts) and saves
    the query.
    """
    if not _signed_in(user):
        return False
    if _staff(user, "decisions.change_rfc"):
        return True
    if editor_user_ids is not None:
        return user.pk in editor_user_ids
    person = _person_id(user)
    if person is None:
        return False
    return rfc.shepherd_id == person or rfc.authors.filter(pk=person).exists()


def can_edit_decision(user: Any, decision: Decision | None = None) -> bool:
    """Editors with the model permission, and the people who own or drive the record."""
    if not _signed_in(user):
        return False
    if _staff(user, "decisions.change_decision"):
        return True
    return decision is not None and decision.ownerships.filter(person__user=user).exists()


def can_create_decision(user: Any) -> bool:
    """Opening a new decision record is for editors with the add permission."""
    return bool(_signed_in(user) and _staff(user, "decisions.add_decision"))


def can_submit_meeting(user: Any) -> bool:
    """Submitting new notes is for editors with the add permission."""
    return bool(_signed_in(user) and _staff(user, "decisions.add_meeting"))


def can_edit_meeting(user: Any, meeting: Meeting) -> bool:
    """Staff, whoever submitted the notes, and the people linked to one of its attendees."""
    if not _signed_in(user):
        return False
    if meeting.submitted_by_id is not None and meeting.submitted_by_id == user.pk:
        return True  # checked first: it costs no query
    if _staff(user, "decisions.change_meeting"):
        return True
    return meeting.attendees.filter(user=user).exists()


def can_link_decision_to_meeting(user: Any, decision: Decision, meeting: Meeting) -> bool:
    """Editors of decisions; otherwise whoever may edit both the decision and the meeting."""
    if not _signed_in(user):
        return False
    if _staff(user, "decisions.change_decision"):
        return True
    return can_edit_meeting(user, meeting) and can_edit_decision(user, decision)


def can_link_decisions_to(user: Any, meeting: Meeting) -> bool:
    """Whether the meeting page offers this account "Link to decision" (some decision could be)."""
    if not _signed_in(user):
        return False
    if _staff(user, "decisions.change_decision"):
        return True
    return can_edit_meeting(user, meeting) and DecisionOwner.objects.filter(person__user=user).exists()


def meetings_linkable_by(user: Any) -> QuerySet[Meeting]:
    """The meetings this account may link its decisions to (all of them for editors)."""
    meetings = Meeting.objects.all()
    if not _signed_in(user):
        return meetings.none()
    if _staff(user, "decisions.change_decision"):
        return meetings
    return meetings.filter(Q(submitted_by=user) | Q(attendees__user=user))


def can_change_action_item(user: Any, item: ActionItem) -> bool:
    """Staff with the permission, and the owner of the item."""
    if not _signed_in(user):
        return False
    return _staff(user, "decisions.change_actionitem") or (
        item.owner is not None and item.owner.user_id == user.pk
    )


def can_edit_precedent(user: Any, precedent: Precedent | None = None) -> bool:
    """Editors with the add permission (new precedents) or the change permission (existing ones)."""
    permission = "decisions.change_precedent" if precedent else "decisions.add_precedent"
    return bool(_signed_in(user) and _staff(user, permission))


EDIT_RULES: dict[type, Any] = {
    RFC: can_edit_rfc,
    Decision: can_edit_decision,
    Meeting: can_edit_meeting,
    ActionItem: can_change_action_item,
    Precedent: can_edit_precedent,
}

CREATE_RULES: dict[str, Any] = {
    "decision": can_create_decision,
    "meeting": can_submit_meeting,
    "precedent": can_edit_precedent,
}


def can_edit(user: Any, record: Any) -> bool:
    """The rule for this record's kind; a kind without a rule may be changed by nobody here."""
    rule = next((rule for kind, rule in EDIT_RULES.items() if isinstance(record, kind)), None)
    return bool(rule and rule(user, record))


def can_create(user: Any, kind: str) -> bool:
    """May this account add a new record of the kind ("decision", "meeting", "precedent")?"""
    rule = CREATE_RULES.get(kind)
    return bool(rule and rule(user))


# Sign-off (issue 17) ----------------------------------------------------------------------------
# Who may propose or withdraw a motion, take a position, resolve a concern. Kept in one block so
# the permission table can take it in whole.


def can_propose_motion(user: Any, record: RFC | Decision, *, editor_user_ids: set[int] | None = None) -> bool:
    """Whoever may edit the record (its authors and shepherd, its owners and drivers, staff)."""
    if isinstance(record, RFC):
        return can_edit_rfc(user, record, editor_user_ids=editor_user_ids)
    return can_edit_decision(user, record)


def can_withdraw_motion(user: Any, motion: Any, *, may_edit_record: bool | None = None) -> bool:
    """The proposer, and whoever may propose on the record."""
    if not _signed_in(user):
        return False
    if motion.proposed_by_id is not None and motion.proposed_by_id == _person_id(user):
        return True
    return may_edit_record if may_edit_record is not None else can_propose_motion(user, motion.record)


def can_take_position(user: Any, motion: Any, *, member_user_ids: set[int] | None = None) -> bool:
    """The members of the teams the motion asks, each for themselves (nobody for someone else)."""
    if not _signed_in(user):
        return False
    if member_user_ids is not None:
        return user.pk in member_user_ids
    return motion.teams.filter(members__user=user).exists()


def can_resolve_concern(user: Any, concern: Any) -> bool:
    """The person who raised the concern, and staff."""
    if not _signed_in(user):
        return False
    if _staff(user, "decisions.change_concern"):
        return True
    return concern.raised_by.user_id is not None and concern.raised_by.user_id == user.pk
