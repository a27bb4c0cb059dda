"""Who may do what: the one table (table.py), the rules every view and page asks (rules.py), and
refusals that explain themselves (refusals.py, pages.py)."""

from __future__ import annotations

from decisions.permissions.refusals import Refused
from decisions.permissions.rules import (
    AUTHOR_STATUSES,
    CREATE_RULES,
    EDIT_RULES,
    allowed,
    can_accept_meeting,
    can_change_action_item,
    can_create,
    can_create_decision,
    can_create_rfc,
    can_decide_decision,
    can_decide_rfc,
    can_edit,
    can_edit_decision,
    can_edit_meeting,
    can_edit_precedent,
    can_edit_rfc,
    can_link_decision_to_meeting,
    can_link_decisions_to,
    can_submit_meeting,
    held_role,
    meetings_linkable_by,
    rfc_statuses_for,
    waits_for_acceptance,
)
from decisions.permissions.signoff import (
    can_propose_motion,
    can_resolve_concern,
    can_take_position,
    can_withdraw_motion,
)
from decisions.permissions.table import ACTIONS, TABLE, Action, Role

__all__ = [
    "ACTIONS",
    "AUTHOR_STATUSES",
    "CREATE_RULES",
    "EDIT_RULES",
    "TABLE",
    "Action",
    "Refused",
    "Role",
    "allowed",
    "can_accept_meeting",
    "can_change_action_item",
    "can_create",
    "can_create_decision",
    "can_create_rfc",
    "can_decide_decision",
    "can_decide_rfc",
    "can_edit",
    "can_edit_decision",
    "can_edit_meeting",
    "can_edit_precedent",
    "can_edit_rfc",
    "can_link_decision_to_meeting",
    "can_link_decisions_to",
    "can_propose_motion",
    "can_resolve_concern",
    "can_submit_meeting",
    "can_take_position",
    "can_withdraw_motion",
    "held_role",
    "meetings_linkable_by",
    "rfc_statuses_for",
    "waits_for_acceptance",
]
