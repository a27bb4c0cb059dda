"""Who a new RFC or a proposed decision is written by: the account's person, never a second one.

An account without a person sees the "Who are you in the records?" step (claims.who_step) and may
tick "add me" on the form itself; without either, the form says what to do instead of making a
person the account could then never claim away from.
"""

from __future__ import annotations

from typing import Any

from django import forms

from decisions.accounts import claims
from decisions.people.linking import person_for
from decisions.people.models import Person

ADD_ME = "add_me"


def offer_add_me(form: forms.BaseForm, who: claims.WhoStep | None) -> None:
    """Give the form the "add me" box when the account has no person and no claim waiting."""
    if who is not None and who.pending is None and ADD_ME not in form.fields:
        form.fields[ADD_ME] = forms.BooleanField(
            required=False, label=f"I am not in the records yet: add me as {who.name} when I submit"
        )


def writer(form: forms.BaseForm, user: Any, who: claims.WhoStep | None) -> Person | None:
    """After form.is_valid(): the account's person, or a new one when it ticked "add me"; else
    None, with an error on the form that says what to do."""
    if who is None:
        return person_for(user)
    if who.pending is not None:
        form.add_error(None, claims.waiting_message(who.pending))
        return None
    if form.cleaned_data.get(ADD_ME):
        return claims.add_me(user)
    form.add_error(
        ADD_ME,
        "Say who you are in the records first: claim your person on Your account (the link above), "
        f"or tick this box to be added as {who.name}.",
    )
    return None
