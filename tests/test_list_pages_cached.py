"""The lists built from fragments kept under the data state (issue 19): the RFC list, meetings,
motions, action items, the review list and the motions API read their rows only when a fragment
is rendered. Paging must still walk every row once, keep the filters, and an edit must show at
once; the forms inside a shared fragment carry each person's own CSRF token.

These tests commit for real (transaction=True): fragments are keyed by the committed state of
the database, which a test wrapped in one transaction never moves. The whole-page cache is off,
so every request builds its page.
"""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import (
    RFC,
    ActionItem,
    DecisionStatus,
    Meeting,
    MeetingSeries,
    Motion,
    RFCStatus,
    RuleKind,
    SignOffRule,
    Team,
)
from decisions.signoff import flow
from tests.conftest import get_counted
from tests.factories import make_decision, make_meeting, make_person, make_rfc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("built_pages")]
RFCS = reverse("decisions:rfc-list")
MEETINGS = reverse("decisions:meeting-list")
MOTIONS = reverse("decisions:motion-list")
ITEMS = reverse("decisions:action-item-list")
REVIEW = reverse("decisions:decision-review")
API_MOTIONS = reverse("decisions:motion-api-list")


def get(client: Client, url: str, **params: str) -> tuple[str, int]:
    return get_counted(client, url, params)


def link(body: str, rel: str) -> str | None:
    """The query string of the page's "next" or "prev" link, as a browser would follow it."""
    found = re.search(rf'<a href="(\?[^"]*)" rel="{rel}"', body)
    return unescape(found.group(1)) if found else None


def walk(client: Client, url: str, first: str, rows: str) -> tuple[list[list[str]], list[str]]:
    """Every page from `first` by its "Next" links, then back by "Previous": the rows of each
    page going forward and the query strings seen."""
    pages, queries, query = [], [], first
    while query is not None:
        queries.append(query)
        body, _ = get(client, url + query)
        pages.append(re.findall(rows, body))
        query = link(body, "next")
    back, query = [], link(body, "prev")
    while query is not None:
        body, _ = get(client, url + query)
        back.append(re.findall(rows, body))
        query = link(body, "prev")
    assert back == pages[-2::-1], "going back shows the same pages"
    return pages, queries


@pytest.mark.parametrize("sort", ["-updated", "title", "status", "-number"])
def test_paging_the_rfc_list_shows_every_rfc_once_when_many_share_the_sort_value(client, settings, sort):
    """RFCs of two series with the same numbers, titles, status and time: no page boundary may
    repeat or skip one, and the filters stay in every link."""
    settings.RFCS_PER_PAGE = 4
    when = timezone.now().replace(microsecond=0)
    for number in range(1, 6):
        for series in ("", "pep"):
            make_rfc("Same title", number=number, series=series, status=RFCStatus.ACCEPTED)
    make_rfc("A draft", number=9, status=RFCStatus.DRAFT)
    RFC.objects.update(updated_at=when)
    accepted = {f"/rfcs/{n}/" for n in range(1, 6)} | {f"/rfcs/pep/{n}/" for n in range(1, 6)}
    for _ in range(2):  # built, then from the fragments: the same pages
        pages, queries = walk(client, RFCS, f"?status=accepted&sort={sort}", r'<td><a href="([^"]+)">')
        shown = [url for page in pages for url in page]
        assert sorted(shown) == sorted(accepted) and len(shown) == len(set(shown))
        assert [len(page) for page in pages] == [4, 4, 2]
        assert all("status=accepted" in query and f"sort={sort}" in query for query in queries)


def test_paging_the_meetings_shows_every_meeting_once_when_many_share_a_day(client):
    day = datetime.date(2024, 5, 1)
    series = MeetingSeries.objects.create(slug="lang", name="Lang team")
    for i in range(35):
        Meeting.objects.create(date=day, series=series, session=f"part {i}", title=f"Lang meeting part {i}")
    make_meeting(title="Another series entirely")
    pages, queries = walk(client, MEETINGS, "?q=part", r'<a href="(/meetings/\d+/)">Lang meeting part')
    shown = [url for page in pages for url in page]
    assert len(shown) == 35 == len(set(shown)) and [len(page) for page in pages] == [30, 5]
    assert all("q=part" in query for query in queries)


def test_the_rfc_list_comes_from_the_fragments_and_shows_an_edit_at_once(client):
    rfc = make_rfc("Exception handling", number=8)
    first, cold = get(client, RFCS)
    again, warm = get(client, RFCS)
    assert again == first and warm < cold  # the filters, the COUNT and the rows are not read
    assert "1 RFC." in first
    rfc.title = "Exception handling, second try"
    rfc.save()
    make_rfc("Stack switching", number=9)
    body, _ = get(client, RFCS)
    assert "second try" in body and "Stack switching" in body and "2 RFCs." in body
    # The same filters in another order are the same results, filtered as asked.
    one, other = (
        results(get(client, RFCS, q="stack", sort="title")[0]),
        results(get(client, RFCS, sort="title", q="stack")[0]),
    )
    assert one == other and "Stack switching" in one and "Exception handling" not in one


def results(body: str) -> str:
    return re.search(r'<section id="rfc-results".*?</section>', body, re.S).group(0)


def test_the_rfc_list_for_htmx_is_the_results_fragment_from_the_cache_too(client):
    make_rfc("Exception handling", number=8)
    full, _ = get(client, RFCS)
    response = client.get(RFCS, headers={"HX-Request": "true"})
    part = response.content.decode()
    assert part.lstrip().startswith('<section id="rfc-results"') and part.strip() in full


