"""The RFC pages and the home page built from what is cached under the data state (issue 19).

Signed-in people and the first visitor after an edit get these pages built, mostly from parts
cached under the committed state of the database: an edit must show at once, and nobody may ever
get another person's edit button, form or CSRF token from a cached part.

These tests commit for real (transaction=True): a test wrapped in one transaction never moves the
state, and nothing is cached without one. The whole-page cache is off: every request is built.
"""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import timezone

from decisions.models import RFC, Motion, Position, RuleKind, SignOffRule, Team
from decisions.signoff import flow
from decisions.templatetags.fragments import PLACEHOLDER
from tests.conftest import get_counted as get
from tests.conftest import state_reads
from tests.factories import make_decision, make_person, make_rfc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("built_pages")]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def signed_in(person_name: str, *, linked: bool = True) -> tuple[Client, User]:
    """A client signed in as a new account, linked to a new person of that name."""
    user = User.objects.create_user(person_name.lower().replace(" ", "-"), password="a long enough password")
    if linked:
        person = make_person(person_name)
        person.user = user
        person.save()
    client = Client()
    client.force_login(user)
    return client, user


def own_tokens(client: Client, body: str) -> None:
    """Every CSRF token in the page is this client's own (a cached form never carries another's)."""
    assert str(PLACEHOLDER) not in body
    tokens = TOKEN.findall(body)
    secret = client.cookies["csrftoken"].value
    assert tokens and all(_unmask_cipher_token(token) == secret for token in tokens), tokens


def test_an_edit_shows_at_once_to_a_visitor_and_to_a_signed_in_person():
    author = make_person("Ada Author")
    rfc = make_rfc(
        "Shared WASI implementations", number=6, body="# Summary\n\nFirst text.\n", authors=[author]
    )
    visitor = Client()
    reader, _ = signed_in("Rita Reader")
    for client in (visitor, reader):
        first, _ = get(client, "/rfcs/6/")
        assert "First text." in first and "Ada Author" in first and "No decision cites this RFC." in first
    again, queries = get(visitor, "/rfcs/6/")
    assert "First text." in again
    assert queries == state_reads()  # facts, text and lists come from the cache
    rfc.refresh_from_db()
    rfc.body = "# Summary\n\nSecond text.\n"
    rfc.title = "Shared WASI crates"
    rfc.record_change(message="Reworded")
    author.name = "Ada Lovelace"
    author.save()
    make_decision("Where do WASI implementations live?", number=4).related_rfcs.add(rfc)
    for client in (visitor, reader):
        page, _ = get(client, "/rfcs/6/")
        assert "Second text." in page and "First text." not in page
        assert "RFC 6: Shared WASI crates" in page and "Ada Lovelace" in page and "DR-0004" in page


def test_the_history_shows_a_new_revision_at_once():
    rfc = make_rfc("Tail calls", number=7, body="# Summary\n\nOne.\n")
    visitor = Client()
    first, _ = get(visitor, "/rfcs/7/history/")
    _, queries = get(visitor, "/rfcs/7/history/")
    assert "Revision 1" in first and "Revision 2" not in first and queries == state_reads()
    rfc.refresh_from_db()
    rfc.body = "# Summary\n\nTwo.\n"
    rfc.record_change(message="Second thoughts")
    page, _ = get(visitor, "/rfcs/7/history/")
    assert "Revision 2" in page and "Second thoughts" in page
    assert Client().get("/rfcs/99/history/").status_code == 404


def test_the_home_page_shows_a_retitled_rfc_at_once():
    rfc = make_rfc("Component model", number=9)
    visitor = Client()
    assert "Component model" in get(visitor, "/")[0]
    assert get(visitor, "/")[1] == state_reads()
    rfc.title = "Component model, resources"
    rfc.save()
    assert "Component model, resources" in get(visitor, "/")[0]


def test_an_author_edit_button_is_never_shown_to_someone_who_may_not_edit():
    author_client, author_user = signed_in("Ada Author")
    author = author_user.person
    make_rfc("Exception handling", number=8, authors=[author])
    page, _ = get(author_client, "/rfcs/8/")
    assert 'href="/rfcs/8/edit/"' in page and "Propose a motion" in page
    other, _ = signed_in("Olly Other")
    for client in (other, Client()):
        page, _ = get(client, "/rfcs/8/")
        assert 'href="/rfcs/8/edit/"' not in page and "Propose a motion" not in page
    # And the other way round: the author's page after the others' built it from the cache.
    page, _ = get(author_client, "/rfcs/8/")
    assert 'href="/rfcs/8/edit/"' in page and "Propose a motion" in page


