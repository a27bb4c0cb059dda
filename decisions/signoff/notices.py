"""Delivering the outbox by e-mail: each sign-off event reaches each person exactly once.

A pass (the task in decisions.signoff.tasks, or `manage.py send_notices`) claims rows with a
conditional UPDATE: `delivered_at` empty, `next_attempt_at` passed, and sets a claim token and a
lease (`next_attempt_at` = now + LEASE) in one short transaction. Of two passes at once, only one
UPDATE matches a row, so only one sends it. The mail is sent outside any transaction (an SMTP
server that hangs must never hold the database, nor SQLite's write lock), then the row is marked
delivered where the claim is still ours. A failed send leaves the row undelivered with its
attempt count and a later `next_attempt_at` (backoff); nothing is ever dropped.

The one window left is a crash (or a lost database) between the server accepting a message and
the mark: the row's lease then runs out and the next pass sends it again, so delivery is at
least once there and exactly once everywhere else. A re-sent message carries the same
Message-ID (derived from the event key and the person), so mail clients and servers that
de-duplicate show it once. The window is one UPDATE long.

Immediate rows go one message per event and person; a person who asked for a digest gets every
due row in one message from the `--digest` pass; a row is claimed by one of them, never both.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from decisions.models import MotionEvent, NoticeChoice, Person, SentAs

log = logging.getLogger(__name__)

# Longer than any one send can take (EMAIL_TIMEOUT per SMTP command), so a claim never runs out
# under a pass that is still sending; after a crash the row is sent again this much later.
LEASE = datetime.timedelta(minutes=15)
BACKOFF_FIRST = datetime.timedelta(minutes=1)
BACKOFF_MAX = datetime.timedelta(hours=6)
# Rows one claim takes: small, so passes running at once share the work instead of one holding it all.
BATCH = 10
TOKEN_SALT = "decisions.signoff.notices"


@dataclass
class Report:
    """What one pass did, as `send_notices --json` prints it."""

    sent: int = 0
    digests: int = 0
    events: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    next_attempt_at: datetime.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "digests": self.digests,
            "events": self.events,
            "skipped": self.skipped,
            "failed": self.failed,
            "errors": self.errors[:20],
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
        }


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4 ... minutes after the 1st, 2nd, 3rd failure, at most six hours."""
    return min(BACKOFF_FIRST * 2 ** max(0, attempts - 1), BACKOFF_MAX)


def unsubscribe_token(person: Person) -> str:
    """A signed token naming the person: the unsubscribe link works without signing in."""
    return signing.dumps({"p": person.pk}, salt=TOKEN_SALT)


def person_from_token(token: str) -> Person | None:
    """The person a token names, or None when it was not signed by this site (or they are gone)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    pk = data.get("p") if isinstance(data, dict) else None
    return Person.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def site_url(path: str) -> str:
    return settings.RFCS_SITE_URL.rstrip("/") + path


def message_id(*parts: object) -> str:
    """The same id for the same event and person, so a re-send after a crash is recognisable."""
    domain = urlsplit(settings.RFCS_SITE_URL).hostname or "localhost"
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f"<notice.{digest}@{domain}>"


def address_of(person: Person) -> str:
    """The linked account's address; "" when the person has no active account with one."""
    user = person.user
    return user.email if user is not None and user.is_active and user.email else ""


def _due(now: datetime.datetime) -> QuerySet[MotionEvent]:
    return MotionEvent.objects.filter(delivered_at=None).filter(
        Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
    )


def _claim(pks: list[int], now: datetime.datetime) -> list[MotionEvent]:
    """Take the rows of `pks` that are still due for this pass; what it took, oldest first.

    One UPDATE whose WHERE names only the row's own columns (no join, no subquery), so on
    PostgreSQL a second pass waiting on the same rows re-checks them after the first commits and
    finds them leased; SQLite runs one writer at a time anyway.
    """
    if not pks:
        return []
    token = uuid.uuid4().hex
    with transaction.atomic():
        _due(now).filter(pk__in=pks).update(
            claim=token, next_attempt_at=now + LEASE, attempts=F("attempts") + 1
        )
    return list(
        MotionEvent.objects.filter(claim=token, delivered_at=None)
        .select_related("motion__rfc", "motion__decision", "person__user", "concern")
        .order_by("created_at", "pk")
    )


def _mark(rows: list[MotionEvent], now: datetime.datetime, sent_as: str) -> None:
    with transaction.atomic():
        for claim in {row.claim for row in rows}:
            MotionEvent.objects.filter(pk__in=[r.pk for r in rows], claim=claim, delivered_at=None).update(
                delivered_at=now, sent_as=sent_as, next_attempt_at=None, last_error=""
            )


def _failed(rows: list[MotionEvent], now: datetime.datetime, error: Exception) -> datetime.datetime:
    """Leave the rows undelivered, to be tried again after the backoff; when that is."""
    again = now + backoff(rows[0].attempts)
    text = f"{type(error).__name__}: {error}"[:300]
    with transaction.atomic():
        MotionEvent.objects.filter(
            pk__in=[r.pk for r in rows], claim=rows[0].claim, delivered_at=None
        ).update(next_attempt_at=again, last_error=text)
    return again


