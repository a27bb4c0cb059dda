"""Claiming your person: suggestions, what takes effect at once, what waits for staff, and the
link `person_for()` reads (tests/test_oidc.py claims through a real provider)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import User

from decisions.accounts import claims
from decisions.accounts.models import ClaimStatus, Handle, PersonClaim
from decisions.people.linking import person_for
from decisions.people.models import Person

pytestmark = pytest.mark.django_db
ACCOUNT = "/accounts/you/"


@pytest.fixture
def nick(client) -> User:
    user = User.objects.create_user(
        "nfitzgerald", "nick@example.org", "pw", first_name="Nick", last_name="Fitzgerald"
    )
    SocialAccount.objects.create(user=user, provider="github", uid="111", extra_data={"login": "fitzgen"})
    client.force_login(user)
    return user


@pytest.fixture
def staff(client) -> User:
    return User.objects.create_superuser("staff", "staff@example.org", "pw")


def test_an_account_nobody_linked_is_nobody(nick):
    Person.objects.create(name="Nick Fitzgerald")
    assert person_for(nick) is None
    from django.contrib.auth.models import AnonymousUser

    assert person_for(AnonymousUser()) is None and person_for(None) is None


def test_people_are_suggested_by_name_e_mail_and_login(client, nick):
    by_name = Person.objects.create(name="Nick Fitzgerald")
    by_alias = Person.objects.create(name="N. F.", aliases=["fitzgen"])
    by_mail = Person.objects.create(name="Nicholas F")
    Handle.objects.create(person=by_mail, provider="email", login="NICK@example.org")
    EmailAddress.objects.create(user=nick, email="nick@example.org", verified=True)
    Person.objects.create(name="Someone Else")
    page = client.get(ACCOUNT).content.decode()
    assert "Your name is written this way" in page
    assert "Your GitHub login fitzgen is a name notes write this person by" in page
    assert "Your e-mail address NICK@example.org is recorded on this person" in page
    assert {s.person for s in claims.suggestions(nick)} == {by_name, by_alias, by_mail}
    assert "Someone Else" not in page


def test_a_claim_by_name_waits_for_staff_and_changes_nothing(client, nick):
    person = Person.objects.create(name="Nick Fitzgerald", aliases=["fitzgen"])
    response = client.post(ACCOUNT, {"person": person.pk}, follow=True)
    assert "waits for staff; nothing changes until they approve it" in response.content.decode()
    person.refresh_from_db()
    assert person.user is None and person_for(nick) is None
    assert PersonClaim.objects.get().status == ClaimStatus.PENDING
    assert "Waiting for staff" in client.get(ACCOUNT).content.decode()


def test_a_verified_login_recorded_as_a_handle_takes_effect_at_once(client, nick):
    person = Person.objects.create(name="Nick Fitzgerald")
    Handle.objects.create(person=person, provider="github", login="FitzGen")
    client.post(ACCOUNT, {"person": person.pk})
    assert person_for(nick) == person
    claim = PersonClaim.objects.get()
    assert claim.status == ClaimStatus.APPROVED and "GitHub login fitzgen" in claim.evidence
    assert "You are" in client.get(ACCOUNT).content.decode()


def test_the_same_login_at_another_provider_proves_nothing(client, nick):
    person = Person.objects.create(name="Nick Fitzgerald")
    Handle.objects.create(person=person, provider="gitlab", login="fitzgen")
    client.post(ACCOUNT, {"person": person.pk})
    assert person_for(nick) is None


def test_two_people_with_the_same_name_stay_two(client, nick):
    first = Person.objects.create(name="Nick Fitzgerald", affiliation="Fastly")
    second = Person.objects.create(name="Nick Fitzgerald", affiliation="a university")
    Handle.objects.create(person=second, provider="github", login="fitzgen")
    suggested = claims.suggestions(nick)
    assert [s.person for s in suggested] == [second, first]  # the proven one first
    client.post(ACCOUNT, {"person": second.pk})
    assert person_for(nick) == second
    assert Person.objects.filter(name="Nick Fitzgerald").count() == 2
    first.refresh_from_db()
    assert first.user is None


def test_staff_approve_a_claim_from_the_admin(client, nick, staff):
    person = Person.objects.create(name="Nick Fitzgerald")
    claim = claims.claim(nick, person)
    client.force_login(staff)
    response = client.post(
        "/admin/decisions/personclaim/",
        {"action": "approve_claims", "_selected_action": [claim.pk]},
        follow=True,
    )
    assert "Approved 1 claim." in response.content.decode()
    assert person_for(nick) == person
    claim.refresh_from_db()
    assert claim.decided_by == staff


def test_staff_refuse_a_claim(nick, staff):
    claim = claims.claim(nick, Person.objects.create(name="Nick Fitzgerald"))
    claims.refuse(claim, staff)
    assert person_for(nick) is None
    with pytest.raises(claims.ClaimRefused, match="refused already"):
        claims.approve(claim, staff)


def test_a_person_linked_to_someone_else_cannot_be_claimed_or_approved(client, nick, staff):
    person = Person.objects.create(name="Nick Fitzgerald")
    pending = claims.claim(nick, person)
    other = User.objects.create_user("other", "o@example.org", "pw")
    claims.approve(claims.claim(other, person), staff)
    with pytest.raises(claims.ClaimRefused, match="already linked to another account"):
        claims.approve(pending, staff)
    response = client.post(ACCOUNT, {"person": person.pk})
    assert response.status_code == 409
    assert "already linked to an account" in response.content.decode()
    assert person_for(nick) is None


def test_one_account_is_one_person(client, nick, staff):
    first, second = Person.objects.create(name="Nick Fitzgerald"), Person.objects.create(name="Nick F")
    claim_first, claim_second = claims.claim(nick, first), claims.claim(nick, second)
    claims.approve(claim_first, staff)
    claim_second.refresh_from_db()
    assert claim_second.status == ClaimStatus.WITHDRAWN
    with pytest.raises(claims.ClaimRefused, match="already"):
        claims.claim(nick, second)


def test_a_claim_can_be_withdrawn(client, nick):
    claim = claims.claim(nick, Person.objects.create(name="Nick Fitzgerald"))
    client.post(ACCOUNT, {"withdraw": claim.pk})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.WITHDRAWN


def test_searching_finds_people_nobody_claimed(client, nick):
    Person.objects.create(name="Alex Crichton")
    page = client.get(ACCOUNT, {"q": "crichton"}).content.decode()
    assert "Alex Crichton" in page and "This is me" in page


def test_the_account_page_asks_for_a_sign_in(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_one_login_at_one_provider_is_one_person():
    from django.db import IntegrityError, transaction

    Handle.objects.create(person=Person.objects.create(name="A"), provider="github", login="fitzgen")
    with pytest.raises(IntegrityError), transaction.atomic():
        Handle.objects.create(person=Person.objects.create(name="B"), provider="github", login="FITZGEN")


def test_staff_see_evidence_the_site_worked_out_not_what_the_form_said(client, nick):
    person = Person.objects.create(name="Nick Fitzgerald")
    client.post(ACCOUNT, {"person": person.pk, "evidence": "my GitHub login is recorded on this person"})
    assert PersonClaim.objects.get().evidence == "your name is written this way"
