"""Built pages (signed-in people, the first visitor after an edit) render the parts that are the
same for everyone from fragments kept under the data state (decisions.caching.fragments).

These tests commit for real (transaction=True): fragments are keyed by the committed state of
the database, which a test wrapped in one transaction never moves. The whole-page cache is off,
so every request builds its page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.safestring import mark_safe

from decisions.caching import fragments
from decisions.models import ActionItem, Person
from tests.conftest import get_counted as get
from tests.factories import make_meeting, make_person, make_rfc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("built_pages")]
ITEMS = reverse("decisions:action-item-list")


def test_an_edited_action_item_shows_at_once_on_every_page_that_lists_it(client):
    owner = make_person("Till S")
    meeting = make_meeting()
    item = ActionItem.objects.create(owner=owner, text="Get the RFC written", meeting=meeting)
    pages = [ITEMS, owner.get_absolute_url(), meeting.get_absolute_url()]
    first = {url: get(client, url) for url in pages}
    again = {url: get(client, url) for url in pages}
    # Built again from the fragments: the same page, without reading the rows again.
    assert again[ITEMS][0] == first[ITEMS][0] and again[ITEMS][1] < first[ITEMS][1]
    assert again[pages[1]][1] < first[pages[1]][1]
    item.text = "Get the RFC reviewed"
    item.save()
    for url in pages:
        body, _ = get(client, url)
        assert "Get the RFC reviewed" in body and "Get the RFC written" not in body, url


def test_a_retitled_meeting_shows_at_once_on_the_meetings_list(client):
    meeting = make_meeting(title="Wasmtime call: the component model")
    url = reverse("decisions:meeting-list")
    assert "the component model" in get(client, url)[0]
    meeting.title = "Wasmtime call: WASI preview 3"
    meeting.save()
    body, _ = get(client, url)
    assert "WASI preview 3" in body and "the component model" not in body


def test_the_status_buttons_stay_with_the_person_who_may_use_them():
    """The rows are shared, the owner's buttons are not: whoever builds the row first, each
    person sees only the buttons they may use."""
    till_user, other_user = User.objects.create_user("till"), User.objects.create_user("someone")
    owner = make_person("Till S", user=till_user)
    ActionItem.objects.create(owner=owner, text="Get the RFC written")
    till, other, visitor = Client(), Client(), Client()
    till.force_login(till_user)
    other.force_login(other_user)
    for client in (till, other, visitor, till):
        body, _ = get(client, ITEMS)
        assert "Get the RFC written" in body
        assert ("Mark done" in body) is (client is till)


def test_a_feed_is_built_once_and_shows_an_edit_at_once(client):
    rfc = make_rfc("Shared WASI implementations")
    url = reverse("decisions:rfc-feed")
    first, built = get(client, url)
    again, cached = get(client, url)
    assert again == first and cached < built
    rfc.title = "Shared WASI hosts"
    rfc.save()
    body, _ = get(client, url)
    assert "Shared WASI hosts" in body and "Shared WASI implementations" not in body


def test_the_api_list_is_built_once_and_shows_an_edit_at_once(client):
    rfc = make_rfc("Shared WASI implementations")
    url = reverse("decisions:rfc-api-list")
    first, built = get(client, url)
    again, cached = get(client, url)
    assert again == first and cached < built
    rfc.title = "Shared WASI hosts"
    rfc.save()
    assert [row["title"] for row in client.get(url).json()["results"]] == ["Shared WASI hosts"]


def test_a_view_changing_a_kept_value_cannot_change_what_the_next_request_gets(rf):
    """Values of this process are handed to every request: one that can change is a copy each time."""
    person = make_person("Till Schneidereit")
    built: list[int] = []

    def build() -> tuple[Person, list[str]]:
        built.append(1)
        return Person.objects.get(pk=person.pk), ["first row"]

    first = fragments.cached(rf.get("/"), "mutable", (), build)
    first[0].name, first[1][0] = "Changed in place", "changed row"
    first[1].append("added row")
    for near in (False, True):  # from the shared store (as another process reads it), then this process's
        if not near:
            fragments._NEAR.clear()
        again = fragments.cached(rf.get("/"), "mutable", (), build)
        assert (again[0].name, again[1]) == ("Till Schneidereit", ["first row"])
        again[0].name = "Changed again"
    assert built == [1]  # kept, not built again


def test_a_value_nothing_can_change_is_shared_without_a_copy(rf):
    html = mark_safe("<li>Shared WASI implementations</li>")
    kept = fragments.cached(rf.get("/"), "fixed", (), lambda: (html, 3, ("a", None)))
    assert fragments.cached(rf.get("/"), "fixed", (), lambda: None) is kept
    assert not fragments.unchangeable((html, ["a list"]))


def test_a_value_kept_apart_shares_its_summary_and_gives_each_request_its_own_records(rf):
    """cached_apart: the summary every request reads is the same object; the records are a copy
    per request, unpickled only when read, and the request that built them reads those."""
    person = make_person("Till Schneidereit")
    built: list[Person] = []

    def build() -> Person:
        built.append(Person.objects.get(pk=person.pk))
        return built[-1]

    def summarise(found: Person) -> tuple[str, int]:
        return (found.name, found.pk)

    summary, first = fragments.cached_apart(rf.get("/"), "apart", (), build, summarise)
    assert summary == ("Till Schneidereit", person.pk)
    first.name = "Changed in place"
    assert built[0].name == "Changed in place"  # the building request reads what it built
    for near in (True, False):  # this process's copy, then the shared store (another process)
        if not near:
            fragments._NEAR.clear()
        again_summary, again = fragments.cached_apart(rf.get("/"), "apart", (), build, summarise)
        if near:
            assert again_summary is summary  # shared, not copied
        assert again.name == "Till Schneidereit"
        again.name = "Changed again"
    assert len(built) == 1  # kept, not built again


def test_a_members_panel_kept_for_them_makes_no_record_and_follows_their_positions(client, monkeypatch):
    """A signed-in member's record page, built while nothing changed, reads what they may do on
    the panel from plain kept values (signoff.views.ReaderFacts): no model instance is unpickled,
    and their form still answers to their latest position once they record one."""
    from django.db.models import base
    from django.utils import timezone

    from decisions.models import SignOffRule, Team
    from decisions.signoff import flow

    team = Team.objects.create(name="Wasmtime core", slug="wasmtime-core")
    ann, ben = make_person("Ann A"), make_person("Ben B")
    team.members.add(ann, ben)
    SignOffRule.objects.create(scope="rfc", kind="majority", max_outstanding=1)
    rfc = make_rfc(number=8, title="Exception handling")
    motion = flow.propose(
        rfc, person=None, disposition="accept", teams=[team], summary="Ship it", now=timezone.now()
    )
    user = User.objects.create_user("ann-a", password="pw")
    ann.user = user
    ann.save()
    client.force_login(user)
    assert 'name="after" value="0"' in client.get("/rfcs/8/").content.decode()
    unpickled = []
    real = base.Model.__setstate__
    monkeypatch.setattr(
        base.Model, "__setstate__", lambda self, state: unpickled.append(self) or real(self, state)
    )
    body = client.get("/rfcs/8/").content.decode()
    assert 'name="after" value="0"' in body and "Your position" in body
    assert not [made for made in unpickled if not isinstance(made, User)]  # the account, if anything
    client.post(f"/motions/{motion.pk}/position/", {"kind": "concern", "after": "0",
                "concern_name": "migration cost", "concern_text": "Who pays?"})  # fmt: skip
    body = client.get("/rfcs/8/").content.decode()
    assert 'name="after" value="1"' in body and "Resolve “migration cost”" in body