def test_an_authors_write_button_is_not_shared_with_visitors(client):
    make_rfc("Exception handling", number=8)
    writer = User.objects.create_superuser("writer", password="pw")
    signed = Client()
    signed.force_login(writer)
    assert "Write an RFC" in get(signed, RFCS)[0]
    assert "Write an RFC" not in get(client, RFCS)[0]


@pytest.fixture
def motion() -> Motion:
    team = Team.objects.create(name="Wasmtime core", slug="wasmtime-core")
    team.members.add(make_person("Ann A"), make_person("Ben B"))
    SignOffRule.objects.create(scope="rfc", kind=RuleKind.MAJORITY, max_outstanding=1)
    rfc = make_rfc(number=8, title="Exception handling")
    return flow.propose(
        rfc, person=None, disposition="accept", teams=[team], summary="Ship it", now=timezone.now()
    )


def test_the_motions_page_shows_a_new_motion_and_a_retitled_record_at_once(client, motion):
    first, cold = get(client, MOTIONS)
    again, warm = get(client, MOTIONS)
    assert again == first and warm < cold and "Exception handling" in first and "1 motion open" in first
    rfc = motion.rfc
    rfc.title = "Exception handling, second try"
    rfc.save()
    flow.propose(make_rfc(number=9, title="Stack switching"), person=None, disposition="accept",
                 teams=list(motion.teams.all()), summary="Yes", now=timezone.now())  # fmt: skip
    body, _ = get(client, MOTIONS)
    assert "second try" in body and "Stack switching" in body and "2 motions open" in body


def test_the_motions_api_is_shared_and_shows_an_edit_at_once(client, motion):
    first = client.get(API_MOTIONS).json()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(API_MOTIONS).json() == first
    assert len(queries.captured_queries) <= 2  # the data state (and nothing of the motions)
    rfc = motion.rfc
    rfc.title = "Exception handling, second try"
    rfc.save()
    [result] = client.get(API_MOTIONS).json()["results"]
    assert result["record"]["title"] == "Exception handling, second try"


def test_the_motions_api_kept_answer_ends_with_the_final_comment_period(client, motion):
    """A kept answer never outlives the period it shows running: once the period has ended,
    the list settles the motion as it did when it was built every time."""
    ends = timezone.now() + datetime.timedelta(hours=1)
    Motion.objects.filter(pk=motion.pk).update(
        state="fcp", fcp_starts_at=ends - datetime.timedelta(days=10), fcp_ends_at=ends
    )
    [running] = client.get(API_MOTIONS).json()["results"]
    assert running["state"] == "fcp"
    with time_machine.travel(ends + datetime.timedelta(minutes=1), tick=False):
        response = client.get(API_MOTIONS)
    motion.refresh_from_db()
    assert motion.state != "fcp"
    assert [result["state"] for result in response.json()["results"]] in ([], [motion.state])


def test_the_review_list_shows_a_new_date_at_once(client):
    today = timezone.localdate()
    decision = make_decision("Keep the GC", status=DecisionStatus.ACCEPTED, revisit_by=today)
    first, cold = get(client, REVIEW)
    again, warm = get(client, REVIEW)
    assert again == first and warm < cold and "Keep the GC" in first
    decision.revisit_by = today + datetime.timedelta(days=400)
    decision.save()
    assert "Keep the GC" not in get(client, REVIEW)[0]


def csrf_tokens(body: str) -> set[str]:
    """The CSRF tokens of the action items' forms."""
    items = "".join(re.findall(r'<li class="action-item".*?</li>', body, re.S))
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', items))


def test_the_shared_action_items_carry_each_editors_own_csrf_token_and_the_forms_work():
    """Two editors share one cached fragment of the items with their forms; each page holds
    that person's token (the placeholder never leaks), and posting the form works."""
    owner = make_person("Till S")
    item = ActionItem.objects.create(owner=owner, text="Get the RFC written")
    ann, ben = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    ann.force_login(User.objects.create_superuser("ann", password="pw"))
    ben.force_login(User.objects.create_superuser("ben", password="pw"))
    ann_body, cold = get(ann, ITEMS)
    ben_body, warm = get(ben, ITEMS)
    assert warm < cold  # ben's page came from the fragment ann's request built
    assert "csrf-placeholder" not in ann_body + ben_body
    [ann_token], [ben_token] = csrf_tokens(ann_body), csrf_tokens(ben_body)
    change = reverse("decisions:action-item-status", args=[item.pk])
    form = {"status": "done", "was": "open", "next": ITEMS}
    # The token in ben's page is ben's: ann's (who built the fragment) would be refused.
    assert ben.post(change, {**form, "csrfmiddlewaretoken": ann_token}).status_code == 403
    assert ben.post(change, {**form, "csrfmiddlewaretoken": ben_token}).status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    assert "Get the RFC written" not in get(ann, ITEMS)[0]  # open items only: it is done now


def test_a_visitor_gets_no_forms_and_an_owner_only_their_own_from_the_shared_items():
    till_user = User.objects.create_user("till")
    till = make_person("Till S", user=till_user)
    ActionItem.objects.create(owner=till, text="Till's own item")
    ActionItem.objects.create(owner=make_person("Other O"), text="Someone else's item")
    visitor, signed = Client(), Client()
    signed.force_login(till_user)
    for _ in range(2):
        assert not csrf_tokens(get(visitor, ITEMS)[0])
        body, _ = get(signed, ITEMS)
        forms = re.findall(r'<li class="action-item".*?</li>', body, re.S)
        mine = [form for form in forms if "Till&#x27;s own item" in form or "Till's own item" in form]
        assert len(forms) == 2 and len(mine) == 1
        assert "Mark done" in mine[0] and all("Mark done" not in form for form in forms if form not in mine)
