"""Who may write what (issue 6), walked from the URL conf so no writing URL can be forgotten.

Every URL of the site is posted to as staff: the ones that do not answer 405 accept writes and
must be in WRITES, which says for each the people who may write there (the owner roles), a
valid change, and how to see it in the database. Each is then posted as an anonymous visitor
(sent to sign in), as a signed-in outsider (403) and as each owner role and staff (the change
lands). A new URL that accepts POST and is missing from WRITES fails the walk by name.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from decisions.meetings.parsing import parse_meeting
from decisions.meetings.saving import save_meeting
from decisions.models import (
    RFC,
    ActionItem,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    Link,
    Meeting,
    MeetingSeries,
    OwnerRole,
    Precedent,
    RatingRound,
    RatingSheet,
    SheetRating,
    Source,
    SourceFile,
    SyncConflict,
)
from tests.factories import WASMTIME_NOTES, make_decision, make_person, make_rfc

pytestmark = pytest.mark.django_db

NOTES = WASMTIME_NOTES

NEW_NOTES = """# Cranelift weekly

### Register allocation

- **Chris F**: regalloc2 is faster on every benchmark we have.

## Action items

- [ ] Chris F: publish the numbers
"""


# The walk -------------------------------------------------------------------------------------


def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    """Every named URL pattern with its namespaced name; the admin is Django's own (see below)."""
    found: list[tuple[str, URLPattern]] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                # Django's admin checks each model permission itself (tests/test_admin.py).
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern):
            found.append(
                (f"{prefix}{entry.name}" if entry.name else f"{prefix}<unnamed {entry.pattern}>", entry)
            )
    return found


PATTERNS = walk(get_resolver().url_patterns)
PATTERN_IDS = [f"{name}[{','.join(p.pattern.converters) or '-'}]" for name, p in PATTERNS]

# Framework URLs that accept POST by design, and why none of them writes a record of the site.
EXEMPT = {
    "login": "signing in is what anonymous visitors post (throttling: tests/test_accounts.py)",
    "logout": "ends the poster's own session and nothing else",
    "password_change": "changes the signed-in account's own password and nothing else",
    "password_reset": "sends a reset mail to the address's owner; changes nothing",
    "password_reset_confirm": "sets a password only with the token mailed to the account's owner",
    "git-hook": "a webhook: the source's secret (HMAC or token) says who sent it (tests/test_sources_hooks.py)",
    "notices": "changes only how the person its signed token names hears of sign-off, the e-mail's "
    "unsubscribe link (tests/test_signoff_notices.py)",
}

# Account pages (decisions/accounts/ and django-allauth): each acts on the poster's own account,
# session or sign-in, never on a record of the site (claims: tests/test_claims.py).
EXEMPT |= {
    "account_login": "the site's sign-in page under allauth's name (the same view as login)",
    "account_logout": "the site's sign-out under allauth's name",
    "account_reset_password": "a redirect to the site's limited password reset",
    "account_change_password": "a redirect to the site's password change",
    "account": "files or withdraws the poster's own claim on a person; it links only when staff approve it or a verified handle proves it",
    "account-add-me": 'makes the poster\'s own person ("I am not in the records yet"), only while the account has none and no claim waits',
    "account_signup": "makes an account when RFCS_SITE_SIGNUP=1, signed in once its address is confirmed",
    "account_confirm_email": "confirms an address only with the key mailed to it",
    "account_email": "the signed-in account's own e-mail addresses",
    "account_set_password": "sets a password for the signed-in account that has none",
    "socialaccount_signup": "completes a first sign-in through a provider, for the person it vouched for",
    "socialaccount_connections": "disconnects a provider from the signed-in account",
    "github_login": "starts signing in through GitHub (state and PKCE kept in the session)",
    "github_callback": "finishes it only with the state this browser started with",
    "gitlab_login": "starts signing in through GitLab",
    "gitlab_callback": "finishes it only with the state this browser started with",
    "openid_connect_login": "starts signing in through the OpenID Connect provider (state, nonce, PKCE)",
    "openid_connect_callback": "finishes it only with this browser's state and a signed id token with its nonce",
}


# The records ----------------------------------------------------------------------------------


@pytest.fixture
def world() -> SimpleNamespace:
    """One of each record, owned by nobody who can sign in yet: the roles add the links."""
    series = MeetingSeries.objects.create(name="Wasmtime project call", slug="wasmtime-project-call")
    meeting = save_meeting(
        parse_meeting(NOTES), series=series, date=datetime.date(2023, 3, 30), source_text=NOTES
    )
    rfc = make_rfc(number=1)
    rust = make_rfc(number=1, series="rust", title="Rust's own RFC 1") if has_series() else None
    return SimpleNamespace(
        rfc=rfc,
        rust_rfc=rust,
        decision=make_decision(number=1, options=1, criteria=1),
        meeting=meeting,
        series=series,
        topic=meeting.topics.get(),
        item=meeting.action_items.get(),
        precedent=Precedent.objects.create(title="KEP", url="https://example.org/kep"),
        person=make_person("Victor L"),
    )


def has_series() -> bool:
    return any(f.name == "series" for f in RFC._meta.get_fields())


