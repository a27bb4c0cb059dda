"""/rfcs/export.csv and /decisions/export.csv: the filtered lists as spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from decisions.api.csv import csv_cell
from decisions.models import DecisionMeeting, DecisionOwner, DecisionStatus, Option, OwnerRole, RFCStatus
from tests.factories import make_area, make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db
RFC_CSV = reverse("decisions:rfc-export-csv")
DECISION_CSV = reverse("decisions:decision-export-csv")


def rows(client, url: str, **params: str) -> list[list[str]]:
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


@pytest.fixture
def catalogue():
    till, nick = make_person("Till Schneidereit"), make_person("Nick Fitzgerald")
    wasi, cranelift = make_area("wasi"), make_area("cranelift")
    make_rfc("Shared WASI implementations", number=1, authors=[till], areas=[wasi], shepherd=nick)
    make_rfc(
        "Exception handling", number=2, status=RFCStatus.ACCEPTED, authors=[nick, till], areas=[cranelift]
    )
    return {"till": till, "nick": nick}


def test_the_rfc_csv_has_a_header_and_one_row_per_rfc(client, catalogue):
    header, *body = rows(client, RFC_CSV)
    assert header == [
        "number",
        "title",
        "status",
        "authors",
        "shepherd",
        "areas",
        "created",
        "updated",
        "url",
        "series",
    ]
    assert [row[:7] for row in body] == [
        [
            "2",
            "Exception handling",
            "Accepted",
            "Nick Fitzgerald; Till Schneidereit",
            "",
            "cranelift",
            "2023-03-30",
        ],
        [
            "1",
            "Shared WASI implementations",
            "Draft",
            "Till Schneidereit",
            "Nick Fitzgerald",
            "wasi",
            "2023-03-30",
        ],
    ]
    assert datetime.datetime.fromisoformat(body[0][7]).tzinfo is not None
    assert body[0][8] == "http://testserver/rfcs/2/"


def test_the_rfc_csv_applies_the_filters_and_sort_of_the_page(client, catalogue):
    assert [row[0] for row in rows(client, RFC_CSV, status="accepted")[1:]] == ["2"]
    assert [row[0] for row in rows(client, RFC_CSV, author="till-schneidereit", sort="number")[1:]] == [
        "1",
        "2",
    ]
    assert [row[0] for row in rows(client, RFC_CSV, area="wasi")[1:]] == ["1"]


def test_a_download_is_an_attachment(client, catalogue):
    response = client.get(RFC_CSV)
    assert response["Content-Disposition"] == 'attachment; filename="rfcs.csv"'
    assert client.get(DECISION_CSV)["Content-Disposition"] == 'attachment; filename="decisions.csv"'


def test_names_outside_ascii_survive_as_utf8(client):
    make_rfc("Résumé of the naïve approach", number=5, authors=[make_person("Łukasz Żółć")])
    assert rows(client, RFC_CSV)[1][1:4] == ["Résumé of the naïve approach", "Draft", "Łukasz Żółć"]


def test_the_decision_csv_lists_owners_with_roles_the_outcome_and_the_last_meeting(client):
    till, nick = make_person("Till S"), make_person("Nick F")
    decision = make_decision("Where do shared WASI implementations live?", number=7, owner=till, options=2)
    DecisionOwner.objects.create(decision=decision, person=nick, role=OwnerRole.APPROVER, order=1)
    decision.chosen_option = Option.objects.get(decision=decision, name="Option 1")
    decision.status, decision.decided_on = DecisionStatus.ACCEPTED, datetime.date(2023, 4, 20)
    decision.save()
    for day in (13, 6):
        DecisionMeeting.objects.create(decision=decision, meeting=make_meeting(datetime.date(2023, 4, day)))
    header, row = rows(client, DECISION_CSV)
    assert header == [
        "number", "code", "title", "status", "owners", "chosen option", "decided on", "last discussed", "url",
    ]  # fmt: skip
    assert row == [
        "7", "DR-0007", "Where do shared WASI implementations live?", "Accepted",
        "Till S (owner); Nick F (approver)", "Option 1", "2023-04-20", "2023-04-13",
        "http://testserver/decisions/7/",
    ]  # fmt: skip


def test_the_decision_csv_applies_the_filters_of_the_page(client):
    till = make_person("Till S")
    make_decision("Open question", number=1, owner=till)
    make_decision("Settled question", number=2, status=DecisionStatus.ACCEPTED)
    assert [row[1] for row in rows(client, DECISION_CSV, status="accepted")[1:]] == ["DR-0002"]
    assert [row[1] for row in rows(client, DECISION_CSV, owner="till-s")[1:]] == ["DR-0001"]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(client, text):
    make_rfc(text, number=9, authors=[make_person(text)])
    row = rows(client, RFC_CSV)[1]
    assert row[1] == row[3] == f"'{text}"


def test_harmless_cells_are_left_alone():
    assert [csv_cell(value) for value in ("Plain", "a=b", 12, None, "")] == ["Plain", "a=b", "12", "", ""]


def test_the_list_pages_link_to_the_csv_of_their_current_filters(client, catalogue):
    body = client.get(reverse("decisions:rfc-list"), {"status": "accepted", "page": "1"}).content.decode()
    assert f'href="{RFC_CSV}?status=accepted"' in body
    body = client.get(reverse("decisions:decision-list"), {"status": "open"}).content.decode()
    assert f'href="{DECISION_CSV}?status=open"' in body


def seed(count: int) -> None:
    person, area = make_person(f"Person {count}"), make_area("wasi")
    meeting = make_meeting(datetime.date(2023, 1, 1) + datetime.timedelta(days=count))
    for _ in range(count):
        make_rfc(authors=[person], areas=[area], shepherd=person)
        decision = make_decision(owner=person, options=1)
        decision.chosen_option = decision.options.get()
        decision.save()
        DecisionMeeting.objects.create(decision=decision, meeting=meeting)


@pytest.mark.parametrize("url", [RFC_CSV, DECISION_CSV])
def test_an_export_runs_the_same_queries_for_3_and_40_rows(count_queries, url):
    seed(3)
    few = count_queries(url)
    seed(37)
    assert count_queries(url) == few
