"""Writing decision records: who may, the htmx matrix editor, and refusing stale saves."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from decisions.models import (
    Assessment,
    Criterion,
    Decision,
    DecisionOwner,
    DecisionStatus,
    DecisionStatusChange,
    Option,
    Person,
    Precedent,
)
from tests.factories import make_decision, make_person, make_rfc

pytestmark = pytest.mark.django_db


def make_editor(username: str = "editor") -> User:
    user = User.objects.create_user(username, password="pw")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_decision", "change_decision"]))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


def shown_version(decision, data) -> int:
    """The version the editor's form for this change carries: each cell, option, criterion and
    the outcome has its own."""
    action = data.get("action", "").partition(":")[0]
    if action == "rate":
        cell = Assessment.objects.filter(option=data["option"], criterion=data["criterion"]).first()
        return cell.version if cell else 0
    if action.endswith("-option") and "option" in data:
        return Option.objects.get(pk=data["option"]).version
    if action.endswith("-criterion") and "criterion" in data:
        return Criterion.objects.get(pk=data["criterion"]).version
    return decision.outcome_version if action == "outcome" else 1


def matrix_post(client, decision, htmx=True, **data):
    decision.refresh_from_db()
    data.setdefault("version", shown_version(decision, data))
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("decisions:decision-matrix", args=[decision.number]), data, headers=headers)


# Permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/decisions/new/", "/decisions/1/edit/", "/precedents/new/"], ids=["new", "edit", "precedent"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    make_decision(number=1)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_anonymous_posts_change_nothing(client):
    decision = make_decision(number=1)
    response = client.post(
        reverse("decisions:decision-matrix", args=[1]),
        {"action": "add-option", "version": 1, "new-option-name": "X"},
    )
    assert response.status_code == 302
    assert not decision.options.exists()


def test_a_signed_in_reader_without_permission_is_refused(client):
    make_decision(number=1)
    client.force_login(User.objects.create_user("reader", password="pw"))
    assert client.get("/decisions/1/edit/").status_code == 403
    assert client.get("/decisions/new/").status_code == 403
    assert (
        client.post(reverse("decisions:decision-matrix", args=[1]), {"action": "add-option"}).status_code
        == 403
    )


def test_an_owner_may_edit_their_own_decision(client):
    user = User.objects.create_user("till", password="pw")
    decision = make_decision(number=1, owner=make_person("Till S", user=user))
    client.force_login(user)
    assert client.get(f"/decisions/{decision.number}/edit/").status_code == 200


def test_readers_do_not_see_edit_links(client):
    decision = make_decision(number=1)
    assert b"/decisions/1/edit/" not in client.get(decision.get_absolute_url()).content


# Creating and editing the record --------------------------------------------------------


def test_creating_a_decision_numbers_it_and_opens_the_editor(client, editor):
    make_decision(number=4)
    Person.objects.create(name="Ed Itor", slug="ed", user=editor)
    response = client.post("/decisions/new/", {"title": "Which interpreter?", "context": "We need one."})
    decision = Decision.objects.get(title="Which interpreter?")
    assert decision.number == 5
    assert response["Location"] == "/decisions/5/edit/"
    assert DecisionOwner.objects.get(decision=decision).person.slug == "ed"
    assert DecisionStatusChange.objects.get(decision=decision).to_status == "open"


def test_a_question_is_required(client, editor):
    response = client.post("/decisions/new/", {"title": "", "context": "x"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Decision.objects.exists()


def record_data(decision, **overrides):
    data = {
        "title": decision.title, "context": "New context", "rationale": "", "consequences": "",
        "supersedes": "", "related_rfc_numbers": "", "version": decision.version,
        "owners-TOTAL_FORMS": 0, "owners-INITIAL_FORMS": 0,
        "citations-TOTAL_FORMS": 0, "citations-INITIAL_FORMS": 0,
        "discussions-TOTAL_FORMS": 0, "discussions-INITIAL_FORMS": 0,
    }  # fmt: skip
    data.update(overrides)
    return data


def test_saving_the_record_links_rfcs_and_owners(client, editor):
    decision = make_decision(number=1)
    make_rfc(number=6)
    person = make_person("Nick F")
    data = record_data(decision, related_rfc_numbers="#6", **{
        "owners-TOTAL_FORMS": 1, "owners-0-person": person.pk, "owners-0-role": "approver",
    })  # fmt: skip
    response = client.post(f"/decisions/{decision.number}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    decision.refresh_from_db()
    assert decision.context_html == "<p>New context</p>\n"
    assert list(decision.related_rfcs.values_list("number", flat=True)) == [6]
    assert decision.ownerships.get().role == "approver"
    assert decision.version == 2


def test_a_failure_in_the_middle_of_a_save_leaves_the_record_as_it_was(client, editor, monkeypatch):
    """The record, its RFC links and its owners are one save: the owners failing undoes the rest."""
    from django.test import Client

    from decisions.records import forms

    decision = make_decision(number=1, context="Old context")
    make_rfc(number=6)
    person = make_person("Nick F")

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(forms.OwnerFormSet, "save", broken_save)
    data = record_data(decision, related_rfc_numbers="6", **{
        "owners-TOTAL_FORMS": 1, "owners-0-person": person.pk, "owners-0-role": "approver",
    })  # fmt: skip
    quiet = Client(raise_request_exception=False)
    quiet.force_login(User.objects.get(username="editor"))
    assert quiet.post(f"/decisions/{decision.number}/edit/", data).status_code == 500
    decision.refresh_from_db()
    assert (decision.context, decision.version) == ("Old context", 1)
    assert not decision.related_rfcs.exists() and not decision.ownerships.exists()


def test_an_unknown_rfc_number_is_a_clear_error(client, editor):
    decision = make_decision(number=1)
    response = client.post(
        f"/decisions/{decision.number}/edit/", record_data(decision, related_rfc_numbers="6, x")
    )
    assert response.status_code == 422
    assert "“x” is not an RFC number" in response.content.decode()


def test_a_stale_record_save_is_refused_and_keeps_the_text(client, editor):
    decision = make_decision(number=1)
    stale = record_data(decision, context="My careful paragraph")
    client.post(f"/decisions/{decision.number}/edit/", record_data(decision, context="Their paragraph"))
    response = client.post(f"/decisions/{decision.number}/edit/", stale)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this decision" in body
    assert "My careful paragraph" in body
    decision.refresh_from_db()
    assert decision.context == "Their paragraph"
    assert f'name="version" value="{decision.version}"' in body  # saving again is a choice, not an accident


# The matrix editor -----------------------------------------------------------------------


def test_adding_options_and_criteria_returns_the_editor_fragment(client, editor):
    decision = make_decision(number=1)
    response = matrix_post(client, decision, action="add-option", **{"new-option-name": "RPC service"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="matrix-editor"')
    assert "Added the option “RPC service”." in body
    matrix_post(
        client,
        decision,
        action="add-criterion",
        **{"new-criterion-name": "Stability", "new-criterion-weight": 5},
    )
    assert list(decision.criteria.values_list("name", "weight")) == [("Stability", 5)]
    assert response["X-Decision-Version"] == "1"  # the record's text form stays current


def test_a_duplicate_option_name_is_refused_with_the_input_kept(client, editor):
    decision = make_decision(number=1)
    Option.objects.create(decision=decision, name="RPC service")
    response = matrix_post(client, decision, action="add-option", **{"new-option-name": "rpc SERVICE"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "“rpc SERVICE” is already one of the options; pick another name." in body
    assert 'value="rpc SERVICE"' in body
    assert decision.options.count() == 1


def test_rating_a_cell_saves_rating_and_note(client, editor):
    decision = make_decision(number=1, options=1, criteria=1)
    option, criterion = decision.options.get(), decision.criteria.get()
    matrix_post(
        client, decision, action="rate", option=option.pk, criterion=criterion.pk, rating=-2, note="No ABI"
    )
    assessment = Assessment.objects.get(option=option, criterion=criterion)
    assert (assessment.rating, assessment.note) == (-2, "No ABI")


def test_a_rating_outside_the_scale_is_refused(client, editor):
    decision = make_decision(number=1, options=1, criteria=1)
    option, criterion = decision.options.get(), decision.criteria.get()
    response = matrix_post(
        client, decision, action="rate", option=option.pk, criterion=criterion.pk, rating=5
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_renaming_reordering_and_removing(client, editor):
    decision = make_decision(number=1, options=3, criteria=2)
    first, second, third = decision.options.all()
    matrix_post(
        client, decision, action="update-option", option=second.pk, name="Renamed", summary="", why_not=""
    )
    matrix_post(client, decision, action="move-option:up", option=third.pk)
    assert list(decision.options.values_list("name", flat=True)) == ["Option 0", "Option 2", "Renamed"]
    left, _right = decision.criteria.all()
    matrix_post(client, decision, action="move-criterion:right", criterion=left.pk)
    assert list(decision.criteria.values_list("name", flat=True)) == ["Criterion 1", "Criterion 0"]
    matrix_post(client, decision, action="remove-criterion", criterion=left.pk, confirm="yes")
    matrix_post(client, decision, action="remove-option", option=first.pk, confirm="yes")
    assert decision.criteria.count() == 1 and decision.options.count() == 2
    assert Assessment.objects.filter(option__decision=decision).count() == 2


def test_choosing_the_outcome_sets_status_and_timeline(client, editor):
    decision = make_decision(number=1, options=2, criteria=1)
    option = decision.options.last()
    matrix_post(client, decision, action="outcome", chosen_option=option.pk, status="accepted", decided_on="")
    decision.refresh_from_db()
    assert decision.chosen_option == option and decision.status == DecisionStatus.ACCEPTED
    assert decision.decided_on is not None
    assert DecisionStatusChange.objects.filter(decision=decision, to_status="accepted").exists()


def test_without_javascript_a_matrix_change_redirects_back_to_the_editor(client, editor):
    decision = make_decision(number=1)
    response = matrix_post(client, decision, htmx=False, action="add-criterion", **{
        "new-criterion-name": "Code size", "new-criterion-weight": 1,
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/decisions/1/edit/#matrix-editor"
    assert decision.criteria.get().name == "Code size"


def test_a_stale_rating_of_the_same_cell_is_refused_and_the_attempt_shown_again(client, editor):
    decision = make_decision(number=1, options=1, criteria=1)
    option, criterion = decision.options.get(), decision.criteria.get()
    seen = Assessment.objects.get(option=option).version
    matrix_post(
        client, decision, action="rate", option=option.pk, criterion=criterion.pk, rating=2, note="Theirs"
    )
    response = matrix_post(
        client, decision, version=seen, action="rate", option=option.pk, criterion=criterion.pk,
        rating=-1, note="Mine",
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else rated this cell" in body
    assert 'value="Mine"' in body and '<option value="-1" selected>' in body
    assert Assessment.objects.get(option=option).note == "Theirs"


def test_a_criterion_weight_over_ten_is_refused(client, editor):
    decision = make_decision(number=1)
    response = matrix_post(
        client, decision, action="add-criterion", **{"new-criterion-name": "X", "new-criterion-weight": 11}
    )
    assert response.status_code == 422
    assert not Criterion.objects.exists()


# Precedents ------------------------------------------------------------------------------


def test_staff_create_and_edit_precedents(client):
    user = User.objects.create_user("curator", password="pw")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_precedent", "change_precedent"]))
    client.force_login(user)
    response = client.post("/precedents/new/", {
        "title": "KEP 178", "url": "https://github.com/kubernetes/enhancements/issues/178",
        "organization": "Kubernetes", "kind": "proposal", "date": "2017-01-10", "summary": "", "lessons": "Go slow.",
    })  # fmt: skip
    assert response.status_code == 302
    precedent = Precedent.objects.get()
    assert precedent.lessons_html == "<p>Go slow.</p>\n"
    response = client.post(
        f"/precedents/{precedent.pk}/edit/",
        {"title": "KEP 178", "url": "not a url", "kind": "proposal", "version": precedent.version},
    )
    assert response.status_code == 422 and "Enter a valid URL." in response.content.decode()


def test_the_later_of_two_precedent_saves_is_refused_and_keeps_the_input(client):
    user = User.objects.create_user("curator", password="pw")
    user.user_permissions.add(*Permission.objects.filter(codename="change_precedent"))
    client.force_login(user)
    precedent = Precedent.objects.create(
        title="KEP 178", url="https://github.com/kubernetes/enhancements/issues/178"
    )
    base = {"url": precedent.url, "kind": "proposal", "version": precedent.version}
    first = client.post(
        f"/precedents/{precedent.pk}/edit/", base | {"title": "Theirs", "lessons": "Go slow."}
    )
    assert first.status_code == 302
    second = client.post(
        f"/precedents/{precedent.pk}/edit/", base | {"title": "Mine", "lessons": "Typed at length."}
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved this precedent" in page and "Typed at length." in page
    assert Precedent.objects.get(pk=precedent.pk).title == "Theirs"


def test_a_garbled_version_is_treated_as_stale_not_a_crash(client, editor):
    decision = make_decision(number=1, options=1, criteria=1)
    option, criterion = decision.options.get(), decision.criteria.get()
    response = matrix_post(
        client, decision, version="abc", action="rate", option=option.pk, criterion=criterion.pk, rating=2
    )
    assert response.status_code == 409
    assert Assessment.objects.get(option=option).note == "note 0/0"