def _context(person: Person) -> dict[str, Any]:
    return {
        "person": person,
        "site": settings.RFCS_SITE_URL.rstrip("/"),
        "unsubscribe": site_url(reverse("decisions:notices", args=[unsubscribe_token(person)])),
    }


def _message(person: Person, subject: str, body: str, msgid: str, unsubscribe: str) -> EmailMessage:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return EmailMessage(
        subject=" ".join(f"{prefix}{subject}".split())[:250],  # a header: one line, always
        body=body,
        to=[address_of(person)],
        headers={
            "Message-ID": msgid,
            # RFC 8058: a mail client's one-click unsubscribe posts to the same signed link.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def immediate_message(row: MotionEvent) -> EmailMessage:
    context = {**_context(row.person), "event": row, "motion_url": site_url(row.motion.get_absolute_url())}
    body = render_to_string("decisions/mail/notice.txt", context)
    return _message(row.person, row.text, body, message_id(row.key, row.person_id), context["unsubscribe"])


def digest_message(person: Person, rows: list[MotionEvent]) -> EmailMessage:
    context = {
        **_context(person),
        "events": [(row, site_url(row.motion.get_absolute_url())) for row in rows],
    }
    body = render_to_string("decisions/mail/digest.txt", context)
    count = len(rows)
    subject = f"Sign-off digest: {count} event{'s' if count != 1 else ''}"
    msgid = message_id("digest", person.pk, *sorted(row.key for row in rows))
    return _message(person, subject, body, msgid, context["unsubscribe"])


def _skip_unreachable(now: datetime.datetime, report: Report) -> None:
    """Rows of people who turned notices off or have no address are settled, not sent (the
    person's feed still lists them); they never wait for an address that may never come."""
    for sent_as, people in (
        (SentAs.OFF, Q(person__notices=NoticeChoice.NONE)),
        (
            SentAs.NO_ADDRESS,
            ~Q(person__notices=NoticeChoice.NONE)
            & (Q(person__user=None) | Q(person__user__email="") | Q(person__user__is_active=False)),
        ),
    ):
        rows = _claim(list(_due(now).filter(people).values_list("pk", flat=True)[:2000]), now)
        if rows:
            _mark(rows, now, sent_as)
            report.skipped += len(rows)


def deliver(now: datetime.datetime | None = None, *, digest: bool = False) -> Report:
    """One pass: every due immediate row (or, with `digest`, every digest person's due rows)."""
    now = now or timezone.now()
    report = Report()
    _skip_unreachable(now, report)
    choice = NoticeChoice.DIGEST if digest else NoticeChoice.IMMEDIATE
    mine = _due(now).filter(person__notices=choice, person__user__isnull=False)
    connection = get_connection(fail_silently=False)
    try:
        if digest:
            for person in sorted(set(mine.values_list("person_id", flat=True))):
                rows = _claim(list(mine.filter(person=person).values_list("pk", flat=True)), now)
                # none when another pass took them between the read and the claim
                if rows and not _send(connection, rows, now, digest, report):
                    break
        else:
            seen: set[int] = set()
            while candidates := list(
                mine.exclude(pk__in=seen).order_by("created_at", "pk").values_list("pk", flat=True)[:BATCH]
            ):
                seen.update(candidates)
                rows = _claim(candidates, now)
                for index, row in enumerate(rows):
                    if not _send(connection, [row], now, digest, report):
                        _release(rows[index + 1 :], now, report)
                        break
                else:
                    continue
                break
    finally:
        connection.close()
    waiting = MotionEvent.objects.filter(delivered_at=None, person__notices=choice).exclude(
        next_attempt_at=None
    )
    report.next_attempt_at = (
        waiting.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    )
    return report


# Refusals of one message (a bad address): the pass goes on with the others. Anything else
# (refused connection, timeout, authentication) is the server's: the pass stops there and the
# rows it holds wait for the backoff, rather than knocking on a dead server once per row.
ONE_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _send(
    connection: Any, rows: list[MotionEvent], now: datetime.datetime, digest: bool, report: Report
) -> bool:
    """Send one message for the rows and mark them; False when the server failed."""
    person = rows[0].person
    message = digest_message(person, rows) if digest else immediate_message(rows[0])
    try:
        connection.send_messages([message])
    except Exception as error:  # whatever the backend raised: tried again later, never dropped
        again = _failed(rows, now, error)
        report.failed += len(rows)
        report.errors.append(f"{person.name}: {type(error).__name__}: {error}")
        log.warning("notice to person %s not sent (%s); tried again at %s", person.pk, error, again)
        with contextlib.suppress(Exception):  # opened again for the next message
            connection.close()
        return isinstance(error, ONE_MESSAGE)
    _mark(rows, now, SentAs.DIGEST if digest else SentAs.IMMEDIATE)
    report.events += len(rows)
    if digest:
        report.digests += 1
    else:
        report.sent += 1
    return True


def _release(rows: list[MotionEvent], now: datetime.datetime, report: Report) -> None:
    """Rows claimed but not tried because the server failed: due again with the backoff."""
    if rows:
        _failed(rows, now, RuntimeError("not tried: the mail server failed on an earlier message"))
        report.failed += len(rows)
