"""Record pages built from what is kept under the data state (issue 19): the decision, meeting and
person pages read their rows and render their fragments once per committed state, for visitors
and for signed-in people alike.

What must hold: an edit shows at once on the signed-in and on the anonymous page, and nothing that
belongs to one reader (buttons and forms they may use, their CSRF token) reaches another through
a kept fragment. These tests commit for real (transaction=True): fragments are keyed by the
committed state, which a test wrapped in one transaction never moves. The whole-page cache is off.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from decisions.models import (
    ActionItem,
    DecisionOwner,
    OwnerRole,
    Person,
    Remark,
    RuleKind,
    SignOffRule,
    Team,
    Topic,
)
from decisions.signoff import flow
from decisions.templatetags.fragments import PLACEHOLDER
from tests.conftest import get_counted as get
from tests.conftest import state_reads
from tests.factories import make_decision, make_meeting, make_person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("built_pages")]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(username: str, *, staff: bool = False, csrf: bool = False) -> tuple[Client, User]:
    user = User.objects.create_user(username, is_staff=staff, is_superuser=staff)
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client, user


def test_an_edited_decision_shows_at_once_signed_in_and_anonymous():
    decision = make_decision("Where do shared WASI API implementations live?", context="In *one* crate.")
    editor, _ = signed_in("editor", staff=True)
    visitor = Client()
    url = decision.get_absolute_url()
    first, cold = get(editor, url)
    again, warm = get(editor, url)
    public, shared = get(visitor, url)
    for body in (first, again, public):
        assert "In <em>one</em> crate." in body
    # Built again from what was kept (the editor's build serves the visitor too): no rows read.
    assert warm < cold and shared < cold
    decision.title = "Shared WASI implementations live in wasi-common"
    decision.context = "In *two* crates."
    decision.context_html = ""  # rendered again on save
    decision.save()
    for client in (editor, visitor):
        body, _ = get(client, url)
        assert "Shared WASI implementations live in wasi-common" in body
        assert "In <em>two</em> crates." in body and "In <em>one</em> crate." not in body


def test_the_decision_head_keeps_the_edit_button_with_those_who_may_edit():
    decision = make_decision()
    editor, _ = signed_in("editor", staff=True)
    nobody, _ = signed_in("nobody")
    edit = f'href="{decision.get_absolute_url()}edit/"'
    for client, may in ((editor, True), (nobody, False), (Client(), False), (editor, True)):
        assert (edit in get(client, decision.get_absolute_url())[0]) is may


def test_the_sign_off_panel_forms_stay_with_their_reader_and_follow_a_position():
    SignOffRule.objects.create(scope="decision", kind=RuleKind.MAJORITY, max_outstanding=1)
    team = Team.objects.create(name="Wasmtime core", slug="wasmtime-core")
    member_user = User.objects.create_user("ann")
    ann = make_person("Ann A", user=member_user)
    team.members.add(ann, make_person("Ben B"), make_person("Cat C"))
    decision = make_decision()
    flow.propose(decision, person=None, disposition="accept", teams=[team], summary="Go", now=timezone.now())
    member = Client(enforce_csrf_checks=True)
    member.force_login(member_user)
    editor, _ = signed_in("editor", staff=True, csrf=True)
    visitor = Client()
    url = decision.get_absolute_url()
    # The member builds the panel first; the others must not get her form, nor she theirs.
    for _ in range(2):
        mine = get(member, url)[0]
        assert "Your position on this motion" in mine and "Withdraw this motion" not in mine
        theirs = get(editor, url)[0]
        assert "Withdraw this motion" in theirs and "Your position on this motion" not in theirs
        public = get(visitor, url)[0]
        assert "Your position on this motion" not in public and "Withdraw this motion" not in public
        assert "csrfmiddlewaretoken" not in public
    needs = re.search(r"Needs (\d+) more sign-off", mine)
    assert needs, "the panel says how many sign-offs it needs"
    # Her token from the kept panel is her own: the position form posts.
    token = TOKEN.search(mine).group(1)
    motion = decision.motions.get()
    response = member.post(
        f"/motions/{motion.pk}/position/", {"kind": "approve", "after": "0", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    fewer = int(needs.group(1)) - 1
    for client in (member, editor, visitor):
        body = get(client, url)[0]
        assert f"Needs {fewer} more sign-off" in body or (fewer == 0 and "Final comment period" in body)


def test_a_kept_meeting_page_gives_each_reader_their_own_csrf_token_and_forms():
    meeting = make_meeting(title="Wasmtime call: the component model")
    topic = Topic.objects.create(meeting=meeting, order=1, title="Resources")
    Remark.objects.create(topic=topic, order=1, text="Handles are indices.", text_html="Handles are indices.")
    editor_a, _ = signed_in("editor-a", staff=True, csrf=True)
    editor_b, _ = signed_in("editor-b", staff=True, csrf=True)
    visitor = Client()
    url = meeting.get_absolute_url()
    first, cold = get(editor_a, url)
    again, warm = get(editor_a, url)
    assert warm < cold  # the notes and their forms came from what was kept
    other = get(editor_b, url)[0]
    tokens_a, tokens_b = set(TOKEN.findall(first + again)), set(TOKEN.findall(other))
    assert tokens_a and tokens_b and not tokens_a & tokens_b
    assert str(PLACEHOLDER) not in first + again + other
    public = get(visitor, url)[0]
    assert "Handles are indices." in public and "Link to decision DR-" not in public
    assert "csrfmiddlewaretoken" not in public and "Start a decision from this topic" not in public
    # A token from the kept page works: the link form posts.
    decision = make_decision()
    token = TOKEN.findall(again)[0]
    response = editor_a.post(
        f"/meetings/{meeting.pk}/topics/{topic.pk}/decision/",
        {"decision": decision.number, "csrfmiddlewaretoken": token},
    )
    assert response.status_code in (200, 302), response.status_code
    # The link and an edited remark show at once, signed in and anonymous.
    Remark.objects.filter(topic=topic).update(text_html="Handles are indices into a table.")
    Topic.objects.filter(pk=topic.pk).update(title="Resources and handles")  # a write of each kind
    for client in (editor_a, visitor):
        body = get(client, url)[0]
        assert "Handles are indices into a table." in body and "Resources and handles" in body
        assert decision.code in body


def test_the_person_page_keeps_action_item_buttons_with_the_owner_and_shows_a_change_at_once():
    owner_client, owner_user = signed_in("till")
    owner = make_person("Till S", user=owner_user)
    item = ActionItem.objects.create(owner=owner, text="Get the RFC written")
    other, _ = signed_in("someone")
    visitor = Client()
    url = owner.get_absolute_url()
    button = 'value="done" class="mini">Mark done'
    for _ in range(2):  # the owner builds the list first, then it is kept
        assert button in get(owner_client, url)[0]
        assert button not in get(other, url)[0]
        assert button not in get(visitor, url)[0]
    item.text = "Get the RFC reviewed"
    item.save()
    for client in (owner_client, other, visitor):
        body = get(client, url)[0]
        assert "Get the RFC reviewed" in body and "Get the RFC written" not in body
    ActionItem.objects.filter(pk=item.pk).update(status="done")
    for client in (owner_client, visitor):
        assert "Nothing open." in get(client, url)[0]


def test_blind_ratings_never_reach_another_reader_through_the_kept_page():
    """Ana's sheet is hers until both submit: her page, built and kept first, must not serve Ben
    or a visitor; each submission shows at once."""
    decision = make_decision(number=1, options=2, criteria=2)
    olga, ana, ben = (User.objects.create_user(name.lower()) for name in ("Olga", "Ana", "Ben"))
    for user in (olga, ana, ben):
        make_person(user.username.title(), user=user)
    olga = User.objects.get(pk=olga.pk)
    DecisionOwner.objects.create(decision=decision, person=olga.person, role=OwnerRole.OWNER)
    clients = {}
    for user in (olga, ana, ben):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    url = f"/decisions/{decision.number}/ratings/"
    for user in (ana, ben):
        response = clients["olga"].post(f"{url}invite/", {"person": Person.objects.get(user=user).pk})
        assert response.status_code == 302
    cells = [(o.pk, c.pk) for o in decision.options.all() for c in decision.criteria.all()]

    def rate(who: str, values: list[int]) -> None:
        for (option, criterion), value in zip(cells, values, strict=True):
            data = {"option": option, "criterion": criterion, "rating": value, "version": 0}
            assert clients[who].post(f"{url}rate/", data).status_code == 302

    rate("ana", [2, 2, -2, -2])
    visitor = Client()
    for _ in range(2):  # Ana's page first, then the others, twice: the second time all are kept
        assert 'value="2" selected' in get(clients["ana"], url)[0]  # her own sheet, as she rated it
        page = get(clients["ben"], url)[0]
        assert "Hidden until you submit your sheet" in page and "Ana +2" not in page
        assert 'value="2" selected' not in page and 'value="-2" selected' not in page
        public = get(visitor, url)[0]
        assert "Ana +2" not in public and 'value="2" selected' not in public
    assert clients["ana"].post(f"{url}submit/").status_code == 302
    assert "Ana +2" not in get(clients["ben"], url)[0]  # Ben has not submitted yet
    rate("ben", [-2, 2, -2, 1])
    assert clients["ben"].post(f"{url}submit/").status_code == 302
    assert "Ana +2" in get(clients["ben"], url)[0]
    assert "Ana +2" not in get(visitor, url)[0]  # not revealed


def test_the_kept_content_of_a_page_follows_each_readers_controls_and_leaves_messages_out():
    """The whole content is kept once per set of controls (base.html's `{% pagebody %}`): one
    reader's Edit button never reaches another, and a message is shown to its reader only."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    meeting = make_meeting(title="Wasmtime call: fuel")
    editor, _ = signed_in("editor", staff=True)
    nobody, _ = signed_in("nobody")
    url = meeting.get_absolute_url()
    edit = f'href="{url}edit/"'
    kept = get(editor, url)[1]
    for client, may in ((editor, True), (nobody, False), (Client(), False), (editor, True)):
        assert (edit in get(client, url)[0]) is may
    assert get(Client(), url)[1] == state_reads() < kept  # the data state at most: the rest was kept
    storage = CookieStorage(RequestFactory().get("/"))
    editor.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Saved the notes of fuel.")])
    assert "Saved the notes of fuel." in get(editor, url)[0]
    assert "Saved the notes of fuel." not in get(editor, url)[0] + get(nobody, url)[0]
