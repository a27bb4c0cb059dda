"""The roles of the permission table: what each may start, what a contributor's work waits for,
the 403 page that says why and who can grant, and the page that shows the whole table.

Each "new" button is checked from both sides for each role: shown exactly when the server lets
that role open the page (tests/test_permissions.py walks every writing URL the same way).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import RFC, Decision, DecisionOwner, Meeting, MeetingSeries, OwnerRole
from decisions.permissions import ACTIONS, TABLE, Role
from decisions.permissions.table import group_permissions
from tests.factories import WASMTIME_NOTES, make_decision, make_person, make_rfc

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "account", "contributor", "editor", "staff"]


def persona(role: str) -> User | None:
    """An account holding the role: none, none given, the Contributors or Editors group, staff."""
    if role == "anonymous":
        return None
    if role == "staff":
        return User.objects.create_user("stella", password="pw", is_staff=True, first_name="Stella")
    user = User.objects.create_user(role, password="pw")
    if role in ("contributor", "editor"):
        user.groups.add(Group.objects.get(name=f"{role.title()}s"))
    return User.objects.get(pk=user.pk)


def client_as(role: str) -> Client:
    client = Client()
    if user := persona(role):
        client.force_login(user)
    return client


# Starting something new: the button and the server agree -------------------------------------

NEW = {
    # list page, the button's target, who may (the table's roles for the action)
    "rfc": ("/rfcs/", "/rfcs/new/", {"contributor", "editor", "staff"}),
    "meeting": ("/meetings/", "/meetings/new/", {"contributor", "editor", "staff"}),
    "decision": ("/decisions/", "/decisions/new/", {"contributor", "editor", "staff"}),
    "precedent": ("/precedents/", "/precedents/new/", {"editor", "staff"}),
}
NEW_CASES = [(kind, role) for kind in NEW for role in ROLES]


@pytest.mark.parametrize(("kind", "role"), NEW_CASES, ids=[f"{k}-{r}" for k, r in NEW_CASES])
def test_a_new_button_shows_exactly_where_the_server_accepts(kind, role):
    listing, target, allowed = NEW[kind]
    client = client_as(role)
    shown = f'href="{target}"' in client.get(listing).content.decode()
    answer = client.get(target)
    assert shown is (role in allowed), (kind, role)
    if role == "anonymous":
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/?next=")
    else:
        assert answer.status_code == (200 if role in allowed else 403), (kind, role)


def test_the_groups_hold_the_permissions_of_the_table():
    contributors = Group.objects.get(name="Contributors").permissions.all()
    editors = Group.objects.get(name="Editors").permissions.all()
    as_names = lambda perms: {f"{p.content_type.app_label}.{p.codename}" for p in perms}  # noqa: E731
    assert (
        as_names(contributors)
        == group_permissions(Role.CONTRIBUTOR)
        == {
            "decisions.propose_rfc",
            "decisions.submit_meeting",
            "decisions.propose_decision",
        }
    )
    assert {"decisions.add_meeting", "decisions.change_decision", "decisions.propose_rfc"} <= as_names(
        editors
    )


# A contributor's meeting notes wait for an editor ---------------------------------------------

NOTES = """# Cranelift weekly

### Register allocation

