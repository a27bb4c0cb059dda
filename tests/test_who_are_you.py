"""Who writes a new RFC or proposes a decision: the account's one person (person_for). An account
without one is asked "Who are you in the records?" first, so writing never makes a second person
that would keep it from claiming the one the notes already know."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from decisions.accounts import claims
from decisions.models import RFC, Decision, Person, PersonClaim
from tests.factories import make_person

pytestmark = pytest.mark.django_db

BODY = "# Summary\n\nOne crate per WASI proposal.\n\n# Motivation\n\nEvery embedder repeats the glue.\n"
RFC_FORM = {"series": "site", "layout": "site", "title": "Shared WASI crates", "body": BODY, "action": "save"}
DECISION_FORM = {"title": "Which interpreter?", "context": "We need one."}
STEP = "Who are you in the records?"


def contributor(username: str = "till", first: str = "Till", last: str = "Brennecke") -> User:
    user = User.objects.create_user(username, password="pw", first_name=first, last_name=last)
    user.groups.add(Group.objects.get(name="Contributors"))
    return User.objects.get(pk=user.pk)


def signed_in(user: User, **kwargs: bool) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/rfcs/new/", "/decisions/new/"])
def test_an_account_without_a_person_is_asked_who_it_is_before_the_form(url):
    body = signed_in(contributor()).get(url).content.decode()
    assert STEP in body and body.index(STEP) < body.index('name="title"')
    assert 'href="/accounts/you/">claim your person on Your account</a>' in body
    assert 'action="/accounts/you/add-me/"' in body and f'name="next" value="{url}"' in body
    assert "I am not in the records yet: add me as Till Brennecke</button>" in body


@pytest.mark.parametrize("url", ["/rfcs/new/", "/decisions/new/"])
def test_an_account_that_is_a_person_goes_straight_to_the_form(url):
    user = contributor()
    make_person("Till Brennecke", user=user)
    body = signed_in(user).get(url).content.decode()
    assert STEP not in body and "add me as" not in body


def test_one_click_adds_the_account_as_a_new_person_and_goes_back_to_the_form():
    user = contributor()
    client = signed_in(user, enforce_csrf_checks=True)
    page = client.get("/rfcs/new/")
    token = page.context["csrf_token"]
    response = client.post("/accounts/you/add-me/", {"next": "/rfcs/new/", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302 and response["Location"] == "/rfcs/new/"
    person = Person.objects.get(user=user)
    assert person.name == "Till Brennecke"
    after = client.get("/rfcs/new/").content.decode()
    assert "You are Till Brennecke in the records from now on." in after and STEP not in after
    # A second click (another tab) makes no second person.
    client.post("/accounts/you/add-me/", {"next": "/rfcs/new/", "csrfmiddlewaretoken": str(token)})
    assert Person.objects.filter(user=user).count() == 1


def test_adding_yourself_needs_a_post_with_the_csrf_token_and_a_safe_next():
    user = contributor()
    client = signed_in(user, enforce_csrf_checks=True)
    assert client.get("/accounts/you/add-me/").status_code == 405
    assert client.post("/accounts/you/add-me/", {"next": "/rfcs/new/"}).status_code == 403
    assert not Person.objects.exists()
    plain = signed_in(user)
    response = plain.post("/accounts/you/add-me/", {"next": "https://evil.example/"})
    assert response["Location"] == "/accounts/you/"


def test_submitting_without_saying_who_you_are_says_what_to_do_and_saves_nothing():
    response = signed_in(contributor()).post("/rfcs/new/", RFC_FORM)
    body = response.content.decode()
    assert response.status_code == 422
    assert "Say who you are in the records first: claim your person on Your account" in body
    assert "or tick this box to be added as Till Brennecke" in body
    assert 'href="#id_add_me"' in body  # the error list points at the box
    assert not RFC.objects.exists() and not Person.objects.exists()


def test_ticking_add_me_on_the_form_submits_with_a_new_person_for_the_account():
    user = contributor()
    response = signed_in(user).post("/rfcs/new/", RFC_FORM | {"add_me": "on"})
    assert response.status_code == 302
    assert [(a.name, a.user) for a in RFC.objects.get().authors.all()] == [("Till Brennecke", user)]


def test_the_person_the_notes_know_is_claimed_and_then_writes_the_rfc():
    """The trap this step avoids: Till writes before claiming, and then could never claim."""
    known = make_person("Till Brennecke")  # named in meeting notes, linked to no account
    user = contributor()
    client = signed_in(user)
    client.post("/accounts/you/", {"person": known.pk})
    claim = PersonClaim.objects.get(user=user, person=known)

    waiting = client.get("/rfcs/new/").content.decode()
    assert "Your claim to be" in waiting and "waits for staff" in waiting and "add me as" not in waiting
    refused = client.post("/rfcs/new/", RFC_FORM | {"add_me": "on"})
    assert refused.status_code == 422 and "waits for staff: you can submit once they approve it" in (
        refused.content.decode()
    )
    assert not RFC.objects.exists() and Person.objects.count() == 1

    claims.approve(claim, by=User.objects.create_user("stella", is_staff=True))
    assert client.post("/rfcs/new/", RFC_FORM).status_code == 302
    assert list(RFC.objects.get().authors.all()) == [known] and Person.objects.count() == 1


def test_a_pending_claim_keeps_the_add_me_button_from_making_a_second_person():
    known = make_person("Till Brennecke")
    user = contributor()
    client = signed_in(user)
    client.post("/accounts/you/", {"person": known.pk})
    response = client.post("/accounts/you/add-me/", {"next": "/rfcs/new/"}, follow=True)
    assert "waits for staff" in response.content.decode()
    assert Person.objects.count() == 1 and Person.objects.get().user is None


def test_a_contributor_without_a_person_proposes_a_decision_only_after_saying_who_they_are():
    user = contributor()
    client = signed_in(user)
    refused = client.post("/decisions/new/", DECISION_FORM)
    assert refused.status_code == 422 and "Say who you are in the records first" in refused.content.decode()
    assert not Decision.objects.exists() and not Person.objects.exists()
    created = client.post("/decisions/new/", DECISION_FORM | {"add_me": "on"})
    assert created.status_code == 302
    ownership = Decision.objects.get().ownerships.get()
    assert (ownership.role, ownership.person.user) == ("contributor", user)


def test_an_editor_opens_a_decision_without_the_step():
    editor = User.objects.create_user("eddie", password="pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client = signed_in(editor)
    assert STEP not in client.get("/decisions/new/").content.decode()
    assert client.post("/decisions/new/", DECISION_FORM).status_code == 302
    assert Decision.objects.get().status == "open" and not Person.objects.exists()
