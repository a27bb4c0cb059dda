"""Constraints and behaviour of the data model that users would notice."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from decisions import markdown
from decisions.models import (
    RFC,
    Assessment,
    Criterion,
    Option,
    Person,
    RFCRevision,
    RFCStatus,
    RFCStatusChange,
)
from tests.factories import make_decision, make_person, make_rfc

pytestmark = pytest.mark.django_db


def test_rfc_numbers_are_unique():
    make_rfc(number=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_rfc(number=7, title="Another")


def test_decision_numbers_are_unique():
    make_decision(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_decision(number=1, title="Another question?")


def test_a_matrix_cell_holds_one_assessment():
    decision = make_decision(options=1, criteria=1)
    option, criterion = decision.options.get(), decision.criteria.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(option=option, criterion=criterion, rating=1)


@pytest.mark.parametrize("rating", [-3, 3])
def test_the_database_refuses_ratings_outside_minus_two_to_two(rating):
    decision = make_decision(options=1)
    criterion = Criterion.objects.create(decision=decision, name="Stability", weight=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(option=decision.options.get(), criterion=criterion, rating=rating)


def test_the_database_refuses_weights_above_ten():
    decision = make_decision()
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(decision=decision, name="Code size", weight=11)


def test_option_names_are_unique_within_a_decision_only():
    first, second = make_decision(), make_decision(title="Other?")
    Option.objects.create(decision=first, name="RPC service")
    Option.objects.create(decision=second, name="RPC service")
    with pytest.raises(IntegrityError), transaction.atomic():
        Option.objects.create(decision=first, name="RPC service")


def test_an_assessment_may_not_mix_two_decisions():
    first, second = make_decision(options=1), make_decision(title="Other?")
    criterion = Criterion.objects.create(decision=second, name="Stability")
    assessment = Assessment(option=first.options.get(), criterion=criterion, rating=0)
    with pytest.raises(ValidationError, match="same decision"):
        assessment.full_clean()


def test_the_chosen_option_must_belong_to_the_decision():
    first, second = make_decision(options=1), make_decision(title="Other?", options=1)
    first.chosen_option = second.options.get()
    with pytest.raises(ValidationError, match="one of this decision's options"):
        first.full_clean()


def test_saving_renders_markdown_and_its_table_of_contents_onto_the_row():
    rfc = make_rfc(body="# Summary\n\nHello *world*.\n")
    stored = RFC.objects.get(pk=rfc.pk)
    assert stored.body_html == '<h1 id="user-content-summary">Summary</h1>\n<p>Hello <em>world</em>.</p>\n'
    assert stored.toc == [{"level": 1, "id": "user-content-summary", "title": "Summary"}]


def test_markdown_is_rendered_again_only_when_the_text_changes():
    rfc = RFC.objects.get(pk=make_rfc().pk)
    with mock.patch.object(markdown, "render_document", wraps=markdown.render_document) as spy:
        rfc.title = "Renamed"
        rfc.save()
        assert spy.call_count == 0
        rfc.body = "# New text\n"
        rfc.save()
        assert spy.call_count == 1
    assert "New text" in RFC.objects.get(pk=rfc.pk).body_html


def test_an_oversized_body_is_a_validation_error_naming_the_field(settings):
    settings.MARKDOWN_MAX_BYTES = 100
    rfc = RFC(number=1, title="Big", body="x" * 200, created_on="2023-01-01")
    with pytest.raises(ValidationError) as error:
        rfc.full_clean()
    assert "body" in error.value.message_dict
    assert "limit is 0 KB" in error.value.message_dict["body"][0]


def test_record_change_stores_a_revision_per_edit_and_an_event_per_status_change():
    rfc = make_rfc(status=RFCStatus.DRAFT, body="First text\n")
    rfc.body = "Second text\n"
    rfc.status = RFCStatus.PROPOSED
    rfc.record_change(message="Ready for review", note="Opened for comments")
    rfc.title = rfc.title  # no change at all
    assert rfc.record_change() is None
    revisions = list(RFCRevision.objects.filter(rfc=rfc).order_by("number"))
    assert [(r.number, r.body, r.message) for r in revisions] == [
        (1, "First text\n", "Created"),
        (2, "Second text\n", "Ready for review"),
    ]
    changes = list(RFCStatusChange.objects.filter(rfc=rfc).values_list("from_status", "to_status", "note"))
    assert changes == [("", "draft", ""), ("draft", "proposed", "Opened for comments")]


def test_a_revision_diff_marks_added_and_removed_lines():
    rfc = make_rfc(body="keep\nold line\n")
    rfc.body = "keep\nnew line\n"
    rfc.record_change()
    first, second = RFCRevision.objects.filter(rfc=rfc).order_by("number")
    diff = second.diff_from(first)
    assert ("del", "-old line") in diff
    assert ("add", "+new line") in diff
    assert ("same", " keep") in diff


def test_people_get_unique_slugs_from_their_names():
    first = make_person("Till Schneidereit")
    second = make_person("Till Schneidereit")
    assert (first.slug, second.slug) == ("till-schneidereit", "till-schneidereit-2")


def test_aliases_must_be_a_list_of_names():
    person = Person(name="Nick", slug="nick", aliases="Nick")
    with pytest.raises(ValidationError, match="JSON list"):
        person.full_clean()


def test_rfc_sections_are_its_top_level_headings():
    rfc = make_rfc()
    assert [s["title"] for s in rfc.sections] == [
        "Summary",
        "Motivation",
        "Proposal",
        "Rationale and alternatives",
        "Open questions",
    ]