def generic_kwargs(name: str, pattern: URLPattern, world: SimpleNamespace) -> dict[str, Any]:
    """Sample values for the URLs no table entry describes (the read-only ones)."""
    pk = world.meeting.pk
    if "precedent" in name:
        pk = world.precedent.pk
    elif "motion" in name:
        pk = world_motion(world).pk
    elif "action-item" in name:
        pk = world.item.pk
    samples = {
        "number": 1,
        "pk": pk,
        "topic": world.topic.pk,
        "slug": world.person.slug,
        "series": "rust",
        "alias": "rfc-1",
        "uidb64": "MQ",
        "token": "set-password",
        "revision": 1,
        "provider_id": "oidc",
        "key": "not-a-key",
        "name": "walk",
        "source": "no-such-source",
        "kind": "meeting",
        "link": 1,
    }
    missing = [key for key in pattern.pattern.converters if key not in samples]
    assert not missing, f"{name}: give the URL converters {missing} a sample value in generic_kwargs()"
    return {key: samples[key] for key in pattern.pattern.converters}


# People ---------------------------------------------------------------------------------------


def account(username: str, *permissions: str) -> User:
    user = User.objects.create_user(username, password="pw")
    if permissions:
        user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    return User.objects.get(pk=user.pk)  # a fresh object: no stale permission cache


def linked(username: str, person: Any = None) -> tuple[User, Any]:
    """An account and the person it is (a new one unless given)."""
    user = account(username)
    person = person or make_person(f"Person of {username}")
    person.user = user
    person.save()
    return user, person


def staff(world: SimpleNamespace, record: Any) -> User:
    return User.objects.create_superuser("staff", "staff@example.org", "pw")


def editor(*permissions: str) -> Callable[[SimpleNamespace, Any], User]:
    return lambda world, record: account("editor", *permissions)


def in_group(name: str) -> Callable[[SimpleNamespace, Any], User]:
    """An account in one of the role groups made after migrate (Contributors, Editors)."""

    def make(world: SimpleNamespace, record: Any) -> User:
        user = account(name.lower())
        user.groups.add(Group.objects.get(name=name))
        return User.objects.get(pk=user.pk)

    return make


def awaiting(world: SimpleNamespace) -> int:
    """The world's meeting, as a contributor's notes waiting for an editor."""
    Meeting.objects.filter(pk=world.meeting.pk).update(awaiting_review=True)
    return world.meeting.pk


def rfc_author(world: SimpleNamespace, rfc: RFC) -> User:
    user, person = linked("author")
    rfc.authors.add(person)
    return user


def rfc_shepherd(world: SimpleNamespace, rfc: RFC) -> User:
    user, person = linked("shepherd")
    RFC.objects.filter(pk=rfc.pk).update(shepherd=person)
    return user


def decision_role(role: str) -> Callable[[SimpleNamespace, Any], User]:
    def make(world: SimpleNamespace, record: Any) -> User:
        user, person = linked(role)
        DecisionOwner.objects.create(decision=world.decision, person=person, role=role)
        return user

    return make


def meeting_submitter(world: SimpleNamespace, meeting: Meeting) -> User:
    user = account("submitter")
    Meeting.objects.filter(pk=meeting.pk).update(submitted_by=user)
    return user


def meeting_attendee(world: SimpleNamespace, meeting: Meeting) -> User:
    return linked("attendee", meeting.attendees.get(name="Nick F"))[0]


def decision_owner_who_attended(world: SimpleNamespace, topic: Any) -> User:
    user, person = linked("attendee", world.meeting.attendees.get(name="Nick F"))
    DecisionOwner.objects.create(decision=world.decision, person=person, role=OwnerRole.OWNER)
    return user


def decision_driver_who_submitted(world: SimpleNamespace, topic: Any) -> User:
    user = meeting_submitter(world, world.meeting)
    person = make_person("Person of submitter")
    person.user = user
    person.save()
    DecisionOwner.objects.create(decision=world.decision, person=person, role=OwnerRole.DRIVER)
    return user


def item_owner(world: SimpleNamespace, item: ActionItem) -> User:
    return linked("owner", item.owner)[0]


# Sign-off (issue 17): a motion on the world's RFC asking one team, and who acts on it -----------


def world_motion(world: SimpleNamespace) -> Any:
    """An open motion on the world's RFC asking the team "Core" (made once per world)."""
    from django.utils import timezone

    from decisions.models import Team
    from decisions.signoff import flow

    if not hasattr(world, "motion"):
        team = Team.objects.create(name="Core", slug="core")
        team.members.add(make_person("Member of core"), make_person("Raiser of a concern"))
        world.team = team
        world.motion = flow.propose(world.rfc, person=None, disposition="accept", teams=[team], summary="",
                                    now=timezone.now())  # fmt: skip
    return world.motion


def world_concern(world: SimpleNamespace) -> Any:
    from django.utils import timezone

    from decisions.signoff import flow

    if not hasattr(world, "concern"):
        motion = world_motion(world)
        raiser = world.team.members.get(name="Raiser of a concern")
        flow.record_position(motion, person=raiser, kind="concern", after=0, now=timezone.now(),
                             concern_name="scope", concern_text="Too broad.")  # fmt: skip
        world.concern = motion.concerns.get()
    return world.concern


def team_member(world: SimpleNamespace, motion: Any) -> User:
    return linked("member", world.team.members.get(name="Member of core"))[0]


def staff_member(world: SimpleNamespace, motion: Any) -> User:
    """Staff take a position only as members of a team asked: nobody takes one for someone else."""
    user = User.objects.create_superuser("staff", "staff@example.org", "pw")
    return linked_account(user, world.team.members.get(name="Member of core"))