@pytest.fixture
def motion():
    team = Team.objects.create(name="Wasmtime core", slug="wasmtime-core")
    SignOffRule.objects.create(scope="rfc", kind=RuleKind.MAJORITY, max_outstanding=1)
    rfc = make_rfc(number=8, title="Exception handling", authors=[make_person("Author Z")])
    return team, rfc


def test_the_sign_off_panel_gives_each_reader_their_own_forms_and_token(motion):
    team, rfc = motion
    clients, users = zip(*(signed_in(name) for name in ("Ann A", "Ben B", "Cat C", "Dan D")), strict=True)
    ann, ben, cat, dan = clients
    team.members.add(*(user.person for user in users))
    proposed = flow.propose(
        rfc, person=None, disposition="accept", teams=[team], summary="Ship it", now=timezone.now()
    )
    flow.record_position(proposed, person=users[0].person, kind="concern", after=0, now=timezone.now(),
                         concern_name="migration cost", concern_text="Who pays?")  # fmt: skip
    flow.record_position(proposed, person=users[1].person, kind="approve", after=0, now=timezone.now())
    # Ben approved (his panel is cached first); Ann raised the concern: only she may resolve it.
    ben_page, _ = get(ben, "/rfcs/8/")
    assert "Your position on this motion" in ben_page and "Resolve “migration cost”" not in ben_page
    own_tokens(ben, ben_page)
    ann_page, _ = get(ann, "/rfcs/8/")
    assert "Resolve “migration cost”" in ann_page and "Your position on this motion" in ann_page
    own_tokens(ann, ann_page)
    # Cat and Dan may do the same things: the same cached panel, each with their own token.
    for client in (cat, dan):
        page, _ = get(client, "/rfcs/8/")
        assert "Your position on this motion" in page and "Resolve “migration cost”" not in page
        own_tokens(client, page)
    # Someone outside the team and a visitor: no form at all.
    outsider, _ = signed_in("Olly Other")
    for client in (outsider, Client()):
        page, _ = get(client, "/rfcs/8/")
        assert "Blocked by 1 open concern" in page
        assert "Your position on this motion" not in page and "Resolve “migration cost”" not in page
        assert str(PLACEHOLDER) not in page


def test_a_position_taken_shows_at_once_on_every_readers_page(motion):
    team, rfc = motion
    ann_client, ann_user = signed_in("Ann A")
    team.members.add(ann_user.person, make_person("Ben B"), make_person("Cat C"))
    flow.propose(rfc, person=None, disposition="accept", teams=[team], summary="Ship it", now=timezone.now())
    visitor = Client()
    assert "Needs 2 more sign-offs" in get(visitor, "/rfcs/8/")[0]
    assert "Needs 2 more sign-offs" in get(ann_client, "/rfcs/8/")[0]
    response = ann_client.post(
        f"/motions/{rfc.motions.get().pk}/position/", {"kind": "approve", "after": "0"}
    )
    assert response.status_code == 302 and Position.objects.count() == 1
    for client in (visitor, ann_client):
        page, _ = get(client, "/rfcs/8/")
        assert "Needs 1 more sign-off</strong>" in page and "Approve" in page
    assert RFC.objects.get(pk=rfc.pk).motions.count() == 1


def test_a_period_that_ended_since_the_page_was_cached_is_settled_on_the_next_visit(motion):
    team, rfc = motion
    people = [make_person(name) for name in ("Ann A", "Ben B", "Cat C")]
    team.members.add(*people)
    proposed = flow.propose(
        rfc, person=None, disposition="accept", teams=[team], summary="Ship it", now=timezone.now()
    )
    for person in people[:2]:
        flow.record_position(proposed, person=person, kind="approve", after=0, now=timezone.now())
    ends = timezone.now() + datetime.timedelta(seconds=1)
    Motion.objects.filter(pk=proposed.pk).update(state="fcp", fcp_ends_at=ends)
    visitor = Client()
    running, _ = get(visitor, "/rfcs/8/")
    assert "Final comment period</strong> ends" in running
    assert "Final comment period</strong> ends" in get(visitor, "/rfcs/8/")[0]  # now from the cache
    with mock.patch("django.utils.timezone.now", return_value=ends + datetime.timedelta(seconds=1)):
        page, _ = get(visitor, "/rfcs/8/")
    assert "The final comment period ended" in page
    assert Motion.objects.get(pk=proposed.pk).state == "ended"
