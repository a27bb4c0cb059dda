"""The one permission table: every action a person can take on the site and the roles that may.

The server (decisions.permissions.rules), the pages (the `can_edit` / `can_create` filters and
the views' flags), the 403 page and /about/permissions/ all read this table, so what the site
says, offers and enforces cannot drift apart.

Roles, from least to most:

- visitor: not signed in;
- signed in: any account;
- contributor: an account holding the action's contributor permission, normally through the
  "Contributors" group; what a contributor writes waits for the record's owners or an editor;
- owner: a person a record names (an RFC's authors and shepherd, a decision's owners, a
  meeting's submitter and attendees, an action item's owner), through Person.user;
- editor: an account holding the action's model permission, normally through the "Editors"
  group;
- staff: is_staff accounts (and superusers); they give roles in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models


class Role(models.TextChoices):
    VISITOR = "visitor", "Visitor"
    ACCOUNT = "account", "Signed in"
    CONTRIBUTOR = "contributor", "Contributor"
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    STAFF = "staff", "Staff"


ROLE_MEANING = {
    Role.VISITOR: "Anyone, signed in or not.",
    Role.ACCOUNT: "Any account, with no role given.",
    Role.CONTRIBUTOR: "Accounts in the Contributors group: they propose, the owners or editors accept.",
    Role.OWNER: "The people a record names, once their person is linked to their account.",
    Role.EDITOR: "Accounts in the Editors group (or given the model permission in the admin).",
    Role.STAFF: "Staff accounts: they may do everything and give roles in the admin.",
}

# The groups staff put people in; created with these permissions when missing (apps.ready()).
GROUPS = {
    "Contributors": Role.CONTRIBUTOR,
    "Editors": Role.EDITOR,
}


@dataclass(frozen=True)
class Action:
    """One thing a person may do, and who may.

    `editor` and `contributor` are the permissions ("app_label.codename") that give those roles
    for this action; `owners` names who counts as an owner of the record, when owners may;
    `contributor_note` says what becomes of a contributor's work.
    """

    key: str
    says: str
    roles: frozenset[Role]
    editor: str = ""
    contributor: str = ""
    owners: str = ""
    contributor_note: str = ""
    note: str = ""

    def allows(self, role: Role) -> bool:
        return role in self.roles


def _action(key: str, says: str, *roles: Role, **details: Any) -> Action:
    return Action(key, says, frozenset({*roles, Role.STAFF}), **details)


ACTIONS: list[Action] = [
    _action(
        "read",
        "Read RFCs, meetings, decisions and precedents",
        Role.VISITOR,
        Role.ACCOUNT,
        Role.CONTRIBUTOR,
        Role.OWNER,
        Role.EDITOR,
        note="Unless the site is private (RFCS_SITE_PUBLIC_READ=0): then only signed-in people read.",
    ),
    _action(
        "rfc.new",
        "Write a new RFC",
        Role.CONTRIBUTOR,
        Role.EDITOR,
        editor="decisions.add_rfc",
        contributor="decisions.propose_rfc",
        contributor_note="It is saved as a draft with its writer as author and the next number of its series.",
        note="Also from a decision record (“Draft an RFC”): its “Rationale and alternatives” then follows the record's matrix.",
    ),
    _action(
        "rfc.edit",
        "Edit an RFC's title, text and areas",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_rfc",
        owners="its authors and its shepherd",
    ),
    _action(
        "rfc.decide",
        "Move an RFC to final comment, accepted, rejected, postponed, implemented or superseded",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_rfc",
        owners="its shepherd",
        note="Its authors move it between draft and proposed, or withdraw it.",
    ),
    _action(
        "meeting.new",
        "Submit meeting notes",
        Role.CONTRIBUTOR,
        Role.EDITOR,
        editor="decisions.add_meeting",
        contributor="decisions.submit_meeting",
        contributor_note="The notes are shown as waiting until an editor accepts them.",
    ),
    _action(
        "meeting.edit",
        "Edit a meeting's notes",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_meeting",
        owners="whoever submitted them and the people who attended",
    ),
    _action(
        "meeting.accept",
        "Accept notes a contributor submitted",
        Role.EDITOR,
        editor="decisions.change_meeting",
    ),
    _action(
        "decision.new",
        "Open a decision record",
        Role.CONTRIBUTOR,
        Role.EDITOR,
        editor="decisions.add_decision",
        contributor="decisions.propose_decision",
        contributor_note="It opens as proposed, with its writer as contributor, until its owners or an editor accept it.",
    ),
    _action(
        "decision.edit",
        "Edit a decision's text, options, criteria and ratings",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_decision",
        owners="the people it names (owners, drivers, approvers, contributors, informed)",
    ),
    _action(
        "decision.decide",
        "Choose a decision's outcome and status, and who owns it",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_decision",
        owners="its owners, drivers and approvers",
    ),
    _action(
        "decision.ratings",
        "Invite people to rate a decision's matrix on their own, reveal everyone's ratings, and put "
        "a disagreement on the agenda of a planned meeting",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_decision",
        owners="its owners, drivers and approvers",
        note="Invited people need an account linked to their person. Putting a point on the agenda "
        "makes the series' planned meeting of that day when it has none.",
    ),
    _action(
        "decision.rate",
        "Rate a decision's matrix on your own sheet, hidden from the others until you submit it or "
        "the owners reveal all",
        Role.OWNER,
        owners="its owners, drivers and approvers and the people they invited, each for themselves",
        note="Nobody rates for someone else, staff included. A submitted sheet can be revised once "
        "the ratings are revealed.",
    ),
    _action(
        "decision.link",
        "Link a decision to a meeting topic",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_decision",
        owners="the decision's people who submitted or attended that meeting",
    ),
    _action(
        "action-item.status",
        "Mark an action item done or dropped",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_actionitem",
        owners="its owner",
    ),
    _action(
        "motion.propose",
        "Propose a motion to decide an RFC or a decision record, or withdraw it",
        Role.OWNER,
        Role.EDITOR,
        editor="decisions.change_rfc",
        owners="whoever may edit the record; its proposer may withdraw it",
        note="A withdrawn motion stays in the record's history, with its positions and concerns.",
    ),
    _action(
        "motion.position",
        "Record a position on a motion (approve, no objection, abstain, recuse, or a blocking concern)",
        Role.OWNER,
        owners="the members of the teams the motion asks, each for themselves",
        note="Nobody takes a position for someone else, staff included.",
    ),
    _action(
        "concern.resolve",
        "Resolve a concern",
        Role.OWNER,
        owners="the person who raised it",
        note="A resolved concern stays on the page, struck through, with who resolved it and when.",
    ),
    _action("precedent.new", "Add a precedent", Role.EDITOR, editor="decisions.add_precedent"),
    _action("precedent.edit", "Edit a precedent", Role.EDITOR, editor="decisions.change_precedent"),
    _action("roles.grant", "Give people roles and manage accounts (in the admin)"),
]

TABLE: dict[str, Action] = {action.key: action for action in ACTIONS}


def group_permissions(role: Role) -> set[str]:
    """The permissions ("app_label.codename") the group of this role holds: every action's."""
    attribute = {Role.CONTRIBUTOR: "contributor", Role.EDITOR: "editor"}[role]
    found = {getattr(action, attribute) for action in ACTIONS if getattr(action, attribute)}
    if role == Role.EDITOR:  # an editor may also do what a contributor may, without waiting
        found |= group_permissions(Role.CONTRIBUTOR)
    return found