def concern_raiser(world: SimpleNamespace, concern: Any) -> User:
    return linked("raiser", concern.raised_by)[0]


def linked_account(user: User, person: Any) -> User:
    person.user = user
    person.save()
    return User.objects.get(pk=user.pk)


def motion_propose_data(world: SimpleNamespace, record: Any, url: str) -> dict[str, Any]:
    from decisions.models import Team

    team, _ = Team.objects.get_or_create(name="Proposal team", slug="proposal-team")
    return {"disposition": "accept", "teams": [str(team.pk)], "summary": "Ship it."}


# What a valid change looks like -----------------------------------------------------------------


def as_post(*forms: Any) -> dict[str, Any]:
    """The POST a browser sends for these forms (and formsets) as they are shown."""
    data: dict[str, Any] = {}
    for form in forms:
        if hasattr(form, "management_form"):
            data |= as_post(form.management_form, *form.forms)
            continue
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


def shown_form(url: str, *names: str) -> dict[str, Any]:
    """The edit page's own forms as staff sees them, so the POST is the page's real one."""
    client = Client()
    client.force_login(User.objects.get_or_create(username="form-reader", is_superuser=True)[0])
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return as_post(*(response.context[name] for name in names))


def rfc_target(world: SimpleNamespace, converters: set[str]) -> tuple[RFC, dict[str, Any]]:
    if "series" in converters:
        return world.rust_rfc, {"series": "rust", "number": 1}
    return world.rfc, {"number": 1}


def rfc_edit_data(world: SimpleNamespace, rfc: RFC, url: str) -> dict[str, Any]:
    return shown_form(url, "form") | {"title": "Renamed by the walk", "message": "Walk"}


def draft_rfc_data(world: SimpleNamespace, decision: Decision, url: str) -> dict[str, Any]:
    """An RFC drafted from the world's decision: the template with its generated block, and a summary."""
    from decisions.drafted.sync import generated_for
    from decisions.drafted.views import drafted_body

    body = drafted_body("site", decision.number, generated_for(decision))
    body = body.replace("One paragraph: what this RFC proposes.", "Drafted by the walk.")
    return {"series": "site", "layout": "site", "title": "Drafted by the walk", "body": body,
            "action": "save", "add_me": "on"}  # fmt: skip


def drafted_rfc_in_conflict(world: SimpleNamespace, converters: set[str]) -> tuple[RFC, dict[str, Any]]:
    """The world's RFC, drafted from its decision, whose author edited the generated block."""
    from decisions.drafted import block
    from decisions.drafted.models import DraftedRFC
    from decisions.drafted.sync import generated_for

    rfc = world.rfc
    rfc.body = "# Summary\n\nMine.\n\n" + block.wrap(world.decision.number, "Edited by the author.")
    rfc.save()
    pending = generated_for(world.decision)
    DraftedRFC.objects.get_or_create(
        rfc=rfc,
        defaults={"decision": world.decision, "generated": "As the site wrote it.", "pending": pending},
    )
    return rfc, {"number": rfc.number}


def decision_edit_data(world: SimpleNamespace, decision: Decision, url: str) -> dict[str, Any]:
    forms = shown_form(url, "form", "owners", "citations", "discussions")
    return forms | {"title": "Renamed by the walk"}


def meeting_new_data(world: SimpleNamespace, record: Any, url: str) -> dict[str, Any]:
    return {
        "series": world.series.pk,
        "date": "2024-05-01",
        "notes": NEW_NOTES,
        "action": "save",
        "new-item-owner": "Chris F",
        "new-item-text": "publish the numbers",
    }


def meeting_edit_data(world: SimpleNamespace, meeting: Meeting, url: str) -> dict[str, Any]:
    meeting.refresh_from_db()
    return {
        "series": meeting.series_id,
        "date": meeting.date.isoformat(),
        "title": meeting.title,
        "notes": NOTES + "\n### Added by the walk\n\n- **Till S**: one more thing.\n",
        "version": meeting.version,
        "action": "save",
    }


@dataclass(frozen=True)
class Write:
    """One URL that writes: whom it is for, a valid change, and how to see that it landed."""

    target: Callable[[SimpleNamespace, set[str]], tuple[Any, dict[str, Any]]]
    roles: dict[str, Callable[[SimpleNamespace, Any], User]]
    data: Callable[[SimpleNamespace, Any, str], dict[str, Any]]
    landed: Callable[[SimpleNamespace, Any], bool]
    lands_at: Callable[[SimpleNamespace, Any], str] = field(default=lambda world, record: "/")


def on(attribute: str, **extra: Callable[[SimpleNamespace], Any]) -> Callable:
    """A target: the world's record and the URL arguments that name it."""

    def target(world: SimpleNamespace, converters: set[str]) -> tuple[Any, dict[str, Any]]:
        record = getattr(world, attribute) if attribute else None
        return record, {key: make(world) for key, make in extra.items()}

    return target


NOWHERE = on("")


def removal_revision(world: SimpleNamespace) -> int:
    """The world's decision loses its option in a revision, which the undo puts back."""
    from decisions.records import history

    decision = world.decision
    option = decision.options.get()
    history.begin(decision)
    undo = history.removal(option, decision)
    option.delete()
    return history.record(decision, message="Removed", undo=undo).number


