"""Sign-off's rules (the table's "motion.*" and "concern.resolve" rows): who proposes, who takes a
position, who resolves a concern."""

from __future__ import annotations

from typing import Any

from decisions.models import RFC, Decision
from decisions.permissions.rules import _person_id, can_edit_decision, can_edit_rfc, signed_in


def can_propose_motion(user: Any, record: RFC | Decision, *, editor_user_ids: set[int] | None = None) -> bool:
    """Whoever may edit the record (its authors and shepherd, its owners and drivers, staff)."""
    if isinstance(record, RFC):
        return can_edit_rfc(user, record, editor_user_ids=editor_user_ids)
    return can_edit_decision(user, record)


def can_withdraw_motion(user: Any, motion: Any, *, may_edit_record: bool | None = None) -> bool:
    """The proposer, and whoever may propose on the record."""
    if not signed_in(user):
        return False
    if motion.proposed_by_id is not None and motion.proposed_by_id == _person_id(user):
        return True
    return may_edit_record if may_edit_record is not None else can_propose_motion(user, motion.record)


def can_take_position(user: Any, motion: Any, *, member_user_ids: set[int] | None = None) -> bool:
    """The members of the teams the motion asks, each for themselves (nobody for someone else)."""
    if not signed_in(user):
        return False
    if member_user_ids is not None:
        return user.pk in member_user_ids
    return motion.teams.filter(members__user=user).exists()


def can_resolve_concern(user: Any, concern: Any) -> bool:
    """The person who raised the concern, and staff."""
    if not signed_in(user):
        return False
    if user.is_staff or user.has_perm("decisions.change_concern"):
        return True
    return concern.raised_by.user_id is not None and concern.raised_by.user_id == user.pk
