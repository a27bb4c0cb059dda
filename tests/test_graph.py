"""The decision graph (decisions/graph): typed edges from where each relation is stored and from
the links people state, the whole graph filtered, a record's neighbourhood, the panel on every
record, adding and removing a link, and the query count as the graph grows."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.graph import edges as graph
from decisions.graph.layout import NODE_W, draw
from decisions.graph.references import UnknownRecord, resolve_reference
from decisions.models import (
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    Link,
    OwnerRole,
    Precedent,
)
from tests.factories import make_area, make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    wasi = make_area("wasi")
    old = make_rfc("Old tables", number=2, created_on=datetime.date(2022, 1, 10), areas=[wasi])
    new = make_rfc("New tables", number=7, created_on=datetime.date(2023, 6, 1), supersedes=old, areas=[wasi])
    other = make_rfc("Unrelated", number=9, created_on=datetime.date(2023, 7, 1))
    meeting = make_meeting(datetime.date(2023, 3, 30))
    meeting.rfcs.add(new)
    decision = make_decision("Where do tables live?", number=4, decided_on=datetime.date(2023, 4, 2))
    decision.areas.add(wasi)
    decision.related_rfcs.add(old)
    DecisionMeeting.objects.create(decision=decision, meeting=meeting)
    precedent = Precedent.objects.create(title="KEP 625", url="https://example.org/kep-625")
    DecisionPrecedent.objects.create(decision=decision, precedent=precedent)
    implements = Link.objects.create(
        kind="implements", from_kind="rfc", from_id=new.pk, to_kind="decision", to_id=decision.pk
    )
    return locals()


def described(view: graph.View) -> set[str]:
    return {f"{row.source.code} {row.edge.label} {row.target.code}" for row in view.rows}


def test_every_stored_relation_and_stated_link_is_an_edge_of_its_type(records):
    view = graph.select(graph.Filter())
    assert described(view) == {
        "RFC 7 supersedes RFC 2",
        "RFC 7 discussed in 2023-03-30 Wasmtime project call",
        "DR-0004 discussed in 2023-03-30 Wasmtime project call",
        "DR-0004 cites RFC 2",
        "DR-0004 cites KEP 625",
        "RFC 7 implements DR-0004",
    }
    # A record with no link is not drawn.
    assert ("rfc", records["other"].pk) not in view.nodes
    (stated,) = [row.edge for row in view.rows if row.edge.stated]
    assert stated.link_id == records["implements"].pk


def test_the_graph_filters_by_area_dates_and_kinds(records):
    by_area = graph.select(graph.Filter(area=records["wasi"].pk))
    # The meeting's series has no area, so it drops out, and with it its edges.
    assert described(by_area) == {
        "RFC 7 supersedes RFC 2",
        "DR-0004 cites RFC 2",
        "DR-0004 cites KEP 625",
        "RFC 7 implements DR-0004",
    }
    in_2023 = graph.select(graph.Filter(since=datetime.date(2023, 1, 1)))
    assert "RFC 7 supersedes RFC 2" not in described(in_2023)  # RFC 2 is from 2022
    assert "RFC 7 implements DR-0004" in described(in_2023)
    rfcs_only = graph.select(graph.Filter(kinds=("rfc",)))
    assert described(rfcs_only) == {"RFC 7 supersedes RFC 2"}


def test_a_neighbourhood_is_one_or_two_steps_out(records):
    one = graph.neighbourhood(("rfc", records["old"].pk), depth=1)
    assert described(one) == {"RFC 7 supersedes RFC 2", "DR-0004 cites RFC 2"}
    two = graph.neighbourhood(("rfc", records["old"].pk), depth=2)
    assert "DR-0004 cites KEP 625" in described(two)
    assert "RFC 7 implements DR-0004" in described(two)


def test_the_drawing_runs_left_to_right_in_time_with_one_lane_per_kind(records):
    view = graph.select(graph.Filter())
    drawing = draw(view.nodes, view.edges)
    at = {placed.node.code: placed for placed in drawing.nodes}
    assert at["RFC 2"].x < at["DR-0004"].x < at["RFC 7"].x  # 2022, April 2023, June 2023
    assert at["RFC 2"].y < at["DR-0004"].y < at["2023-03-30 Wasmtime project call"].y
    assert [lane.kind for lane in drawing.lanes] == ["rfc", "decision", "meeting", "precedent"]
    assert len(drawing.curves) == len(view.edges)
    # Nodes of one lane never overlap.
    for lane in drawing.lanes:
        boxes = sorted((p.y, p.x) for p in drawing.nodes if p.node.kind == lane.kind)
        for (y1, x1), (y2, x2) in itertools.pairwise(boxes):
            assert y1 != y2 or x2 >= x1 + NODE_W


def test_references_name_records_of_every_kind(records):
    assert resolve_reference("RFC 7") == ("rfc", records["new"].pk)
    assert resolve_reference("DR-0004") == ("decision", records["decision"].pk)
    assert resolve_reference("decision 4") == ("decision", records["decision"].pk)
    assert resolve_reference(f"meeting {records['meeting'].pk}") == ("meeting", records["meeting"].pk)
    assert resolve_reference("http://testserver/decisions/4/") == ("decision", records["decision"].pk)
    assert resolve_reference("/rfcs/7/") == ("rfc", records["new"].pk)
    with pytest.raises(UnknownRecord, match="no decision record DR-0099"):
        resolve_reference("DR-99")
    with pytest.raises(UnknownRecord, match="names no record"):
        resolve_reference("the big one")


def test_the_graph_page_shows_the_drawing_and_the_same_links_as_text(client, records):
    response = client.get("/graph/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="group"' in html and '<title id="graph-title">' in html
    assert "implements" in html and "(stated)" in html
    assert html.count('class="node node-') == 5
    focused = client.get(f"/graph/?focus=decision:{records['decision'].pk}")
    assert "How DR-0004 links to other records" in focused.content.decode()
    assert client.get("/graph/?focus=decision:99999").status_code == 404
    bad = client.get("/graph/?since=2024-01-01&until=2023-01-01")
    assert "“From” must come before “To”." in bad.content.decode()


def test_every_record_page_has_the_panel_and_the_panel_lists_its_links(client, records):
    for url, kind, pk in (
        (records["decision"].get_absolute_url(), "decision", records["decision"].pk),
        (records["new"].get_absolute_url(), "rfc", records["new"].pk),
        (records["meeting"].get_absolute_url(), "meeting", records["meeting"].pk),
        (records["precedent"].get_absolute_url(), "precedent", records["precedent"].pk),
    ):
        page = client.get(url).content.decode()
        assert f'hx-get="/graph/{kind}/{pk}/"' in page, url
    panel = client.get(f"/graph/rfc/{records['new'].pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "supersedes" in panel and "implements" in panel and "Add a link" not in panel
    assert client.get("/graph/rfc/999999/").status_code == 404


def owner_of(decision: Decision) -> User:
    user = User.objects.create_user("owner", password="pw")
    person = make_person("Owner Person", user=user)
    DecisionOwner.objects.create(decision=decision, person=person, role=OwnerRole.OWNER)
    return user


def test_an_owner_adds_a_typed_link_and_removes_it(client, records):
    decision, rfc = records["decision"], records["other"]
    client.force_login(owner_of(decision))
    panel = client.get(f"/graph/decision/{decision.pk}/").content.decode()
    assert "Add a link" in panel
    response = client.post(
        f"/graph/decision/{decision.pk}/links/", {"kind": "amends", "target": "RFC 9", "note": "narrows it"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    link = Link.objects.get(kind="amends")
    assert (link.from_kind, link.from_id, link.to_kind, link.to_id) == (
        "decision",
        decision.pk,
        "rfc",
        rfc.pk,
    )
    assert "DR-0004 amends RFC 9" in described(graph.neighbourhood(("decision", decision.pk)))
    again = client.post(f"/graph/decision/{decision.pk}/links/", {"kind": "amends", "target": "RFC 9"})
    assert again.status_code == 422 and "This link is already there." in again.content.decode()
    removed = client.post(f"/graph/links/{link.pk}/remove/")
    assert removed.status_code == 302 and not Link.objects.filter(pk=link.pk).exists()


def test_a_bad_link_says_what_is_wrong_and_writes_nothing(client, records):
    decision = records["decision"]
    client.force_login(owner_of(decision))
    before = Link.objects.count()
    for target, says in (
        ("RFC 404", "names no record here"),
        ("DR-0004", "A record cannot link to itself."),
        ("", "This field is required."),
    ):
        response = client.post(f"/graph/decision/{decision.pk}/links/", {"kind": "cites", "target": target})
        assert response.status_code == 422, target
        assert says in response.content.decode(), target
    assert Link.objects.count() == before


def test_people_who_may_not_edit_the_record_cannot_link_it(client, records):
    outsider = User.objects.create_user("outsider", password="pw")
    client.force_login(outsider)
    response = client.post(
        f"/graph/decision/{records['decision'].pk}/links/", {"kind": "cites", "target": "RFC 9"}
    )
    assert response.status_code == 403
    assert "You may not link DR-0004" in response.content.decode()
    assert not Link.objects.filter(kind="cites").exists()


def test_a_deleted_record_takes_its_stated_links_with_it(records):
    assert Link.objects.count() == 1
    records["decision"].delete()
    assert Link.objects.count() == 0


def grow(n: int, start: int) -> None:
    """n more linked records of every kind."""
    for i in range(n):
        rfc = make_rfc(f"Grown {start + i}", number=1000 + start + i, created_on=datetime.date(2023, 1, 1))
        decision = make_decision(f"Grown {start + i}", number=2000 + start + i)
        decision.related_rfcs.add(rfc)
        meeting = make_meeting()
        meeting.rfcs.add(rfc)
        Link.objects.create(
            kind="amends", from_kind="decision", from_id=decision.pk, to_kind="rfc", to_id=rfc.pk
        )


def test_the_graph_and_the_panel_run_the_same_number_of_queries_as_the_data_grows(client, records):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    urls = ["/graph/", f"/graph/decision/{records['decision'].pk}/", f"/graph/?focus=rfc:{records['old'].pk}"]
    before = [queries(url) for url in urls]
    grow(12, 0)
    assert [queries(url) for url in urls] == before
    assert max(before) <= 10