def sync_conflict(world: SimpleNamespace, converters: set[str]) -> tuple[SyncConflict, dict[str, Any]]:
    """The world's Rust RFC, changed on the site and in its source's repository."""
    source = Source.objects.create(
        name="walk", url="https://example.org/rfcs.git", holds="rfcs", record_in="site"
    )
    file = SourceFile.objects.create(
        source=source,
        path="text/0001-x.md",
        kind="rfc",
        object_id=world.rust_rfc.pk,
        blob="a",
        record_version=1,
    )
    conflict = SyncConflict.objects.create(file=file, blob="b", commit="c" * 40, text="- Feature Name: x\n")
    return conflict, {"name": "walk", "pk": conflict.pk}


def site_source(world: SimpleNamespace) -> str:
    """A source whose place of record is the site (its records may be written back)."""
    from decisions.models import Source

    source, _ = Source.objects.get_or_create(
        name="site-rfcs", defaults={"url": "file:///nowhere", "holds": "rfcs", "record_in": "site"}
    )
    return source.name


def write_queued(world: SimpleNamespace, record: Any) -> bool:
    from django_tasks.backends.database.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="decisions.sources.tasks.write_source_task").exists()


def stated_link(world: SimpleNamespace, converters: set[str]) -> tuple[Any, dict[str, Any]]:
    """A link the world's decision states (it amends the world's RFC), to be removed."""
    link = Link.objects.create(
        kind="amends", from_kind="decision", from_id=world.decision.pk, to_kind="rfc", to_id=world.rfc.pk
    )
    return link, {"link": link.pk}


# Independent ratings: each rater rates their own sheet; the record's deciders (and editors)
# invite, reveal and put a disagreement on a planned meeting's agenda.


def _sheet_with_the_cell_rated(world: SimpleNamespace, person: Any, rating: int = 1) -> None:
    round_, _ = RatingRound.objects.get_or_create(decision=world.decision)
    sheet, _ = RatingSheet.objects.get_or_create(round=round_, person=person)
    decision = world.decision
    SheetRating.objects.create(
        sheet=sheet, option=decision.options.get(), criterion=decision.criteria.get(), rating=rating
    )


def invited_rater(world: SimpleNamespace, record: Any) -> User:
    user, person = linked("invited")
    round_, _ = RatingRound.objects.get_or_create(decision=world.decision)
    RatingSheet.objects.create(round=round_, person=person)
    return user


def staff_rater(world: SimpleNamespace, record: Any) -> User:
    """Staff rate only on a sheet of their own: nobody rates for someone else."""
    user = User.objects.create_superuser("staff", "staff@example.org", "pw")
    person = make_person("Staff who rates")
    round_, _ = RatingRound.objects.get_or_create(decision=world.decision)
    RatingSheet.objects.create(round=round_, person=person)
    return linked_account(user, person)


def who_rated(make: Callable[[SimpleNamespace, Any], User]) -> Callable[[SimpleNamespace, Any], User]:
    """A rater whose sheet has every cell rated (submitting needs it)."""

    def rated(world: SimpleNamespace, record: Any) -> User:
        user = make(world, record)
        _sheet_with_the_cell_rated(world, User.objects.get(pk=user.pk).person)
        return user

    return rated


def rating_cell(world: SimpleNamespace, decision: Any, url: str) -> dict[str, Any]:
    return {
        "option": decision.options.get().pk,
        "criterion": decision.criteria.get().pk,
        "rating": "2",
        "version": "0",
    }


def invitee(world: SimpleNamespace, decision: Any, url: str) -> dict[str, Any]:
    person = make_person("Invitee") if not hasattr(world, "invitee") else world.invitee
    if not hasattr(world, "invitee"):
        linked("invitee", person)
        world.invitee = person
    return {"person": person.pk}


def disagreement(world: SimpleNamespace, converters: set[str]) -> tuple[Any, dict[str, Any]]:
    """The world's decision rated +2 and -2 by two people, revealed: one discussion point."""
    from django.utils import timezone

    if not hasattr(world, "rated"):
        _sheet_with_the_cell_rated(world, make_person("Rater one"), 2)
        _sheet_with_the_cell_rated(world, make_person("Rater two"), -2)
        RatingRound.objects.filter(decision=world.decision).update(revealed_at=timezone.now())
        world.rated = True
    return world.decision, {"number": world.decision.number}


def agenda_data(world: SimpleNamespace, decision: Any, url: str) -> dict[str, Any]:
    from django.utils import timezone

    cell = f"{decision.options.get().pk}-{decision.criteria.get().pk}"
    day = timezone.localdate() + datetime.timedelta(days=7)
    return {"point": cell, "series": world.series.pk, "date": day.isoformat()}


def ratings_url(world: SimpleNamespace, decision: Any) -> str:
    return f"/decisions/{decision.number}/ratings/"


