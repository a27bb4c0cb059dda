"""Sign-off notices by e-mail (issue 17, item 6), delivered to a real SMTP server (aiosmtpd)
started by the test: immediate and digest messages, the unsubscribe link, a server that is
down for a while, and the task queued when a change commits.

The clock is passed in (`now`) or moved with time-machine; nothing sleeps.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django_tasks.backends.database.models import DBTaskResult

from decisions.models import MotionEvent, Person, RuleKind, SignOffRule, Team
from decisions.signoff import flow, notices, tasks
from tests.factories import make_person, make_rfc
from tests.mailbox import Mailbox

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
SITE = "https://rfcs.example.org"


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:
    box = Mailbox()
    box.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = box.host, box.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.RFCS_SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "rfcs@example.org"
    try:
        yield box
    finally:
        box.stop()


def person_with_account(name: str, notices: str = "immediate") -> Person:
    login = name.split()[0].lower()
    user = User.objects.create_user(login, f"{login}@example.org")
    return make_person(name, user=user, notices=notices)


@pytest.fixture
def motion():
    """RFC 8 with a motion: Ann and Ben (immediate), Cat (digest) asked; the author Zed has no account."""
    team = Team.objects.create(name="Wasmtime core", slug="wasmtime-core")
    ann, ben = person_with_account("Ann A"), person_with_account("Ben B")
    cat = person_with_account("Cat C", notices="digest")
    team.members.add(ann, ben, cat)
    SignOffRule.objects.create(scope="rfc", kind=RuleKind.EVERY_TEAM, fcp_days=10)
    rfc = make_rfc("Exception handling", number=8, authors=[make_person("Zed Z")])
    return flow.propose(rfc, person=ann, disposition="accept", teams=[team], summary="Ship it", now=T0)


def unsubscribe_path(message) -> str:
    [url] = re.findall(rf"{re.escape(SITE)}(/notices/[^/\s]+/)", message.get_content())
    assert message["List-Unsubscribe"].strip() == f"<{SITE}{url}>"
    return url


def test_each_event_goes_to_each_immediate_person_in_its_own_message(mailbox, motion, client):
    report = notices.deliver(T0)

    assert (report.sent, report.failed) == (4, 0)  # Ann and Ben: proposed + position requested
    assert report.skipped == 1  # Zed has no address: settled, not sent, not waiting for ever
    assert len(mailbox.messages) == 4
    ann = mailbox.to("ann@example.org")
    assert sorted(m["Subject"] for m in ann) == [
        "[rfcs_site] RFC 8: motion to accept",
        "[rfcs_site] RFC 8: your position on the motion to accept is asked",
    ]
    message = ann[0]
    assert message["To"] == "ann@example.org" and message["From"] == "rfcs@example.org"
    body = message.get_content()
    assert body.startswith("Hello Ann A,")
    assert f"The motion: {SITE}/motions/{motion.pk}/" in body
    assert not mailbox.to("cat@example.org")  # Cat asked for the digest
    # Each message names its event and person, so a re-send would carry the same id.
    assert len({m["Message-ID"] for m in mailbox.messages}) == 4

    # The unsubscribe link works without signing in: it shows the choice and saves another.
    page = client.get(unsubscribe_path(message))
    assert page.status_code == 200
    assert b"For Ann A, sent to a\xe2\x80\xa6@example.org" in page.content
    assert client.post(unsubscribe_path(message), {"notices": "digest"}).status_code == 200
    assert Person.objects.get(name="Ann A").notices == "digest"

    # A second pass (or the cron safety net) sends nothing again.
    assert notices.deliver(T0 + MINUTE).sent == 0
    assert len(mailbox.messages) == 4
    states = Counter(MotionEvent.objects.values_list("person__name", "sent_as"))
    assert states == {("Ann A", "immediate"): 2, ("Ben B", "immediate"): 2, ("Zed Z", "no-address"): 1,
                      ("Cat C", ""): 2}  # fmt: skip


def test_a_digest_person_gets_one_message_with_every_event_and_never_the_single_ones(mailbox, motion):
    notices.deliver(T0)
    flow.withdraw(motion, version=version_of(motion), note="Too early", now=T0 + MINUTE)
    notices.deliver(T0 + 2 * MINUTE)
    assert not mailbox.to("cat@example.org")

    report = notices.deliver(T0 + datetime.timedelta(days=1), digest=True)
    assert (report.digests, report.events) == (1, 3)
    [digest] = mailbox.to("cat@example.org")
    assert digest["Subject"] == "[rfcs_site] Sign-off digest: 3 events"
    body = digest.get_content()
    for text in ("RFC 8: motion to accept", "your position on the motion to accept is asked",
                 "the motion to accept was withdrawn"):  # fmt: skip
        assert body.count(text) == 1, text
    assert f"{SITE}/motions/{motion.pk}/" in body
    assert unsubscribe_path(digest)

    # Neither a second digest pass nor an immediate one sends Cat's events again.
    assert notices.deliver(T0 + datetime.timedelta(days=1), digest=True).digests == 0
    notices.deliver(T0 + datetime.timedelta(days=1))
    assert len(mailbox.to("cat@example.org")) == 1
    assert set(MotionEvent.objects.filter(person__name="Cat C").values_list("sent_as", flat=True)) == {
        "digest"
    }


def version_of(motion) -> int:
    motion.refresh_from_db()
    return motion.version


def test_while_the_server_is_down_nothing_is_lost_and_after_it_every_message_arrives_once(mailbox, motion):
    mailbox.stop()
    report = notices.deliver(T0)
    assert report.sent == 0 and report.failed == 4
    assert report.next_attempt_at == T0 + MINUTE
    pending = MotionEvent.objects.filter(delivered_at=None, person__notices="immediate")
    assert pending.count() == 4
    assert {(e.attempts, e.next_attempt_at) for e in pending} == {(1, T0 + MINUTE)}
    assert "ConnectionRefusedError" in pending.first().last_error

    # Still down at the retry: the next try is twice as far away (backoff).
    assert notices.deliver(T0 + MINUTE).failed == 4
    assert {(e.attempts, e.next_attempt_at) for e in pending.all()} == {(2, T0 + 3 * MINUTE)}

    mailbox.start()
    assert notices.deliver(T0 + 2 * MINUTE).sent == 0  # not due yet: the backoff is kept
    assert notices.deliver(T0 + 3 * MINUTE).sent == 4
    notices.deliver(T0 + 10 * MINUTE)
    assert sorted(m["To"] for m in mailbox.messages) == ["ann@example.org"] * 2 + ["ben@example.org"] * 2
    assert len({m["Message-ID"] for m in mailbox.messages}) == 4
    assert not pending.all().exists()


def test_a_row_a_pass_holds_is_not_sent_by_another_and_a_crashed_pass_is_retried_with_the_same_id(
    mailbox, motion
):
    row = MotionEvent.objects.filter(person__name="Ann A").first()
    [claimed] = notices._claim([row.pk], T0)  # a pass that crashed after claiming (maybe after sending)
    assert notices._claim([row.pk], T0) == []  # a second pass at the same moment gets nothing
    notices.deliver(T0 + MINUTE)
    assert claimed.key not in {m["Subject"] for m in mailbox.to("ann@example.org")}
    assert len(mailbox.to("ann@example.org")) == 1  # the other event; the held one waits

    notices.deliver(T0 + notices.LEASE)  # the lease ran out: sent by the next pass
    ids = [m["Message-ID"] for m in mailbox.to("ann@example.org")]
    assert len(ids) == 2
    assert notices.message_id(claimed.key, claimed.person_id) in ids


def test_the_task_is_queued_once_when_the_change_commits_and_runs_a_pass(
    mailbox, django_capture_on_commit_callbacks
):
    team = Team.objects.create(name="Core", slug="core")
    team.members.add(person_with_account("Ann A"))
    with django_capture_on_commit_callbacks(execute=True):
        flow.propose(make_rfc(number=9), person=None, disposition="close", teams=[team], summary="", now=T0)
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == tasks.TASK_PATH and queued.status == "READY"

    with time_machine.travel(T0, tick=False):
        answer = tasks.deliver_notices_task.call()
    assert answer["sent"] == 2 and len(mailbox.messages) == 2


def test_a_failed_pass_queues_one_retry_for_when_the_backoff_ends(mailbox, motion):
    mailbox.stop()
    with time_machine.travel(T0, tick=False):
        first = tasks.deliver_notices_task.call()
        second = tasks.deliver_notices_task.call()  # the first retry is already queued
    assert first["failed"] == 4 and first["retry"]
    assert second["failed"] == 0 and second["retry"] is None
    [retry] = DBTaskResult.objects.all()
    assert retry.run_after == T0 + MINUTE


def test_one_click_unsubscribe_turns_mail_off_and_a_forged_link_is_refused(client, motion, settings):
    settings.RFCS_SITE_PUBLIC_READ = False  # a private site: the link still works signed out
    ann = Person.objects.get(name="Ann A")
    url = f"/notices/{notices.unsubscribe_token(ann)}/"
    assert client.get(url).status_code == 200
    assert Person.objects.get(pk=ann.pk).notices == "immediate"  # opening the link changes nothing
    answer = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    assert Person.objects.get(pk=ann.pk).notices == "none"

    forged = client.get(f"/notices/{notices.unsubscribe_token(ann)[:-2]}xx/")
    assert forged.status_code == 404
    assert b"This link does not work" in forged.content
    assert client.post(url, {"notices": "weekly"}).status_code == 400


def test_people_who_turned_mail_off_get_nothing_and_their_feed_still_lists_the_events(
    mailbox, motion, client
):
    Person.objects.filter(name="Ben B").update(notices="none")
    notices.deliver(T0)
    assert not mailbox.to("ben@example.org")
    assert set(MotionEvent.objects.filter(person__name="Ben B").values_list("sent_as", flat=True)) == {"off"}

    feed = client.get("/people/ben-b/motions/feed/")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    assert feed.content.count(b"<entry>") == 2
    assert b"your position on the motion to accept is asked" in feed.content


def test_the_motions_feed_shows_each_event_once(client, motion):
    feed = client.get("/motions/feed/")
    assert feed.status_code == 200
    titles = re.findall(rb"<title>(.*?)</title>", feed.content)[1:]
    assert titles == [b"RFC 8: your position on the motion to accept is asked", b"RFC 8: motion to accept"]


def test_your_account_page_links_to_the_same_choice(client):
    ann = person_with_account("Ann A", notices="digest")
    client.force_login(ann.user)
    page = client.get("/accounts/you/").content.decode()
    assert "Sign-off e-mail: one daily digest (to ann@example.org)." in page
    [url] = re.findall(r'href="(/notices/[^"]+/)"', page)
    assert notices.person_from_token(url.split("/")[2]) == ann


def test_send_notices_does_one_pass_and_reports_it_as_json(mailbox, motion):
    def run(*args: str) -> dict:
        out = StringIO()
        call_command("send_notices", "--json", *args, stdout=out)
        return json.loads(out.getvalue().splitlines()[-1])

    with time_machine.travel(T0, tick=False):
        first = run()
        digest = run("--digest")
        again = run()
    assert first == {"sent": 4, "digests": 0, "events": 4, "skipped": 1, "failed": 0, "errors": [],
                     "next_attempt_at": None}  # fmt: skip
    assert (digest["digests"], digest["events"]) == (1, 2)
    assert again["sent"] == 0 and len(mailbox.messages) == 5
