"""Staff manage every model in /admin/."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from decisions.models import RFC, RFCRevision, RFCStatusChange
from tests.factories import make_decision, make_meeting, make_rfc

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label == "decisions"]


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def test_every_model_of_the_app_is_in_the_admin():
    names = {model.__name__ for model in MODELS}
    assert {
        "Person", "Area", "RFC", "RFCRevision", "MeetingSeries", "Meeting", "Topic", "ActionItem",
        "Precedent", "Decision", "Option", "Criterion", "Assessment",
    } <= names  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_each_changelist_opens_and_searches(staff_client, model):
    make_rfc(number=1)
    make_decision(number=1, options=2, criteria=2)
    make_meeting()
    url = reverse(f"admin:decisions_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == 200
    if admin.site._registry[model].search_fields:
        assert staff_client.get(url, {"q": "wasi"}).status_code == 200


def test_the_decision_page_has_inlines_for_owners_options_and_criteria(staff_client):
    decision = make_decision(number=1, options=2, criteria=3)
    body = staff_client.get(reverse("admin:decisions_decision_change", args=[decision.pk])).content.decode()
    for prefix in ("ownerships", "options", "criteria", "discussions", "citations"):
        assert f'id="{prefix}-group"' in body


def test_the_option_page_edits_its_assessments_inline(staff_client):
    decision = make_decision(number=1, options=1, criteria=2)
    option = decision.options.get()
    body = staff_client.get(reverse("admin:decisions_option_change", args=[option.pk])).content.decode()
    assert 'id="assessments-group"' in body
    assert body.count("note 0/") == 2


def test_the_meeting_page_has_inlines_for_topics_action_items_and_links(staff_client):
    meeting = make_meeting()
    body = staff_client.get(reverse("admin:decisions_meeting_change", args=[meeting.pk])).content.decode()
    for prefix in ("topics", "action_items", "links"):
        assert f'id="{prefix}-group"' in body


def test_an_edit_in_the_admin_is_recorded_in_the_history(staff_client):
    rfc = make_rfc(number=5, body="Old text\n")
    url = reverse("admin:decisions_rfc_change", args=[rfc.pk])
    data = {
        "series": "", "number": 5, "title": rfc.title, "slug": rfc.slug, "status": "proposed",
        "body": "New text\n", "body_format": "markdown", "metadata": "{}",
        "aliases-TOTAL_FORMS": 0, "aliases-INITIAL_FORMS": 0,
        "created_on": "2023-03-30", "discussion_url": "", "source": "", "areas": [], "authors": [],
        "status_changes-TOTAL_FORMS": 0, "status_changes-INITIAL_FORMS": 0,
        "revisions-TOTAL_FORMS": 0, "revisions-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = staff_client.post(url, data)
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "rror" in line
    ]
    assert RFC.objects.get(pk=rfc.pk).body_html == "<p>New text</p>\n"
    latest = RFCRevision.objects.filter(rfc=rfc).latest("number")
    assert (latest.number, latest.body, latest.author.username) == (2, "New text", "editor")
    assert RFCStatusChange.objects.filter(
        rfc=rfc, to_status="proposed", changed_by__username="editor"
    ).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("admin:decisions_rfc_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
