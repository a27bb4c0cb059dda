"""`revisit_by` on accepted decisions: the record says when, the editor sets it, the export and
import keep it, and the "due for review" list and feed show what has come due."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from decisions.models import Decision, DecisionStatus
from decisions.records import review
from decisions.records.export import decision_filename, decision_to_markdown
from tests.factories import make_decision

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def decisions():
    overdue = make_decision("Overdue one", number=1, status=DecisionStatus.ACCEPTED, revisit_by=days(-3))
    today = make_decision("Due today", number=2, status=DecisionStatus.ACCEPTED, revisit_by=days(0))
    soon = make_decision("Due soon", number=3, status=DecisionStatus.ACCEPTED, revisit_by=days(10))
    later = make_decision("Due later", number=4, status=DecisionStatus.ACCEPTED, revisit_by=days(90))
    still_open = make_decision("Still open", number=5, status=DecisionStatus.OPEN, revisit_by=days(-3))
    return overdue, today, soon, later, still_open


def test_only_accepted_decisions_whose_date_came_are_due(decisions):
    now = timezone.localdate()
    assert [review.is_due(d, now) for d in decisions] == [True, True, False, False, False]
    listed = review.review(now)
    assert [d.number for d in listed.due] == [1, 2]
    assert [d.number for d in listed.coming] == [3]


def test_the_review_page_lists_due_and_coming_records(client, decisions):
    html = client.get("/decisions/review/").content.decode()
    due, coming = html.split('id="coming-heading"')
    assert "Overdue one" in due and "Due today" in due and "Due soon" not in due
    assert "Due soon" in coming and "Due later" not in coming and "Still open" not in html


def test_the_feed_has_an_entry_per_due_decision_that_changes_with_the_date(client, decisions):
    feed = client.get("/decisions/review/feed/").content.decode()
    assert feed.count("<entry>") == 2
    assert f"/decisions/1/#review-{days(-3).isoformat()}" in feed
    assert "Due for review: DR-0001: Overdue one" in feed


def test_the_record_page_says_when_it_is_due(client, decisions):
    assert "due for review since" in client.get("/decisions/1/").content.decode()
    assert "revisit by" in client.get("/decisions/3/").content.decode()


def test_the_date_survives_export_and_import(decisions, tmp_path):
    from django.core.management import call_command

    record = Decision.objects.get(number=3)
    text = decision_to_markdown(record)
    assert f"revisit-by: {days(10).isoformat()}" in text
    Decision.objects.filter(number=3).update(revisit_by=None)
    (tmp_path / decision_filename(record)).write_text(text)
    call_command("import_decisions", str(tmp_path), verbosity=0)
    assert Decision.objects.get(number=3).revisit_by == days(10)


def test_the_api_gives_the_date(client, decisions):
    data = client.get("/api/decisions/3/").json()
    assert data["revisit_by"] == days(10).isoformat()