WRITES: dict[str, Write] = {
    # The decision graph: a stated link is added or removed by whoever may edit the record it starts from.
    "decisions:graph-link-add": Write(
        target=on("decision", kind=lambda w: "decision", pk=lambda w: w.decision.pk),
        roles={"owner": decision_role(OwnerRole.OWNER), "driver": decision_role(OwnerRole.DRIVER)},
        data=lambda world, decision, url: {"kind": "implements", "target": f"RFC {world.rfc.number}"},
        landed=lambda world, decision: Link.objects.filter(
            from_kind="decision", from_id=decision.pk, kind="implements"
        ).exists(),
        lands_at=lambda world, decision: f"/graph/decision/{decision.pk}/",
    ),
    "decisions:graph-link-remove": Write(
        target=stated_link,
        roles={"owner": decision_role(OwnerRole.OWNER)},
        data=lambda world, link, url: {},
        landed=lambda world, link: not Link.objects.filter(pk=link.pk).exists(),
        lands_at=lambda world, link: f"/graph/decision/{world.decision.pk}/",
    ),
    # Choosing a version of a record changed on the site and upstream: staff only.
    "decisions:sync-conflict": Write(
        target=sync_conflict,
        roles={},
        data=lambda world, conflict, url: {"choice": "site"},
        landed=lambda world, conflict: SyncConflict.objects.filter(pk=conflict.pk, choice="site").exists(),
        lands_at=lambda world, conflict: "/sources/walk/",
    ),
    "decisions:meeting-new": Write(
        target=NOWHERE,
        roles={"editor": editor("add_meeting"), "contributor": in_group("Contributors")},
        data=meeting_new_data,
        landed=lambda world, _: Meeting.objects.filter(
            title="Cranelift weekly", action_items__text="publish the numbers"
        ).exists(),
        lands_at=lambda world, _: "/meetings/",
    ),
    "decisions:meeting-accept": Write(
        target=on("meeting", pk=awaiting),
        roles={"editor": editor("change_meeting"), "editors group": in_group("Editors")},
        data=lambda world, meeting, url: {},
        landed=lambda world, meeting: not Meeting.objects.get(pk=meeting.pk).awaiting_review,
        lands_at=lambda world, meeting: meeting.get_absolute_url(),
    ),
    "decisions:rfc-new": Write(
        target=NOWHERE,
        roles={"contributor": in_group("Contributors"), "editor": editor("add_rfc")},
        data=lambda world, _, url: {
            "series": "site",
            "layout": "site",
            "title": "Written by the walk",
            "body": "# Summary\n\nA new RFC.\n",
            "action": "save",
            "add_me": "on",  # an account without a person says it is not in the records yet
        },
        landed=lambda world, _: RFC.objects.filter(title="Written by the walk", status="draft").exists(),
        lands_at=lambda world, _: "/rfcs/",
    ),
    "decisions:meeting-edit": Write(
        target=on("meeting", pk=lambda w: w.meeting.pk),
        roles={"submitter": meeting_submitter, "attendee": meeting_attendee},
        data=meeting_edit_data,
        landed=lambda world, meeting: meeting.topics.filter(title="Added by the walk").exists(),
        lands_at=lambda world, meeting: meeting.get_absolute_url(),
    ),
    "decisions:topic-link-decision": Write(
        target=on("topic", pk=lambda w: w.meeting.pk, topic=lambda w: w.topic.pk),
        # Both records show the link: the decision's people only where they took part in the meeting.
        roles={
            "decision owner who attended": decision_owner_who_attended,
            "decision driver who submitted the notes": decision_driver_who_submitted,
            "editor": editor("change_decision"),
        },
        data=lambda world, topic, url: {"decision": world.decision.number},
        landed=lambda world, topic: DecisionMeeting.objects.filter(
            decision=world.decision, topic=topic
        ).exists(),
        lands_at=lambda world, topic: world.meeting.get_absolute_url(),
    ),
    "decisions:action-item-status": Write(
        target=on("item", pk=lambda w: w.item.pk),
        roles={"item owner": item_owner},
        data=lambda world, item, url: {"status": "done", "next": world.meeting.get_absolute_url()},
        landed=lambda world, item: ActionItem.objects.get(pk=item.pk).status == "done",
        lands_at=lambda world, item: world.meeting.get_absolute_url(),
    ),
    "decisions:decision-new": Write(
        target=NOWHERE,
        roles={"editor": editor("add_decision"), "contributor": in_group("Contributors")},
        data=lambda world, _, url: {"title": "Which interpreter?", "context": "We need one.", "add_me": "on"},
        landed=lambda world, _: Decision.objects.filter(title="Which interpreter?").exists(),
        lands_at=lambda world, _: "/decisions/",
    ),
    "decisions:decision-edit": Write(
        target=on("decision", number=lambda w: w.decision.number),
        roles={"owner": decision_role(OwnerRole.OWNER), "driver": decision_role(OwnerRole.DRIVER)},
        data=decision_edit_data,
        landed=lambda world, decision: Decision.objects.get(pk=decision.pk).title == "Renamed by the walk",
        lands_at=lambda world, decision: decision.get_absolute_url(),
    ),
    "decisions:decision-matrix": Write(
        target=on("decision", number=lambda w: w.decision.number),
        roles={"owner": decision_role(OwnerRole.OWNER), "driver": decision_role(OwnerRole.DRIVER)},
        data=lambda world, decision, url: {
            "action": "add-option",
            "version": Decision.objects.get(pk=decision.pk).version,
            "new-option-name": "Added by the walk",
        },
        landed=lambda world, decision: decision.options.filter(name="Added by the walk").exists(),
        lands_at=lambda world, decision: decision.get_absolute_url(),
    ),
    "decisions:decision-undo": Write(
        target=on("decision", number=lambda w: w.decision.number, revision=removal_revision),
        roles={"owner": decision_role(OwnerRole.OWNER), "driver": decision_role(OwnerRole.DRIVER)},
        data=lambda world, decision, url: {},
        landed=lambda world, decision: decision.options.filter(name="Option 0").exists(),
        lands_at=lambda world, decision: decision.get_absolute_url(),
    ),
    # An RFC drafted from a decision (decisions.drafted): whoever may write an RFC; settling a
    # conflict in its generated block: whoever may edit the RFC.
    "decisions:decision-draft-rfc": Write(
        target=on("decision", number=lambda w: w.decision.number),
        roles={"contributor": in_group("Contributors"), "editor": editor("add_rfc")},
        data=draft_rfc_data,
        landed=lambda world, decision: RFC.objects.filter(
            title="Drafted by the walk", drafted_from__decision=decision
        ).exists(),
        lands_at=lambda world, decision: "/rfcs/",
    ),
    "decisions:rfc-use-decision-block": Write(
        target=drafted_rfc_in_conflict,
        roles={"author": rfc_author, "shepherd": rfc_shepherd},
        data=lambda world, rfc, url: {"version": RFC.objects.get(pk=rfc.pk).version},
        landed=lambda world, rfc: "Edited by the author." not in RFC.objects.get(pk=rfc.pk).body,
        lands_at=lambda world, rfc: rfc.get_absolute_url(),
    ),
    "decisions:precedent-new": Write(
        target=NOWHERE,
        roles={"editor": editor("add_precedent")},
        data=lambda world, _, url: {
            "title": "PEP 8",
            "url": "https://peps.python.org/pep-0008/",
            "kind": "proposal",
            "summary": "Style.",
        },
        landed=lambda world, _: Precedent.objects.filter(title="PEP 8").exists(),
        lands_at=lambda world, _: "/precedents/",
    ),
    "decisions:precedent-edit": Write(
        target=on("precedent", pk=lambda w: w.precedent.pk),
        roles={"editor": editor("change_precedent")},
        data=lambda world, precedent, url: shown_form(url, "form") | {"title": "Renamed by the walk"},
        landed=lambda world, precedent: Precedent.objects.get(pk=precedent.pk).title == "Renamed by the walk",
        lands_at=lambda world, precedent: precedent.get_absolute_url(),
    ),
    # The RFC editor (/rfcs/<number>/edit/ and /rfcs/<series>/<number>/edit/): its authors and its
    # shepherd. Every entry here is walked as soon as its URL name resolves.
    # Sign-off (issue 17): the record's editors propose and withdraw, members of the teams asked take
    # positions (each for themselves), whoever raised a concern (and staff) resolves it.
    "decisions:motion-propose-rfc": Write(
        target=on("rfc", pk=lambda w: w.rfc.pk),
        roles={"author": rfc_author, "shepherd": rfc_shepherd},
        data=motion_propose_data,
        landed=lambda world, rfc: rfc.motions.exists(),
        lands_at=lambda world, rfc: rfc.get_absolute_url(),
    ),
    "decisions:motion-propose-decision": Write(
        target=on("decision", number=lambda w: w.decision.number),
        roles={"owner": decision_role(OwnerRole.OWNER), "driver": decision_role(OwnerRole.DRIVER)},
        data=motion_propose_data,
        landed=lambda world, decision: decision.motions.exists(),
        lands_at=lambda world, decision: decision.get_absolute_url(),
    ),
    "decisions:motion-position": Write(
        target=lambda world, converters: (world_motion(world), {"pk": world_motion(world).pk}),
        roles={"member of a team asked": team_member, "staff": staff_member},
        data=lambda world, motion, url: {"kind": "approve", "after": "0"},
        landed=lambda world, motion: motion.positions.filter(kind="approve").exists(),
        lands_at=lambda world, motion: world.rfc.get_absolute_url(),
    ),
    "decisions:motion-withdraw": Write(
        target=lambda world, converters: (world_motion(world), {"pk": world_motion(world).pk}),
        roles={"author": lambda world, motion: rfc_author(world, world.rfc)},
        data=lambda world, motion, url: {"version": str(type(motion).objects.get(pk=motion.pk).version)},
        landed=lambda world, motion: type(motion).objects.get(pk=motion.pk).state == "withdrawn",
        lands_at=lambda world, motion: world.rfc.get_absolute_url(),
    ),
    "decisions:concern-resolve": Write(
        target=lambda world, converters: (
            world_concern(world),
            {"pk": world_motion(world).pk, "concern": world_concern(world).pk},
        ),
        roles={"who raised it": concern_raiser},
        data=lambda world, concern, url: {"note": "Answered."},
        landed=lambda world, concern: type(concern).objects.get(pk=concern.pk).resolved_at is not None,
        lands_at=lambda world, concern: world.rfc.get_absolute_url(),
    ),
    "decisions:rfc-edit": Write(
        target=rfc_target,
        roles={"author": rfc_author, "shepherd": rfc_shepherd},
        data=rfc_edit_data,
        landed=lambda world, rfc: RFC.objects.get(pk=rfc.pk).title == "Renamed by the walk",
        lands_at=lambda world, rfc: RFC.objects.get(pk=rfc.pk).get_absolute_url(),
    ),
    # Writing the site's records to a source's repository (a task for the worker): staff only.
    "decisions:source-write": Write(
        target=on("", name=site_source),
        roles={},
        data=lambda world, _, url: {"branch": "from-the-walk"},
        landed=write_queued,
        lands_at=lambda world, _: "/sources/site-rfcs/write/",
    ),
    # Independent ratings (issue 18).
    "decisions:decision-ratings-rate": Write(
        target=on("decision", number=lambda w: w.decision.number),
        roles={"owner": decision_role(OwnerRole.OWNER), "invited": invited_rater, "staff": staff_rater},
        data=rating_cell,
        landed=lambda world, decision: SheetRating.objects.filter(
            option__decision=decision, rating=2
        ).exists(),
        lands_at=ratings_url,
    ),
    "decisions:decision-ratings-submit": Write(
        target=on("decision", number=lambda w: w.decision.number),
        roles={
            "owner": who_rated(decision_role(OwnerRole.OWNER)),
            "invited": who_rated(invited_rater),
            "staff": who_rated(staff_rater),
        },
        data=lambda world, decision, url: {},
        landed=lambda world, decision: RatingSheet.objects.filter(submitted_at__isnull=False).exists(),
        lands_at=ratings_url,
    ),
    "decisions:decision-ratings-invite": Write(
        target=on("decision", number=lambda w: w.decision.number),
        roles={
            "owner": decision_role(OwnerRole.OWNER),
            "approver": decision_role(OwnerRole.APPROVER),
            "editor": editor("change_decision"),
        },
        data=invitee,
        landed=lambda world, decision: RatingSheet.objects.filter(person__name="Invitee").exists(),
        lands_at=ratings_url,
    ),
    "decisions:decision-ratings-reveal": Write(
        target=on("decision", number=lambda w: w.decision.number),
        roles={"owner": decision_role(OwnerRole.OWNER), "driver": decision_role(OwnerRole.DRIVER)},
        data=lambda world, decision, url: {},
        landed=lambda world, decision: RatingRound.objects.filter(revealed_at__isnull=False).exists(),
        lands_at=ratings_url,
    ),
    "decisions:decision-ratings-agenda": Write(
        target=disagreement,
        roles={"owner": decision_role(OwnerRole.OWNER), "editor": editor("change_decision")},
        data=agenda_data,
        landed=lambda world, decision: Meeting.objects.filter(planned=True, decisions=decision).exists(),
        lands_at=lambda world, decision: "/meetings/",
    ),
}

