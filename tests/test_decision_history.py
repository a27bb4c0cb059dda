"""A decision record's history: every save a revision with who, when and a diff; removals undone;
status timeline dates taken from the record."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from decisions.models import Assessment, Criterion, DecisionRevision, DecisionStatus
from decisions.records.export import decision_filename, decision_to_markdown
from decisions.records.importing import import_folder
from tests.factories import make_decision
from tests.test_decision_edit import make_editor, matrix_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


def history_page(client, decision) -> str:
    response = client.get(reverse("decisions:decision-history", args=[decision.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_rating_is_a_revision_with_who_when_and_a_diff(client, editor):
    decision = make_decision(number=1, options=1, criteria=1)
    option, criterion = decision.options.get(), decision.criteria.get()
    matrix_post(
        client, decision, action="rate", option=option.pk, criterion=criterion.pk, rating=2, note="Fast"
    )
    page = history_page(client, decision)
    assert "Revision 2" in page and "editor — Rated “Option 0” on Criterion 0: Strongly for." in page
    assert "-  Option 0 × Criterion 0: -2 Strongly against — note 0/0" in page
    assert "+  Option 0 × Criterion 0: +2 Strongly for — Fast" in page


def test_the_first_change_keeps_the_record_as_it_was_before_it(client, editor):
    decision = make_decision(number=1)
    matrix_post(client, decision, action="add-option", **{"new-option-name": "RPC service"})
    first, second = DecisionRevision.objects.filter(decision=decision).order_by("number")
    assert first.message == "The record before its history was kept" and first.author is None
    assert first.state["options"] == [] and second.state["options"][0]["name"] == "RPC service"
    assert second.author == editor


def test_a_record_save_is_a_revision_naming_what_changed(client, editor):
    decision = make_decision(number=1, context="Old")
    form = {"title": decision.title, "context": "New context", "rationale": "", "consequences": "",
            "supersedes": "", "related_rfc_numbers": "", "version": decision.version}  # fmt: skip
    for prefix in ("owners", "citations", "discussions"):
        form |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    assert client.post(f"/decisions/{decision.number}/edit/", form).status_code == 302
    revision = decision.revisions.order_by("-number").first()
    assert revision.message == "Edited the record: context and problem statement"
    page = history_page(client, decision)
    assert "-  Old" in page and "+  New context" in page


def test_a_move_that_changes_nothing_is_no_revision(client, editor):
    decision = make_decision(number=1, options=2)
    first = decision.options.first()
    matrix_post(client, decision, action="move-option:up", option=first.pk)  # already at the top
    assert decision.revisions.count() == 1  # the record as it was, and nothing after it


def test_a_removed_criterion_is_put_back_with_its_ratings_and_notes(client, editor):
    decision = make_decision(number=1, options=2, criteria=3)
    middle = decision.criteria.all()[1]
    cells = sorted(Assessment.objects.filter(criterion=middle).values_list("option__name", "rating", "note"))
    matrix_post(client, decision, action="remove-criterion", criterion=middle.pk, confirm="yes")
    removal = decision.revisions.order_by("-number").first()
    assert "Undo this removal: put “Criterion 1” back" in history_page(client, decision)

    response = client.post(reverse("decisions:decision-undo", args=[1, removal.number]), {"back": "history"})
    assert response.status_code == 302 and response["Location"] == "/decisions/1/history/"
    assert list(decision.criteria.values_list("name", flat=True)) == [
        "Criterion 0",
        "Criterion 1",
        "Criterion 2",
    ]
    back = Criterion.objects.get(decision=decision, name="Criterion 1")
    assert (back.weight, back.pk != middle.pk) == (middle.weight, True)
    assert (
        sorted(Assessment.objects.filter(criterion=back).values_list("option__name", "rating", "note"))
        == cells
    )
    latest = decision.revisions.order_by("-number").first()
    assert (
        latest.message
        == f"Put back the criterion “Criterion 1” with 2 ratings (removed in revision {removal.number})."
    )
    assert "Undo this removal" not in history_page(client, decision)  # it is there again


def test_putting_back_twice_is_refused_and_changes_nothing(client, editor):
    decision = make_decision(number=1, options=2, criteria=1)
    option = decision.options.first()
    matrix_post(client, decision, action="remove-option", option=option.pk, confirm="yes")
    removal = decision.revisions.order_by("-number").first()
    url = reverse("decisions:decision-undo", args=[1, removal.number])
    client.post(url)
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "“Option 0” is in the matrix already, so nothing was put back." in response.content.decode()
    assert decision.options.filter(name="Option 0").count() == 1


def test_removing_the_chosen_option_and_putting_it_back_chooses_it_again(client, editor):
    decision = make_decision(number=1, options=2, criteria=1)
    chosen = decision.options.last()
    decision.chosen_option = chosen
    decision.save()
    matrix_post(client, decision, action="remove-option", option=chosen.pk, confirm="yes")
    decision.refresh_from_db()
    assert decision.chosen_option is None
    client.post(
        reverse("decisions:decision-undo", args=[1, decision.revisions.order_by("-number")[0].number])
    )
    decision.refresh_from_db()
    assert decision.chosen_option.name == "Option 1"


def test_readers_see_the_history_but_no_undo(client):
    decision = make_decision(number=1, options=1, criteria=1)
    editor = make_editor("other")
    client.force_login(editor)
    matrix_post(client, decision, action="remove-option", option=decision.options.get().pk, confirm="yes")
    client.logout()
    page = history_page(client, decision)
    assert "Removed the option “Option 0” and its 1 rating." in page
    assert "Undo this removal" not in page


def test_an_import_is_a_revision_and_the_same_import_again_is_not(tmp_path: Path):
    decision = make_decision(number=7, options=1, criteria=1)
    path = tmp_path / decision_filename(decision)
    path.write_text(decision_to_markdown(decision).replace(decision.title, "A new question"))
    import_folder(tmp_path)
    import_folder(tmp_path)
    revisions = list(decision.revisions.order_by("number"))
    assert [r.message for r in revisions] == [
        "The record before its history was kept",
        f"Imported from {path.name}",
    ]
    assert revisions[1].state["fields"]["title"] == "A new question"


def test_an_accepted_record_without_a_recorded_change_is_dated_by_its_decided_on(client):
    decided = datetime.date(2023, 4, 27)
    decision = make_decision(number=1, status=DecisionStatus.ACCEPTED, decided_on=decided)
    page = client.get(decision.get_absolute_url()).content.decode()
    assert '<time datetime="2023-04-27">2023-04-27</time>' in page
    assert "Decided on this day, as the record says" in page
    assert datetime.date.today().isoformat() not in page


def test_accepting_with_a_past_decided_on_dates_the_timeline_by_it(client, editor):
    decision = make_decision(number=1, options=1)
    matrix_post(
        client, decision, action="outcome", chosen_option="", status="accepted", decided_on="2023-04-27"
    )
    change = decision.status_changes.get()
    assert (change.to_status, change.changed_on) == ("accepted", datetime.date(2023, 4, 27))
    matrix_post(
        client, decision, action="outcome", chosen_option="", status="deferred", decided_on="2023-04-27"
    )
    assert decision.status_changes.last().changed_on == datetime.date.today()  # deferring happened now
