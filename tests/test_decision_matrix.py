"""The matrix editor's rules: no lost rating, no refusal between different cells, options or
criteria; a conflict on the same thing shown beside it; removal asked first; GET is a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from decisions.models import Assessment, Decision
from tests.factories import make_decision
from tests.test_decision_edit import make_editor, matrix_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


@pytest.fixture
def decision() -> Decision:
    return make_decision(number=1, options=2, criteria=2)


def cells(decision: Decision) -> dict[tuple[str, str], tuple[int, str]]:
    return {
        (a.option.name, a.criterion.name): (a.rating, a.note)
        for a in Assessment.objects.filter(option__decision=decision).select_related("option", "criterion")
    }


def test_two_people_rating_different_cells_from_the_same_page_both_land(client, editor, decision):
    first, second = decision.options.all()
    criterion = decision.criteria.first()
    seen = {o.pk: Assessment.objects.get(option=o, criterion=criterion).version for o in (first, second)}
    for option, note in ((first, "Mine"), (second, "Theirs")):
        response = matrix_post(
            client, decision, version=seen[option.pk], action="rate", option=option.pk,
            criterion=criterion.pk, rating=1, note=note,
        )  # fmt: skip
        assert response.status_code == 200
    assert cells(decision)[("Option 0", "Criterion 0")] == (1, "Mine")
    assert cells(decision)[("Option 1", "Criterion 0")] == (1, "Theirs")


def test_renaming_an_option_and_a_criterion_from_stale_pages_both_land(client, editor, decision):
    option, criterion = decision.options.first(), decision.criteria.first()
    matrix_post(client, decision, action="rate", option=option.pk, criterion=criterion.pk, rating=2)
    matrix_post(client, decision, action="add-option", **{"new-option-name": "Another"})
    response = matrix_post(
        client, decision, version=1, action="update-option", option=option.pk, name="Renamed"
    )
    assert response.status_code == 200
    response = matrix_post(
        client, decision, version=1, action="update-criterion", criterion=criterion.pk, name="Speed", weight=3
    )
    assert response.status_code == 200
    assert (
        decision.options.filter(name="Renamed").exists() and decision.criteria.filter(name="Speed").exists()
    )


def test_a_conflict_on_the_same_cell_shows_their_value_beside_yours(client, editor, decision):
    option, criterion = decision.options.first(), decision.criteria.first()
    seen = Assessment.objects.get(option=option, criterion=criterion).version
    matrix_post(
        client, decision, action="rate", option=option.pk, criterion=criterion.pk, rating=2, note="Theirs"
    )
    response = matrix_post(
        client, decision, version=seen, action="rate", option=option.pk, criterion=criterion.pk,
        rating=-1, note="Mine",
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 409
    assert body.lstrip().startswith(f'<td class="cell r-pos2 draft" id="cell-{option.pk}-{criterion.pk}">')
    assert "Theirs:</strong>" in body and "Strongly for (+2), “Theirs”" in body
    assert 'value="Mine"' in body and '<option value="-1" selected>' in body
    assert f'name="version" value="{seen + 1}"' in body  # saving again replaces theirs knowingly
    again = matrix_post(
        client, decision, version=seen + 1, action="rate", option=option.pk, criterion=criterion.pk,
        rating=-1, note="Mine",
    )  # fmt: skip
    assert again.status_code == 200 and cells(decision)[("Option 0", "Criterion 0")] == (-1, "Mine")


def test_a_rating_answers_htmx_with_its_cell_and_the_row_total(client, editor, decision):
    option, criterion = decision.options.first(), decision.criteria.first()
    response = matrix_post(
        client, decision, action="rate", option=option.pk, criterion=criterion.pk, rating=2
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<td class="cell r-pos2" id="cell-{option.pk}-{criterion.pk}">')
    # -2 * weight 1 - 1 * weight 2 = -4 before; +2 * 1 - 1 * 2 = +0 after
    assert f'<td class="total" id="total-{option.pk}" hx-swap-oob="true"><strong>+0</strong></td>' in body
    assert "Rated “Option 0” on Criterion 0: Strongly for." in body


def test_the_same_value_saved_by_two_people_is_no_conflict(client, editor, decision):
    option, criterion = decision.options.first(), decision.criteria.first()
    data = {"action": "rate", "option": option.pk, "criterion": criterion.pk, "rating": 2, "note": "Same"}
    seen = Assessment.objects.get(option=option, criterion=criterion).version
    assert matrix_post(client, decision, version=seen, **data).status_code == 200
    assert matrix_post(client, decision, version=seen, **data).status_code == 200


def test_a_stale_rename_of_the_same_option_says_what_it_is_now(client, editor, decision):
    option = decision.options.first()
    matrix_post(client, decision, action="update-option", option=option.pk, name="Theirs")
    response = matrix_post(client, decision, version=1, action="update-option", option=option.pk, name="Mine")
    body = response.content.decode()
    assert response.status_code == 409
    assert (
        "Someone else changed this option after you opened the page; it is now the option “Theirs”." in body
    )
    assert 'value="Mine"' in body
    assert decision.options.filter(name="Theirs").exists()


def test_the_outcome_and_the_record_text_do_not_refuse_each_other(client, editor, decision):
    record_version = decision.version
    response = matrix_post(
        client, decision, action="outcome", chosen_option="", status="proposed", decided_on=""
    )
    assert response.status_code == 200
    decision.refresh_from_db()
    assert decision.version == record_version  # an open record form is still current
    response = matrix_post(client, decision, version=1, action="outcome", status="deferred", decided_on="")
    assert response.status_code == 409
    assert (
        "Someone else saved the outcome after you opened the page; it is now: no option chosen, proposed."
        in (response.content.decode())
    )


def test_removing_asks_first_in_the_editor(client, editor, decision):
    criterion = decision.criteria.first()
    response = matrix_post(client, decision, action="remove-criterion", criterion=criterion.pk)
    body = response.content.decode()
    assert response.status_code == 200 and decision.criteria.count() == 2
    assert "Remove the criterion “Criterion 0” (weight 1)?" in body
    assert "Its 2 ratings and 2 notes go with it." in body
    assert 'name="confirm" value="yes"' in body
    response = matrix_post(client, decision, action="remove-criterion", criterion=criterion.pk, confirm="yes")
    assert "Removed the criterion “Criterion 0” (weight 1) and its 2 ratings." in response.content.decode()
    assert "Undo: put it back" in response.content.decode()
    assert decision.criteria.count() == 1


def test_without_javascript_removing_asks_on_a_page_of_its_own(client, editor, decision):
    option = decision.options.first()
    response = matrix_post(client, decision, htmx=False, action="remove-option", option=option.pk)
    assert response.status_code == 303
    assert response["Location"] == f"/decisions/1/matrix/?remove=option&id={option.pk}"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "<title>Remove option from DR-0001" in body
    assert "Remove the option “Option 0”?" in body and 'href="/decisions/1/edit/#matrix-editor"' in body
    response = matrix_post(
        client, decision, htmx=False, action="remove-option", option=option.pk, confirm="yes"
    )
    assert response.status_code == 302 and decision.options.count() == 1


def test_a_removal_confirmed_after_someone_changed_the_row_asks_again(client, editor, decision):
    option = decision.options.first()
    matrix_post(client, decision, action="update-option", option=option.pk, name="Renamed since")
    response = matrix_post(
        client, decision, version=1, action="remove-option", option=option.pk, confirm="yes"
    )
    assert response.status_code == 409
    assert "Someone changed the option “Renamed since” since you asked" in response.content.decode()
    assert decision.options.count() == 2


def test_a_get_of_the_matrix_url_goes_to_the_editor(client, editor, decision):
    response = client.get(reverse("decisions:decision-matrix", args=[1]))
    assert response.status_code == 302 and response["Location"] == "/decisions/1/edit/#matrix-editor"
    fragment = client.get(reverse("decisions:decision-matrix", args=[1]), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="matrix-editor"')


def test_a_get_of_the_matrix_url_signed_out_asks_to_sign_in(client, decision):
    response = client.get(reverse("decisions:decision-matrix", args=[1]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