WRITE_PATTERNS = [(name, p) for name, p in PATTERNS if name in WRITES]
WRITE_IDS = [f"{name.split(':')[-1]}[{','.join(p.pattern.converters) or '-'}]" for name, p in WRITE_PATTERNS]
ROLE_CASES = [
    (name, pattern, role)
    for name, pattern in WRITE_PATTERNS
    for role in dict.fromkeys([*WRITES[name].roles, "staff"])  # a table entry may say what staff is there
]
ROLE_IDS = [
    f"{name.split(':')[-1]}[{','.join(p.pattern.converters) or '-'}]-{role}" for name, p, role in ROLE_CASES
]


def prepare(name: str, pattern: URLPattern, world: SimpleNamespace) -> tuple[Write, Any, str]:
    write = WRITES[name]
    record, kwargs = write.target(world, set(pattern.pattern.converters))
    assert set(kwargs) == set(pattern.pattern.converters), f"{name}: the target names {set(kwargs)}"
    return write, record, reverse(name, kwargs=kwargs)


# The tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=PATTERN_IDS)
def test_every_url_that_accepts_a_post_says_who_may_write(client, world, name, pattern):
    client.force_login(User.objects.create_superuser("staff", "staff@example.org", "pw"))
    url = reverse(name, kwargs=generic_kwargs(name, pattern, world)) if name not in WRITES else None
    if url is None:
        url = prepare(name, pattern, world)[2]
    response = client.post(url, {})
    accepts_post = response.status_code != 405
    short = name.split(":")[-1]
    if accepts_post and name not in WRITES and short not in EXEMPT:
        pytest.fail(
            f"{name} ({url}) accepts POST but is missing from WRITES in tests/test_permissions.py: "
            "say who may write there, a valid change and how to see it (or make the view GET-only)."
        )
    if name in WRITES:
        assert accepts_post, f"{name} is in WRITES but answers POST with 405: remove the entry"


