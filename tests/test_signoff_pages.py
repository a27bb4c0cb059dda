"""Sign-off on the pages (issue 17): the panel, positions in place (htmx) and without JavaScript,
refusals that say why, /motions/, "Waiting on me", and page costs that do not grow."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from decisions.models import ActionItem, DecisionOwner, Motion, Position, RuleKind, SignOffRule, Team
from decisions.signoff import flow
from tests.factories import make_decision, make_person, make_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture
def motion():
    team = Team.objects.create(name="Wasmtime core", slug="wasmtime-core")
    people = [make_person(name) for name in ("Ann A", "Ben B", "Cat C")]
    team.members.add(*people)
    SignOffRule.objects.create(scope="rfc", kind=RuleKind.MAJORITY, max_outstanding=1)
    rfc = make_rfc(number=8, title="Exception handling", authors=[make_person("Author Z")])
    return flow.propose(
        rfc, person=None, disposition="accept", teams=[team], summary="Ship *it*", now=timezone.now()
    )


def sign_in(client, person) -> User:
    user = User.objects.create_user(person.slug, password="pw")
    person.user = user
    person.save()
    client.force_login(user)
    return user


def test_the_panel_shows_members_positions_and_what_is_needed(client, motion):
    body = client.get("/rfcs/8/").content.decode()
    assert "Needs 2 more sign-offs" in body and "Ann A" in body and "no position yet" in body
    assert "<em>it</em>" in body  # the summary, rendered once on save
    assert "Your position" not in body  # visitors get no form


def test_a_member_records_a_position_in_place_with_htmx(client, motion):
    sign_in(client, Team.objects.get().members.get(name="Ann A"))
    response = client.post(
        f"/motions/{motion.pk}/position/", {"kind": "approve", "after": "0"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith(
        '<section class="card signoff" id="signoff-panel"'
    )
    assert "Position recorded: Approve." in body and "Needs 1 more sign-off</strong>" in body


def test_without_javascript_the_form_posts_and_comes_back_to_the_record(client, motion):
    sign_in(client, Team.objects.get().members.get(name="Ann A"))
    response = client.post(f"/motions/{motion.pk}/position/", {"kind": "abstain", "after": "0"})
    assert response.status_code == 302 and response["Location"] == "/rfcs/8/"
    assert Position.objects.get().kind == "abstain"


def test_a_position_from_a_stale_page_is_refused_with_409_and_the_choice_kept(client, motion):
    sign_in(client, Team.objects.get().members.get(name="Ann A"))
    client.post(f"/motions/{motion.pk}/position/", {"kind": "approve", "after": "0"})
    response = client.post(
        f"/motions/{motion.pk}/position/", {"kind": "recuse", "after": "0", "note": "conflict"}
    )
    body = response.content.decode()
    assert response.status_code == 409 and "changed (in another tab or window)" in body
    assert (
        'value="conflict"' in body and 'value="recuse" checked' in body.replace("\n", " ").replace("  ", " ")
    ) or "checked" in body
    assert Position.objects.count() == 1


def test_a_concern_needs_a_name_and_a_text(client, motion):
    sign_in(client, Team.objects.get().members.get(name="Ann A"))
    response = client.post(f"/motions/{motion.pk}/position/", {"kind": "concern", "after": "0"})
    assert response.status_code == 422
    assert "A concern needs a name" in response.content.decode()


def test_a_non_member_is_refused_with_a_page_that_says_who_may(client, motion):
    sign_in(client, make_person("Outsider O"))
    response = client.post(f"/motions/{motion.pk}/position/", {"kind": "approve", "after": "0"})
    body = response.content.decode()
    assert response.status_code == 403 and "Only members of the teams this motion asks" in body
    assert 'class="site-header"' in body


def test_an_open_concern_shows_with_its_resolve_form_for_the_raiser_then_struck_through(client, motion):
    ann = Team.objects.get().members.get(name="Ann A")
    flow.record_position(motion, person=ann, kind="concern", after=0, now=timezone.now(),
                         concern_name="migration cost", concern_text="Who pays?")  # fmt: skip
    sign_in(client, ann)
    body = client.get("/rfcs/8/").content.decode()
    assert "Blocked by 1 open concern" in body and "Resolve “migration cost”" in body
    concern = motion.concerns.get()
    client.post(f"/motions/{motion.pk}/concerns/{concern.pk}/resolve/", {"note": "Budgeted."})
    body = client.get("/rfcs/8/").content.decode()
    assert "<s>migration cost</s>" in body and "resolved by Ann A" in body and "Resolution: Budgeted." in body


def test_the_motions_page_lists_open_motions_with_filters(client, motion):
    decision = make_decision(number=1)
    other = flow.propose(
        decision,
        person=None,
        disposition="postpone",
        teams=list(Team.objects.all()),
        summary="",
        now=timezone.now(),
    )
    flow.withdraw(other, version=Motion.objects.get(pk=other.pk).version, note="", now=timezone.now())
    body = client.get("/motions/").content.decode()
    assert "RFC 8: Exception handling" in body and "DR-0001" not in body
    body = client.get("/motions/?state=withdrawn").content.decode()
    assert "DR-0001" in body and "RFC 8" not in body
    assert "1 motion match" in client.get("/motions/?record=rfc&team=wasmtime-core").content.decode()


def test_waiting_on_me_lists_positions_concerns_action_items_and_open_decisions(client, motion):
    ann = Team.objects.get().members.get(name="Ann A")
    decision = make_decision(number=3, title="Which interpreter?")
    DecisionOwner.objects.create(decision=decision, person=ann)
    ActionItem.objects.create(
        owner=ann, text="publish the numbers", due_on=timezone.localdate() + datetime.timedelta(days=2)
    )
    author = motion.rfc.authors.get()
    flow.record_position(motion, person=Team.objects.get().members.get(name="Ben B"), kind="concern", after=0,
                         now=timezone.now(), concern_name="scope", concern_text="Too broad.")  # fmt: skip
    sign_in(client, ann)
    body = client.get("/me/").content.decode()
    assert "RFC 8: motion to accept (merge)" in body and "publish the numbers" in body
    assert "DR-0003: Which interpreter?" in body
    body = client.get(author.get_absolute_url()).content.decode()
    assert "Waiting on Author Z" in body and "RFC 8: “scope”" in body


def test_an_account_linked_to_nobody_is_told_how_to_be_linked(client):
    client.force_login(User.objects.create_user("lonely", password="pw"))
    assert "Your account is not linked to a person" in client.get("/me/").content.decode()


def test_the_record_pages_cost_the_same_queries_with_a_bigger_motion(client, motion, count_queries):
    ann = Team.objects.get().members.get(name="Ann A")
    before = count_queries("/rfcs/8/")
    Team.objects.get().members.add(*[make_person(f"Extra {i}") for i in range(5)])
    flow.record_position(motion, person=ann, kind="approve", after=0, now=timezone.now())
    flow.record_position(motion, person=ann, kind="abstain", after=1, now=timezone.now())
    assert count_queries("/rfcs/8/") == before


def motions_on_new_records(count: int, team: Team) -> list[Motion]:
    """Open motions, every other one on a decision, each with a position and a concern."""
    ann, ben = team.members.get(name="Ann A"), team.members.get(name="Ben B")
    motions = []
    for index in range(count):
        record = make_rfc(title=f"RFC {index}") if index % 2 else make_decision(title=f"Record {index}")
        motion = flow.propose(
            record, person=None, disposition="accept", teams=[team], summary="", now=timezone.now()
        )
        flow.record_position(motion, person=ann, kind="approve", after=0, now=timezone.now())
        flow.record_position(
            motion, person=ben, kind="concern", after=0, now=timezone.now(), concern_name=f"scope {index}",
            concern_text="Too wide.",
        )  # fmt: skip
        motions.append(motion)
    return motions


def test_the_motions_api_costs_the_same_queries_for_2_and_15_motions(client, motion, count_queries):
    team = Team.objects.get()
    motions_on_new_records(1, team)  # with the fixture's motion: 2
    two = count_queries("/api/motions/")
    motions_on_new_records(13, team)
    assert count_queries("/api/motions/") == two
    results = client.get("/api/motions/").json()["results"]
    assert len(results) == 15
    # Read together, each motion says what its own page of the API says.
    for result in results[:3]:
        assert result == client.get(result["api_url"]).json()
    assert {result["record"]["api_url"].split("/")[-3] for result in results} == {"rfcs", "decisions"}


def test_the_motions_api_settles_a_period_that_ended_while_the_timer_was_late(client, motion):
    ended = timezone.now() - datetime.timedelta(days=1)
    Motion.objects.filter(pk=motion.pk).update(
        state="fcp", fcp_starts_at=ended - datetime.timedelta(days=10), fcp_ends_at=ended
    )
    [result] = client.get("/api/motions/").json()["results"]
    motion.refresh_from_db()
    assert motion.state != "fcp" and result["state"] == motion.state
    assert result["record"]["status"] == motion.record.status


def test_staff_manage_teams_in_the_admin_and_can_never_delete_a_motion_or_concern(client, motion):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    assert client.get("/admin/decisions/team/add/").status_code == 200
    assert client.get("/admin/decisions/signoffrule/add/").status_code == 200
    assert client.get(f"/admin/decisions/motion/{motion.pk}/change/").status_code == 200
    assert client.get(f"/admin/decisions/motion/{motion.pk}/delete/").status_code == 403
    assert client.get("/admin/decisions/concern/").status_code == 404  # not in the admin at all
