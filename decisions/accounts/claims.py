"""Claiming a person: who an account might be, and the rules that make the link.

Suggestions come from the account's name, its e-mail addresses and its logins at the providers
it signed in through, compared with each person's name, the names notes write them by (aliases)
and the handles recorded on them. A suggestion is only a suggestion: the link (`Person.user`)
is set when staff approve the claim, or at once when a provider's login of this account is a
handle already recorded on that person at that provider (the provider vouches for the login;
a name or an alias in notes proves nothing). Two people with the same name stay two: a claim
names one person by id, and nothing is ever merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from decisions.accounts.models import EMAIL, ClaimStatus, Handle, PersonClaim
from decisions.people.linking import person_for
from decisions.people.models import Person
from decisions.people.names import name_key

PROVIDER_NAMES = {"github": "GitHub", "gitlab": "GitLab"}


class ClaimRefused(Exception):
    """A claim or an approval that would link one account to two people, or two accounts to one."""


@dataclass
class Suggestion:
    person: Person
    reasons: list[str] = field(default_factory=list)
    verified_by: str = ""  # the handle that proves it, when one does


def provider_login(account: SocialAccount) -> str:
    """The login a provider vouched for: GitHub's `login`, GitLab's `username`, OIDC's
    `preferred_username` (from the user info, else the id token)."""
    data = account.extra_data or {}
    if "userinfo" in data or "id_token" in data:
        data = data.get("userinfo") or data.get("id_token") or {}
        return str(data.get("preferred_username") or "")
    return str(data.get("login") or data.get("username") or "")


def provider_label(account: SocialAccount) -> str:
    if account.provider in PROVIDER_NAMES:
        return PROVIDER_NAMES[account.provider]
    try:
        return str(account.get_provider().name)
    except Exception:  # a provider switched off since: its id still says where the login is from
        return account.provider


def verifying_handle(user: Any, person: Person) -> str:
    """'GitHub login cfallin' when one of this account's provider logins is a handle of the person."""
    for account in SocialAccount.objects.filter(user=user):
        login = provider_login(account)
        if login and person.handles.filter(provider=account.provider, login__iexact=login).exists():
            return f"{provider_label(account)} login {login}"
    return ""


def suggestions(user: Any) -> list[Suggestion]:
    """People this account might be, most certain first; people linked to an account are left out."""
    found: dict[int, Suggestion] = {}

    def add(person: Person, reason: str, verified_by: str = "") -> None:
        suggestion = found.setdefault(person.pk, Suggestion(person))
        if reason not in suggestion.reasons:
            suggestion.reasons.append(reason)
        suggestion.verified_by = suggestion.verified_by or verified_by

    free = Person.objects.filter(user__isnull=True)
    logins: list[tuple[str, str]] = []  # (label, login) for the alias comparison below
    names = {user.get_full_name(), user.get_username()}
    for account in SocialAccount.objects.filter(user=user):
        login, label = provider_login(account), provider_label(account)
        if not login:
            continue
        logins.append((label, login))
        for handle in Handle.objects.filter(provider=account.provider, login__iexact=login, person__in=free):
            proof = f"{label} login {login}"
            add(handle.person, f"your {proof} is recorded on this person", proof)
        data = account.extra_data.get("userinfo") or account.extra_data.get("id_token") or account.extra_data
        names.add(str(data.get("name") or ""))
    addresses = list(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))
    if addresses:
        by_address = Q()
        for address in addresses:
            by_address |= Q(login__iexact=address)
        for handle in Handle.objects.filter(by_address, provider=EMAIL, person__in=free).select_related(
            "person"
        ):
            add(handle.person, f"your e-mail address {handle.login} is recorded on this person")
    name_keys = {name_key(name) for name in names if name.strip()}
    login_keys = {name_key(login): (label, login) for label, login in logins}
    for person in free.only("id", "name", "slug", "aliases", "affiliation"):
        written = [person.name, *person.aliases]
        keys = {name_key(name) for name in written}
        if name_keys & keys:
            add(person, "your name is written this way")
        for key in login_keys.keys() & keys:
            label, login = login_keys[key]
            add(person, f"your {label} login {login} is a name notes write this person by")
    return sorted(found.values(), key=lambda s: (not s.verified_by, -len(s.reasons), s.person.name))