def test_every_entry_of_the_table_is_a_url_of_the_site():
    names = {name for name, _ in PATTERNS}
    assert set(WRITES) <= names, f"entries for URLs that do not exist: {set(WRITES) - names}"
    assert {"decisions:meeting-edit", "decisions:decision-matrix", "decisions:rfc-edit"} <= names


@pytest.mark.parametrize(("name", "pattern"), WRITE_PATTERNS, ids=WRITE_IDS)
def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, world, name, pattern):
    write, record, url = prepare(name, pattern, world)
    data = write.data(world, record, url)
    response = client.post(url, data)
    assert response.status_code == 302, (name, response.status_code)
    assert response["Location"].startswith("/accounts/login/?next="), name
    assert not write.landed(world, record), f"{name}: an anonymous post changed the database"


@pytest.mark.parametrize(("name", "pattern"), WRITE_PATTERNS, ids=WRITE_IDS)
def test_signed_in_outsiders_are_refused_and_change_nothing(client, world, name, pattern):
    write, record, url = prepare(name, pattern, world)
    data = write.data(world, record, url)
    client.force_login(linked("outsider")[0])
    response = client.post(url, data)
    assert response.status_code == 403, (name, response.status_code)
    assert not write.landed(world, record), f"{name}: an outsider's post changed the database"


