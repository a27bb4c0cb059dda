"""Independent ratings: blind sheets, submit, reveal, median and spread, discussion points, and
putting a disagreement on a planned meeting's agenda."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from decisions.meetings.planning import NotPlannable, add_to_agenda
from decisions.models import (
    Decision,
    DecisionMeeting,
    DecisionOwner,
    Meeting,
    MeetingSeries,
    OwnerRole,
    RatingSheet,
    SheetRating,
)
from decisions.records.ratings.compare import half_steps, median2
from tests.factories import make_decision, make_meeting, make_person

pytestmark = pytest.mark.django_db

URL = "/decisions/1/ratings/"


def account(name: str, **fields) -> User:
    user = User.objects.create_user(name.lower(), f"{name.lower()}@example.org", "pw-long-enough", **fields)
    make_person(name, user=user)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def people(db):
    decision = make_decision(number=1, options=2, criteria=2)
    owner, ana, ben = account("Olga"), account("Ana"), account("Ben")
    DecisionOwner.objects.create(decision=decision, person=owner.person, role=OwnerRole.OWNER)
    return decision, owner, ana, ben


def cells(decision: Decision) -> list[tuple[int, int]]:
    return [(o.pk, c.pk) for o in decision.options.all() for c in decision.criteria.all()]


def rate_all(client, decision: Decision, values: list[int]) -> None:
    for (option, criterion), value in zip(cells(decision), values, strict=True):
        response = client.post(
            f"{URL}rate/", {"option": option, "criterion": criterion, "rating": value, "version": 0}
        )
        assert response.status_code == 302, response.content.decode()[:500]


def signed_in(client, user: User):
    client.force_login(user)
    return client


def invite(client, owner: User, *invited: User) -> None:
    signed_in(client, owner)
    for user in invited:
        assert client.post(f"{URL}invite/", {"person": user.person.pk}).status_code == 302


def api(client) -> dict:
    return json.loads(client.get("/api/decisions/1/ratings/").content)


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_ones_in_half_steps():
    assert median2([2, -1, 1]) == 2  # +1
    assert median2([1, 2]) == 3  # +1½
    assert median2([-2, 1, 0, 2]) == 1  # +½
    assert [half_steps(v) for v in (3, -1, 0, 4, -4)] == ["+1½", "−½", "0", "+2", "−2"]


def test_a_sheet_is_hidden_from_another_rater_until_it_is_submitted(client, people):
    decision, owner, ana, ben = people
    invite(client, owner, ana, ben)
    signed_in(client, ana)
    rate_all(client, decision, [2, 2, -2, -2])
    signed_in(client, ben)
    seen = api(client)
    ana_sheet = next(sheet for sheet in seen["sheets"] if sheet["person"] == "Ana")
    assert ana_sheet["state"] == "rating" and ana_sheet["ratings"] is None
    assert seen["consensus"] is None
    csv = b"".join(client.get("/decisions/1/ratings.csv").streaming_content).decode()
    assert "Ana" not in csv
    page = client.get(URL).content.decode()
    assert "Hidden until you submit your sheet" in page and "Ana +2" not in page
    # Ana submits; Ben still sees nothing of hers until he submits too.
    signed_in(client, ana).post(f"{URL}submit/")
    signed_in(client, ben)
    assert next(s for s in api(client)["sheets"] if s["person"] == "Ana")["ratings"] is None
    rate_all(client, decision, [-2, 2, -2, 1])
    assert client.post(f"{URL}submit/").status_code == 302
    seen = api(client)
    assert len(next(s for s in seen["sheets"] if s["person"] == "Ana")["ratings"]) == 4
    assert "Ana +2" in client.get(URL).content.decode()
    # A visitor sees nothing until the owners reveal.
    client.logout()
    assert all(sheet["ratings"] is None for sheet in api(client)["sheets"])


def test_the_owner_sees_who_submitted_but_not_what_until_revealing(client, people):
    decision, owner, ana, ben = people
    invite(client, owner, ana, ben)
    signed_in(client, ana)
    rate_all(client, decision, [2, 1, 0, -1])
    client.post(f"{URL}submit/")
    signed_in(client, owner)
    seen = api(client)
    assert {s["person"]: s["state"] for s in seen["sheets"]} == {
        "Olga": "not started", "Ana": "submitted", "Ben": "not started",
    }  # fmt: skip
    assert all(s["ratings"] is None for s in seen["sheets"] if s["person"] != "Olga")
    assert client.post(f"{URL}reveal/").status_code == 302
    client.logout()
    seen = api(client)
    assert seen["revealed"] and len(next(s for s in seen["sheets"] if s["person"] == "Ana")["ratings"]) == 4


def test_the_markdown_export_and_the_record_api_carry_no_sheet(client, people):
    decision, owner, ana, _ = people
    before = (client.get("/decisions/1.md").content, client.get("/api/decisions/1/").content)
    invite(client, owner, ana)
    signed_in(client, ana)
    rate_all(client, decision, [2, 2, 2, 2])
    client.logout()
    after = (client.get("/decisions/1.md").content, client.get("/api/decisions/1/").content)
    assert before == after


def test_a_submitted_sheet_is_final_until_the_reveal_and_revisions_keep_what_was_submitted(client, people):
    decision, owner, ana, _ = people
    invite(client, owner, ana)
    signed_in(client, ana)
    rate_all(client, decision, [1, 1, 1, 1])
    client.post(f"{URL}submit/")
    option, criterion = cells(decision)[0]
    change = {"option": option, "criterion": criterion, "rating": -2, "version": 1}
    refused = client.post(f"{URL}rate/", change)
    assert refused.status_code == 409
    assert "you may revise them once the owners reveal" in refused.content.decode()
    signed_in(client, owner).post(f"{URL}reveal/")
    assert signed_in(client, ana).post(f"{URL}rate/", change).status_code == 302
    row = SheetRating.objects.get(sheet__person=ana.person, option_id=option, criterion_id=criterion)
    assert (row.rating, row.submitted_rating, row.version) == (-2, 1, 2)
    assert RatingSheet.objects.get(person=ana.person).revised_at is not None
    assert "submitted as +1" in client.get(URL).content.decode()


def test_a_stale_save_of_a_cell_is_refused_and_the_value_typed_is_kept(client, people):
    decision, owner, ana, _ = people
    invite(client, owner, ana)
    signed_in(client, ana)
    option, criterion = cells(decision)[0]
    base = {"option": option, "criterion": criterion}
    client.post(f"{URL}rate/", {**base, "rating": 1, "version": 0})
    client.post(f"{URL}rate/", {**base, "rating": 2, "version": 1})  # another window
    stale = client.post(f"{URL}rate/", {**base, "rating": -1, "version": 1})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "in another window" in page and 'value="-1" selected' in page
    assert SheetRating.objects.get(option_id=option, criterion_id=criterion).rating == 2
    # The same value again from the old version is no conflict.
    assert client.post(f"{URL}rate/", {**base, "rating": 2, "version": 1}).status_code == 302


def test_submitting_needs_every_cell_and_bad_ratings_say_what_is_wrong(client, people):
    decision, owner, ana, _ = people
    invite(client, owner, ana)
    signed_in(client, ana)
    option, criterion = cells(decision)[0]
    bad = client.post(f"{URL}rate/", {"option": option, "criterion": criterion, "rating": 7, "version": 0})
    assert bad.status_code == 422 and "7 is not a rating" in bad.content.decode()
    client.post(f"{URL}rate/", {"option": option, "criterion": criterion, "rating": 1, "version": 0})
    refused = client.post(f"{URL}submit/")
    assert refused.status_code == 422
    assert "not rated yet: “Option 0” on Criterion 1, “Option 1” on Criterion 0" in refused.content.decode()
    assert not RatingSheet.objects.get(person=ana.person).submitted


def test_spread_median_farthest_and_discussion_points(client, people):
    decision, owner, ana, ben = people
    invite(client, owner, ana, ben)
    # cells: (O0,C0) (O0,C1) (O1,C0) (O1,C1); criteria weights 1 and 2
    for user, values in ((owner, [2, 1, 0, 0]), (ana, [1, 1, 0, -1]), (ben, [-2, 1, 1, 0])):
        signed_in(client, user)
        rate_all(client, decision, values)
        client.post(f"{URL}submit/")
    signed_in(client, owner).post(f"{URL}reveal/")
    consensus = api(client)["consensus"]
    first = consensus["rows"][0]["cells"][0]
    assert (first["low"], first["high"], first["median"]) == (-2, 2, 1)
    assert first["farthest"] == ["Ben"] and first["discussion_point"]
    assert [c["discussion_point"] for r in consensus["rows"] for c in r["cells"]] == [
        True,
        False,
        False,
        False,
    ]
    # Medians: O0 = +1, +1 -> 1*1 + 1*2 = 3; O1 = 0, 0 -> 0.
    assert [r["weighted_total"] for r in consensus["rows"]] == [3, 0]
    page = client.get(URL).content.decode()
    assert "Discussion points" in page and "Farthest from the median: Ben (−2)" in page


def test_an_even_number_of_raters_gives_a_half_step_median(client, people):
    decision, owner, ana, _ = people
    invite(client, owner, ana)
    for user, values in ((owner, [1, 0, 0, 0]), (ana, [2, 0, 0, 0])):
        signed_in(client, user)
        rate_all(client, decision, values)
        client.post(f"{URL}submit/")
    consensus = api(client)["consensus"]
    assert consensus["rows"][0]["cells"][0]["median"] == 1.5
    assert consensus["rows"][0]["weighted_total"] == 1.5
    assert "between For and Strongly for" in client.get(URL).content.decode()


def test_who_may_invite_reveal_and_rate_and_the_refusal_pages(client, people):
    decision, owner, ana, ben = people
    signed_in(client, ana)
    for path in ("invite/", "reveal/"):
        refused = client.post(f"{URL}{path}", {"person": ben.person.pk})
        assert refused.status_code == 403
        assert "Only its owners, drivers and approvers, editors and staff may." in refused.content.decode()
    option, criterion = cells(decision)[0]
    refused = client.post(
        f"{URL}rate/", {"option": option, "criterion": criterion, "rating": 1, "version": 0}
    )
    assert refused.status_code == 403 and "each for themselves" in refused.content.decode()
    staff = User.objects.create_superuser("root", "root@example.org", "pw-long-enough")
    assert signed_in(client, staff).post(f"{URL}rate/", {"option": option}).status_code == 403
    nobody = make_person("No Account")
    signed_in(client, owner)
    refused = client.post(f"{URL}invite/", {"person": nobody.pk})
    assert refused.status_code == 422 and "has no account" in refused.content.decode()
    about = client.get("/about/permissions/").content.decode()
    assert (
        "Rate a decision&#x27;s matrix on your own sheet" in about
        or "Rate a decision's matrix on your own sheet" in about
    )


def test_a_disagreement_goes_on_a_planned_meeting_made_for_it_and_links_back(client, people):
    decision, owner, ana, _ = people
    series = MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    invite(client, owner, ana)
    for user, values in ((owner, [2, 0, 0, 0]), (ana, [-1, 0, 0, 0])):
        signed_in(client, user)
        rate_all(client, decision, values)
        client.post(f"{URL}submit/")
    signed_in(client, owner)
    option, criterion = cells(decision)[0]
    day = timezone.localdate() + datetime.timedelta(days=7)
    form = {"point": f"{option}-{criterion}", "series": series.pk, "date": day.isoformat()}
    response = client.post(f"{URL}agenda/", form)
    meeting = Meeting.objects.get(series=series, date=day)
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/#agenda"
    assert meeting.planned and meeting.source_text == ""
    assert (
        "DR-0001" in meeting.agenda
        and f"/decisions/1/ratings/#point-{option}-{criterion}" in meeting.agenda_html
    )
    assert DecisionMeeting.objects.filter(decision=decision, meeting=meeting).exists()
    # Twice is once; a past day and a day whose notes are taken are refused with a reason.
    client.post(f"{URL}agenda/", form)
    assert Meeting.objects.get(pk=meeting.pk).agenda.count("DR-0001") == 1
    past = client.post(f"{URL}agenda/", {**form, "date": "2001-01-01"})
    assert past.status_code == 409 and "is past" in past.content.decode()
    held = make_meeting(date=day + datetime.timedelta(days=1), series=series, source_text="# Notes")
    taken = client.post(f"{URL}agenda/", {**form, "date": held.date.isoformat()})
    assert taken.status_code == 409 and "already has its notes" in taken.content.decode()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Planned:" in page and "/decisions/1/ratings/#point-" in page


def test_notes_saved_over_a_planned_meeting_keep_its_agenda_and_make_it_held(db):
    from decisions.meetings.parsing import parse_meeting
    from decisions.meetings.saving import save_meeting

    series = MeetingSeries.objects.create(name="Cranelift weekly", slug="cranelift-weekly")
    day = timezone.localdate() + datetime.timedelta(days=3)
    planned, added = add_to_agenda(series, day, "- DR-0001: talk about it")
    assert added and planned.planned
    text = "# Cranelift weekly\n\n## Regalloc\n\nWe talked.\n"
    saved = save_meeting(parse_meeting(text), series=series, date=day, source_text=text)
    assert saved.pk == planned.pk and not saved.planned
    assert "DR-0001: talk about it" in Meeting.objects.get(pk=planned.pk).agenda
    with pytest.raises(NotPlannable):
        add_to_agenda(series, day, "- another")


def test_the_ratings_page_costs_the_same_queries_with_more_raters(
    client, people, django_assert_max_num_queries
):
    decision, owner, ana, _ = people
    invite(client, owner, ana)
    signed_in(client, ana)
    rate_all(client, decision, [1, 1, 1, 1])
    client.post(f"{URL}submit/")
    signed_in(client, owner).post(f"{URL}reveal/")
    client.logout()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for n in range(6):
        extra = account(f"Extra {n}")
        RatingSheet.objects.create(round=decision.rating_round, person=extra.person)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries) <= 10


def test_htmx_gets_the_rated_cell_with_the_status_and_the_rater_list_out_of_band(client, people):
    decision, owner, ana, _ = people
    invite(client, owner, ana)
    signed_in(client, ana)
    option, criterion = cells(decision)[0]
    form = {"option": option, "criterion": criterion, "rating": 1, "version": 0}
    answer = client.post(f"{URL}rate/", form, HTTP_HX_REQUEST="true").content.decode()
    assert answer.lstrip().startswith(f'<td class="cell r-pos1" id="sheet-{option}-{criterion}">')
    assert 'id="sheet-status"' in answer and "Rated “Option 0” on Criterion 0: For." in answer
    assert 'id="rater-list" hx-swap-oob="true"' in answer and "Ana</a>: <span" in answer
    stale = client.post(f"{URL}rate/", {**form, "rating": -1}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409 and "in another window" in stale.content.decode()
    assert "<html" not in stale.content.decode()


def test_an_owner_sees_the_page_in_a_constant_number_of_queries(client, people):
    decision, owner, ana, _ = people
    invite(client, owner, ana)
    for user, values in ((owner, [2, 0, 0, 0]), (ana, [-1, 0, 0, 0])):
        signed_in(client, user)
        rate_all(client, decision, values)
        client.post(f"{URL}submit/")
    MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, owner)
    with CaptureQueriesContext(connection) as few:
        assert "Put on the agenda" in client.get(URL).content.decode()
    for n in range(5):
        extra = account(f"Extra {n}")
        RatingSheet.objects.create(
            round=decision.rating_round, person=extra.person, submitted_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries), [
        q["sql"][:90] for q in many.captured_queries
    ]
    # Constant and within the budget of 10: the session, the account and its person, the page's
    # own reads, and for an owner the people to invite with the meeting series of the agenda form
    # (one query).
    assert len(many.captured_queries) == 10, [q["sql"][:90] for q in many.captured_queries]