- **Chris F**: regalloc2 is faster on every benchmark we have.
"""


@pytest.fixture
def series() -> MeetingSeries:
    return MeetingSeries.objects.create(name="Cranelift weekly", slug="cranelift-weekly")


def submit_notes(client: Client, series: MeetingSeries, notes: str = NOTES, **extra: str):
    data = {"series": series.pk, "date": "2024-05-01", "notes": notes, "action": "save", **extra}
    return client.post("/meetings/new/", data)


def test_a_contributors_notes_wait_until_an_editor_accepts_them(series):
    contributor = client_as("contributor")
    response = submit_notes(contributor, series)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.awaiting_review
    page = contributor.get(meeting.get_absolute_url()).content.decode()
    assert "Waiting for an editor" in page and "Accept these notes" not in page
    assert "waiting for an editor" in contributor.get("/meetings/").content.decode()
    refused = contributor.post(f"/meetings/{meeting.pk}/accept/")
    assert refused.status_code == 403 and Meeting.objects.get().awaiting_review
    assert (
        "You are signed in as contributor (Contributors): not a role that may do this."
        in refused.content.decode()
    )
    editor = client_as("editor")
    assert "Accept these notes" in editor.get(meeting.get_absolute_url()).content.decode()
    editor.post(f"/meetings/{meeting.pk}/accept/")
    assert not Meeting.objects.get().awaiting_review
    assert "Waiting for an editor" not in Client().get(meeting.get_absolute_url()).content.decode()


def test_an_editors_notes_are_accepted_at_once(series):
    submit_notes(client_as("editor"), series)
    assert not Meeting.objects.get().awaiting_review


def test_a_contributor_may_not_save_over_a_meeting_they_had_no_part_in(series):
    existing = save_meeting(
        parse_meeting(WASMTIME_NOTES),
        series=series,
        date=datetime.date(2024, 5, 1),
        source_text=WASMTIME_NOTES,
    )
    contributor = client_as("contributor")
    preview = contributor.post(
        "/meetings/new/", {"series": series.pk, "date": "2024-05-01", "notes": NOTES, "action": "preview"}
    ).content.decode()
    assert "You may not update it" in preview and "Update the existing meeting" not in preview
    response = submit_notes(contributor, series, update_meeting=str(existing.pk), update_version="1")
    assert response.status_code == 403
    assert "update the notes of" in response.content.decode()
    assert Meeting.objects.get().source_text == WASMTIME_NOTES


# A contributor's decision is proposed; its owners decide ----------------------------------------


def test_a_contributor_proposes_a_decision_and_may_edit_but_not_decide_it():
    contributor = client_as("contributor")
    contributor.post(
        "/decisions/new/", {"title": "Which interpreter?", "context": "We need one.", "add_me": "on"}
    )
    decision = Decision.objects.get()
    assert decision.status == "proposed"
    assert decision.ownerships.get().role == OwnerRole.CONTRIBUTOR
    editor_page = contributor.get(f"/decisions/{decision.number}/edit/")
    assert editor_page.status_code == 200
    body = editor_page.content.decode()
    assert "Save outcome" not in body and "owners-TOTAL_FORMS" not in body
    refused = contributor.post(
        f"/decisions/{decision.number}/matrix/",
        {"action": "outcome", "status": "accepted", "version": decision.outcome_version},
    )
    assert refused.status_code == 403
    assert "You may not choose the outcome of DR-0001" in refused.content.decode()
    assert Decision.objects.get().status == "proposed"


def test_a_contributor_cannot_make_themselves_an_owner_by_posting_the_owners_form():
    contributor = client_as("contributor")
    contributor.post(
        "/decisions/new/", {"title": "Which interpreter?", "context": "We need one.", "add_me": "on"}
    )
    decision = Decision.objects.get()
    person = decision.ownerships.get().person
    form = contributor.get("/decisions/1/edit/").context["form"]
    data = {name: form[name].value() or "" for name in ("title", "context", "version")}
    data |= {"citations-TOTAL_FORMS": "0", "citations-INITIAL_FORMS": "0"}
    data |= {"discussions-TOTAL_FORMS": "0", "discussions-INITIAL_FORMS": "0"}
    data |= {"owners-TOTAL_FORMS": "1", "owners-INITIAL_FORMS": "0", "owners-0-person": str(person.pk)}
    data |= {"owners-0-role": "owner", "title": "Which interpreter, really?"}
    response = contributor.post("/decisions/1/edit/", data)
    assert response.status_code == 302
    assert Decision.objects.get().title == "Which interpreter, really?"  # the text is theirs to edit
    assert list(decision.ownerships.values_list("role", flat=True)) == [OwnerRole.CONTRIBUTOR]


def test_the_owner_of_a_proposed_decision_accepts_it():
    decision = make_decision(number=1, options=1, criteria=1)
    owner = User.objects.create_user("olive", password="pw")
    DecisionOwner.objects.create(
        decision=decision, person=make_person("Olive", user=owner), role=OwnerRole.OWNER
    )
    client = Client()
    client.force_login(owner)
    assert "Save outcome" in client.get("/decisions/1/edit/").content.decode()
    client.post("/decisions/1/matrix/", {"action": "outcome", "status": "accepted", "version": 1})
    assert Decision.objects.get().status == "accepted"


# RFC statuses: authors propose, the shepherd and editors decide ---------------------------------


def test_an_author_is_offered_only_the_authors_statuses_and_the_server_agrees():
    author = User.objects.create_user("ada", password="pw")
    rfc = make_rfc(number=6, authors=[make_person("Ada", user=author)])
    client = Client()
    client.force_login(author)
    form = client.get("/rfcs/6/edit/").context["form"]
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "proposed", "withdrawn"]
    data = {"title": rfc.title, "status": "accepted", "body": rfc.body, "version": rfc.version}
    response = client.post("/rfcs/6/edit/", data)
    assert response.status_code == 422 and RFC.objects.get().status == "draft"
    client.post("/rfcs/6/edit/", data | {"status": "proposed"})
    assert RFC.objects.get().status == "proposed"


def test_the_shepherd_may_accept_an_rfc():
    shepherd = User.objects.create_user("sam", password="pw")
    rfc = make_rfc(number=6, shepherd=make_person("Sam", user=shepherd))
    client = Client()
    client.force_login(shepherd)
    data = {"title": rfc.title, "status": "accepted", "body": rfc.body, "version": rfc.version}
    assert client.post("/rfcs/6/edit/", data).status_code == 302
    assert RFC.objects.get().status == "accepted"


# The 403 page ---------------------------------------------------------------------------------


def test_a_refusal_names_the_action_the_reason_and_who_can_grant_it():
    User.objects.create_user("stella", password="pw", is_staff=True, first_name="Stella", last_name="Staff")
    rfc = make_rfc(number=6, authors=[make_person("Ada Author")])
    client = client_as("account")
    response = client.get(f"/rfcs/{rfc.number}/edit/")
    body = response.content.decode()
    assert response.status_code == 403
    assert 'class="site-header"' in body  # the site's design, not a bare "403 Forbidden"
    assert "You may not edit RFC 6" in body
    assert "Only its authors and its shepherd, editors and staff may." in body
    assert "You are signed in as account, with no role given." in body
    assert "Ada Author" in body and "Stella Staff" in body
    assert 'href="/about/permissions/"' in body


def test_a_refusal_on_a_site_without_staff_says_how_to_make_one():
    body = client_as("account").get("/meetings/new/").content.decode()
    assert "You may not submit meeting notes" in body and "createsuperuser" in body


def test_signed_out_people_are_sent_to_sign_in_rather_than_refused():
    response = Client().post("/meetings/1/accept/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# The table, shown -----------------------------------------------------------------------------


def test_the_permissions_page_shows_every_action_and_role_of_the_table():
    body = Client().get("/about/permissions/").content.decode()
    for action in ACTIONS:
        assert action.says.replace("'", "&#x27;") in body
    for role in Role:
        assert f'<th scope="col">{role.label}</th>' in body
    assert "Yes: its authors and its shepherd" in body
    assert TABLE["meeting.new"].contributor_note in body


def test_the_footer_links_to_the_permissions_page_instead_of_asking_for_an_account():
    body = Client().get("/").content.decode()
    assert 'href="/about/permissions/">Who may do what</a>' in body
    assert "writing needs an account" not in body


def test_the_permissions_page_tells_a_contributor_what_their_account_may_do():
    body = client_as("contributor").get("/about/permissions/").content.decode()
    mine = body[body.index('id="mine-heading"') :]
    assert "Write a new RFC" in mine and "Submit meeting notes" in mine
    assert "Add a precedent" not in mine


def test_an_editor_given_the_model_permission_alone_keeps_working():
    user = User.objects.create_user("ed", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="add_precedent"))
    client = Client()
    client.force_login(user)
    assert client.get("/precedents/new/").status_code == 200