def _link(claim: PersonClaim, by: Any, evidence: str = "") -> PersonClaim:
    """Approve and link, refusing when either side is already linked (both rows locked)."""
    person = Person.objects.select_for_update().get(pk=claim.person_id)
    if person.user_id is not None and person.user_id != claim.user_id:
        raise ClaimRefused(f"{person.name} is already linked to another account; unlink it first.")
    other = Person.objects.filter(user_id=claim.user_id).exclude(pk=person.pk).first()
    if other is not None:
        raise ClaimRefused(f"This account is already {other.name}; one account is one person.")
    person.user_id = claim.user_id
    person.save(update_fields=["user"])
    claim.status = ClaimStatus.APPROVED
    claim.decided_at = timezone.now()
    claim.decided_by = by
    if evidence:
        claim.evidence = evidence
    claim.save()
    PersonClaim.objects.filter(user_id=claim.user_id, status=ClaimStatus.PENDING).exclude(pk=claim.pk).update(
        status=ClaimStatus.WITHDRAWN, decided_at=timezone.now()
    )
    return claim


def claim(user: Any, person: Person) -> PersonClaim:
    """File this account's claim on a person; approved at once when a verified handle proves it.

    What staff read as the claim's evidence is worked out here, never taken from the form.
    """
    reasons = next((s.reasons for s in suggestions(user) if s.person.pk == person.pk), [])
    evidence = "; ".join(reasons) or "chosen by the account: no match by name, e-mail or login"
    with transaction.atomic():
        if Person.objects.filter(user_id=user.pk).exists():
            raise ClaimRefused("This account is already linked to a person; one account is one person.")
        if Person.objects.filter(pk=person.pk, user__isnull=False).exists():
            raise ClaimRefused(f"{person.name} is already linked to an account. If that is wrong, ask staff.")
        pending, _ = PersonClaim.objects.get_or_create(
            user=user, person=person, status=ClaimStatus.PENDING, defaults={"evidence": evidence[:300]}
        )
        proof = verifying_handle(user, person)
        if proof:
            return _link(pending, None, f"approved by itself: the {proof} is recorded on this person")
        return pending


def approve(claim_: PersonClaim, by: Any) -> PersonClaim:
    """Staff approve a pending claim: the account is that person from now on."""
    with transaction.atomic():
        claim_ = PersonClaim.objects.select_for_update().get(pk=claim_.pk)
        if claim_.status != ClaimStatus.PENDING:
            raise ClaimRefused(f"This claim is {claim_.get_status_display()} already.")
        return _link(claim_, by)


def refuse(claim_: PersonClaim, by: Any) -> PersonClaim:
    with transaction.atomic():
        claim_ = PersonClaim.objects.select_for_update().get(pk=claim_.pk)
        if claim_.status != ClaimStatus.PENDING:
            raise ClaimRefused(f"This claim is {claim_.get_status_display()} already.")
        claim_.status, claim_.decided_at, claim_.decided_by = ClaimStatus.REFUSED, timezone.now(), by
        claim_.save()
        return claim_


def withdraw(user: Any, claim_id: int) -> None:
    PersonClaim.objects.filter(pk=claim_id, user=user, status=ClaimStatus.PENDING).update(
        status=ClaimStatus.WITHDRAWN, decided_at=timezone.now()
    )


# Not in the records yet ------------------------------------------------------------------------
# Writing needs a person (an RFC's author, a proposal's contributor). An account that has none is
# asked first who it is: claiming the person the notes already know keeps one person per account;
# a new person is made only when the account says it is not in the records.


@dataclass
class WhoStep:
    """What the "Who are you in the records?" step shows to an account without a person."""

    name: str  # the name a new person would get
    pending: PersonClaim | None  # a claim waiting for staff: no new person meanwhile


def new_person_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()).strip()[:200]


def who_step(user: Any) -> WhoStep | None:
    """None when the account is a person already (person_for), else what the step shows."""
    if person_for(user) is not None:
        return None
    pending = (
        PersonClaim.objects.filter(user=user, status=ClaimStatus.PENDING).select_related("person").first()
    )
    return WhoStep(new_person_name(user), pending)


def waiting_message(claim_: PersonClaim) -> str:
    return (
        f"Your claim to be {claim_.person.name} waits for staff: you can submit once they approve it, "
        "or withdraw it on Your account if you are not in the records."
    )


def add_me(user: Any) -> Person:
    """A new person for this account, linked to it, on its explicit choice ("I am not in the
    records yet"); the account's person when it has one already (a second click changes nothing)."""
    person = person_for(user)
    if person is not None:
        return person
    pending = (
        PersonClaim.objects.filter(user=user, status=ClaimStatus.PENDING).select_related("person").first()
    )
    if pending is not None:
        raise ClaimRefused(waiting_message(pending))
    try:
        with transaction.atomic():
            return Person.objects.create(name=new_person_name(user), user=user)
    except IntegrityError:  # a second click at the same time: the account's person is made once
        return Person.objects.get(user=user)