@pytest.mark.parametrize(("name", "pattern", "role"), ROLE_CASES, ids=ROLE_IDS)
def test_owners_and_staff_make_the_change(client, world, name, pattern, role):
    write, record, url = prepare(name, pattern, world)
    user = (write.roles.get(role) or staff)(world, record)
    data = write.data(world, record, url)
    client.force_login(user)
    response = client.post(url, data)
    assert 200 <= response.status_code < 400, (name, role, response.status_code)
    assert response.status_code not in {204}, name
    if response.status_code >= 300:
        assert response["Location"].startswith(write.lands_at(world, record)), (name, response["Location"])
    else:
        assert response.status_code == 200
    assert write.landed(world, record), f"{name}: the {role}'s change is not in the database"


# Pages whose answer to a plain GET is meant to be other than 200 (and is still a page that says why).
GET_ANSWERS = {
    # Providers are off unless their environment variables are set (tests/test_sign_in_providers.py).
    **{
        f"{p}_{step}": (404,)
        for p in ("github", "gitlab", "openid_connect")
        for step in ("login", "callback")
    },
    "socialaccount_login_error": (401,),  # "Sign-in failed", in the site's design
    "decisions:notices": (404,),  # a token this site did not sign: "This link does not work"
}


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=PATTERN_IDS)
def test_every_page_answers_a_get_without_a_server_error(client, world, name, pattern):
    url = prepare(name, pattern, world)[2] if name in WRITES else None
    response = client.get(url or reverse(name, kwargs=generic_kwargs(name, pattern, world)))
    assert response.status_code in {200, 301, 302, 405, *GET_ANSWERS.get(name, ())}, (
        name,
        response.status_code,
    )


# The same rules in the pages: no edit button where the edit would be refused ------------------


PAGE_WRITES = {
    "meeting": ("decisions:meeting-edit", "meeting", lambda w: w.meeting.get_absolute_url()),
    "decision": ("decisions:decision-edit", "decision", lambda w: w.decision.get_absolute_url()),
    "rfc": ("decisions:rfc-edit", "rfc", lambda w: w.rfc.get_absolute_url()),
    # An action item's status buttons sit on its meeting's page.
    "action item": ("decisions:action-item-status", "item", lambda w: w.meeting.get_absolute_url()),
}
PAGE_CASES = [
    (kind, role, True)
    for kind, (name, _, _) in PAGE_WRITES.items()
    for role in [*WRITES[name].roles, "staff"]
] + [(kind, role, False) for kind in PAGE_WRITES for role in ("outsider", "anonymous")]


@pytest.mark.parametrize(("kind", "role", "sees"), PAGE_CASES, ids=[f"{k}-{r}" for k, r, _ in PAGE_CASES])
def test_the_edit_link_shows_exactly_where_the_edit_is_allowed(client, world, kind, role, sees):
    name, attribute, page = PAGE_WRITES[kind]
    record = getattr(world, attribute)
    edit_url = prepare(name, next(p for n, p in PATTERNS if n == name), world)[2]
    if role == "outsider":
        client.force_login(linked("outsider")[0])
    elif role != "anonymous":
        client.force_login((WRITES[name].roles.get(role) or staff)(world, record))
    body = client.get(page(world)).content.decode()
    assert (f'href="{edit_url}"' in body or f'action="{edit_url}"' in body) is sees, (kind, role, edit_url)


def test_a_status_change_never_sends_the_owner_off_the_site(client, world):
    client.force_login(item_owner(world, world.item))
    url = reverse("decisions:action-item-status", args=[world.item.pk])
    response = client.post(url, {"status": "done", "next": "https://evil.example/phish"})
    assert response.status_code == 302 and response["Location"] == reverse("decisions:action-item-list")


# Linking a decision to a meeting -------------------------------------------------------------


def test_a_decision_owner_may_not_link_their_decision_to_a_meeting_they_had_no_part_in(client, world):
    client.force_login(decision_role(OwnerRole.OWNER)(world, world.decision))
    url = reverse("decisions:topic-link-decision", kwargs={"pk": world.meeting.pk, "topic": world.topic.pk})
    response = client.post(url, {"decision": world.decision.number})
    assert response.status_code == 403
    body = response.content.decode()
    assert "who submitted or attended this meeting" in body and 'class="site-header"' in body
    assert not DecisionMeeting.objects.exists()


def test_the_decision_editor_offers_an_owner_only_the_meetings_they_took_part_in(client, world):
    client.force_login(decision_role(OwnerRole.OWNER)(world, world.decision))
    url = reverse("decisions:decision-edit", kwargs={"number": world.decision.number})
    data = shown_form(url, "form", "owners", "citations", "discussions")
    data |= {"discussions-0-meeting": str(world.meeting.pk), "discussions-0-topic": ""}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not DecisionMeeting.objects.exists()


@pytest.mark.parametrize(
    ("role", "sees"),
    [("decision owner who attended", True), ("decision owner elsewhere", False), ("attendee", False)],
)
def test_the_link_form_shows_exactly_where_linking_is_allowed(client, world, role, sees):
    makers = {
        "decision owner who attended": decision_owner_who_attended,
        "decision owner elsewhere": decision_role(OwnerRole.OWNER),
        "attendee": lambda w, t: meeting_attendee(w, w.meeting),
    }
    client.force_login(makers[role](world, world.topic))
    url = reverse("decisions:topic-link-decision", kwargs={"pk": world.meeting.pk, "topic": world.topic.pk})
    body = client.get(world.meeting.get_absolute_url()).content.decode()
    assert (f'action="{url}"' in body) is sees
