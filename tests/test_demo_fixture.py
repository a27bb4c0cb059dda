"""fixtures/demo.json: what `make run` shows a new user, loaded twice without change."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from decisions.models import RFC, Assessment, Decision, Meeting, Precedent, RFCRevision

pytestmark = pytest.mark.django_db

KUBERNETES_URLS = {
    "https://github.com/kubernetes/enhancements/issues/178",
    "https://kubernetes.io/blog/2019/12/09/kubernetes-1-17-feature-csi-migration-beta/",
    "https://kubernetes.io/blog/2021/12/10/storage-in-tree-to-csi-migration-status-update/",
}


@pytest.fixture
def demo():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "decisions", stdout=out, indent=1)
    return out.getvalue()


def test_loading_the_demo_twice_gives_the_same_data(demo):
    first = dump()
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    assert dump() == first


def test_the_demo_markdown_is_rendered_on_load(demo):
    assert not RFC.objects.filter(body_html="").exists()
    assert not RFC.objects.filter(toc=[]).exists()
    assert Decision.objects.get(number=1).context_html.startswith("<p>")


def test_the_demo_meeting_is_the_wasmtime_call_of_2023_03_30(demo):
    meeting = Meeting.objects.get(date="2023-03-30", series__slug="wasmtime-project-call")
    first_names = {person.name.split()[0] for person in meeting.attendees.all()}
    assert first_names >= {"Jamey", "Till", "Nick", "Chris", "Joel", "Steve", "Victor", "Roman", "Johnnie"}
    remarks = [remark for topic in meeting.topics.all() for remark in topic.remarks.all() if remark.speaker]
    speakers = {remark.speaker.name.split()[0] for remark in remarks}
    assert speakers >= first_names
    titles = " ".join(meeting.topics.values_list("title", flat=True)).lower()
    for words in ("review", "wasi", "trampoline", "exception"):
        assert words in titles
    actions = {(item.owner.name.split()[0], item.text.lower()) for item in meeting.action_items.all()}
    assert any(owner == "Till" and "rfc" in text for owner, text in actions)
    assert any(owner == "Victor" and "kubernetes" in text for owner, text in actions)


def test_dr_0001_has_a_full_matrix_and_cites_the_kubernetes_precedents(demo):
    decision = Decision.objects.get(number=1)
    assert decision.title == "Where do shared WASI API implementations live?"
    assert decision.status == "open" and decision.chosen_option is None
    assert decision.ownerships.get(role="owner").person.name.startswith("Till")
    assert decision.options.count() == 7 and decision.criteria.count() == 8
    assert Assessment.objects.filter(option__decision=decision).count() == 56
    assert not Assessment.objects.filter(option__decision=decision, note="").exists()
    assert set(decision.precedents.values_list("url", flat=True)) == KUBERNETES_URLS
    assert decision.meetings.filter(date="2023-03-30").exists()


def test_the_demo_rfcs_cover_varied_states_with_history(demo):
    assert RFC.objects.count() >= 8
    assert RFC.objects.values("status").distinct().count() >= 6
    assert RFCRevision.objects.filter(number__gte=2).values("rfc").distinct().count() >= 3
    for rfc in RFC.objects.all():
        assert rfc.revisions.latest("number").body == rfc.body


def test_every_demo_page_opens(client, demo):
    urls = ["/", "/rfcs/", "/meetings/", "/decisions/", "/precedents/"]
    urls += [rfc.get_absolute_url() for rfc in RFC.objects.all()]
    urls += [f"/rfcs/{rfc.number}/history/" for rfc in RFC.objects.all()]
    urls += [meeting.get_absolute_url() for meeting in Meeting.objects.all()]
    urls += [decision.get_absolute_url() for decision in Decision.objects.all()]
    urls += [precedent.get_absolute_url() for precedent in Precedent.objects.all()]
    for url in urls:
        assert client.get(url).status_code == 200, url
