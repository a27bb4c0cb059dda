"""A page whose content is kept is answered from its frame (decisions.caching.pageframe) without
rendering base.html again: it must be the very HTML the template gives, for every reader, with
their own account links, messages and CSRF token, and follow an edit at once.

These tests commit for real (transaction=True): frames are keyed by the committed state."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.middleware.csrf import _unmask_cipher_token
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.test.signals import template_rendered
from django.urls import reverse

from decisions.models import ActionItem
from tests.factories import make_decision, make_meeting, make_person, make_rfc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("built_pages")]
# A masked CSRF token differs at every request: compared once unmasked, then left out.
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})')
VIEWS = (
    "decisions.views",
    "decisions.rfcs.views",
    "decisions.meetings.views",
    "decisions.records.views",
    "decisions.records.ratings.views",
    "decisions.people.views",
)


def pages() -> list[str]:
    decision = make_decision(context="Kept in *one* crate.")
    return [
        "/",
        make_rfc().get_absolute_url(),
        make_meeting().get_absolute_url(),
        decision.get_absolute_url(),
    ]


def readers() -> dict[str, Client]:
    staff = User.objects.create_user("editor", is_staff=True, is_superuser=True)
    plain = User.objects.create_user("reader<&>")  # escaped in the account links as by the template
    clients = {"anonymous": Client(), "staff": Client(), "plain": Client()}
    clients["staff"].force_login(staff)
    clients["plain"].force_login(plain)
    return clients


def queue_message(client: Client, text: str) -> None:
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, text)])


@pytest.fixture
def through_template(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """Switch the opted-in views between their frames and Django's plain `render`."""

    def switch(on: bool) -> None:
        from decisions.caching.pageframe import render_page

        def plain(request: Any, template_name: str, context: dict[str, Any], first: Any = None) -> Any:
            # Nor is the content kept ({% pagebody %}): what the template gives this reader, so
            # a `body_vary` that misses something a reader changes shows.
            return render(request, template_name, {**context, "body_vary": None})

        for module in VIEWS:
            monkeypatch.setattr(f"{module}.render_page", plain if on else render_page)

    return switch


@pytest.fixture
def templates_rendered() -> Iterator[list[str]]:
    names: list[str] = []

    def seen(sender: Any, template: Any, **kwargs: Any) -> None:
        names.append(template.name)

    template_rendered.connect(seen)
    yield names
    template_rendered.disconnect(seen)


def fetched(client: Client, url: str) -> tuple[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    secret = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    tokens = [match.group(2) for match in TOKEN.finditer(html)]
    # Each token the page carries is this reader's own (their cookie's secret).
    assert all(_unmask_cipher_token(token) == secret for token in tokens), url
    return TOKEN.sub(r"\1TOKEN", html), tokens


def test_a_page_from_its_frame_is_the_html_the_template_gives_to_every_reader(
    through_template: Callable[[bool], None], templates_rendered: list[str]
):
    urls = pages()
    same_as_the_template(urls, readers(), through_template, templates_rendered)


def test_a_person_an_rfc_history_and_blind_ratings_from_their_frames_are_what_each_reader_gets(
    through_template: Callable[[bool], None], templates_rendered: list[str]
):
    clients = readers()
    # The staff reader owns (so rates) a decision and has an open action item; blind ratings
    # show each reader their own page, and the items' status buttons differ between readers.
    owner = make_person("Olga <Owner>", user=User.objects.get(username="editor"))
    decision = make_decision(owner=owner, options=2, criteria=2)
    ActionItem.objects.create(owner=owner, text="Write the *summary*")
    ActionItem.objects.create(owner=owner, text="Dropped one", status="dropped")
    rfc = make_rfc(authors=[owner])
    urls = [
        reverse("decisions:decision-ratings", args=[decision.number]),
        owner.get_absolute_url(),
        reverse("decisions:rfc-history", args=[rfc.number]),
    ]
    same_as_the_template(urls, clients, through_template, templates_rendered)
    sheet = clients["staff"].get(urls[0]).content.decode()
    assert "My sheet" in sheet and "My sheet" not in clients["plain"].get(urls[0]).content.decode()
    person = {who: client.get(urls[1]).content.decode() for who, client in clients.items()}
    assert "1 done or dropped" in person["anonymous"]
    assert "Mark done" in person["staff"] and "Mark done" not in person["plain"] + person["anonymous"]


def test_a_missing_person_rating_page_or_history_answers_404_each_time():
    visitor = Client()
    for url in ("/people/nobody-here/", "/decisions/4040/ratings/", "/rfcs/4040/history/"):
        assert [visitor.get(url).status_code for _ in range(2)] == [404, 404], url


def same_as_the_template(
    urls: list[str],
    clients: dict[str, Client],
    through_template: Callable[[bool], None],
    templates_rendered: list[str],
) -> None:
    for url in urls:
        # A frame cut for a signed-in reader serves a visitor, and the other way round.
        for who in ("staff", "anonymous", "plain") if url != urls[1] else ("anonymous", "staff", "plain"):
            client = clients[who]
            for message in (None, f"Saved for {who} <b>now</b>."):
                through_template(True)
                if message:
                    queue_message(client, message)
                expected, _ = fetched(client, url)
                through_template(False)
                fetched(client, url)  # the frame cut (or already kept by another reader)
                if message:
                    queue_message(client, message)
                templates_rendered.clear()
                html, tokens = fetched(client, url)
                assert templates_rendered == [], (url, who)  # joined from the frame
                assert html == expected, (url, who, message)
                if message:
                    assert "Saved for" in html and "&lt;b&gt;now&lt;/b&gt;" in html
                    assert "Saved for" not in fetched(client, url)[0]  # shown once
                assert (who == "anonymous") is ("Sign in" in html)
                if who == "plain":
                    assert "reader&lt;&amp;&gt;" in html
                if who != "anonymous":
                    assert tokens  # the sign-out form's and the htmx header's, this reader's own


def test_a_kept_person_page_follows_an_edit_at_once():
    person = make_person("Ada Author")
    item = ActionItem.objects.create(owner=person, text="Write the summary")
    visitor, url = Client(), person.get_absolute_url()
    for _ in range(2):
        body = visitor.get(url).content.decode()
        assert "Write the summary" in body and "done or dropped" not in body
    item.status = "done"
    item.save()
    body = visitor.get(url).content.decode()
    assert "1 done or dropped" in body and "Write the summary" not in body


def test_a_kept_frame_follows_an_edit_at_once():
    decision = make_decision("Where do shared WASI API implementations live?", context="In *one* crate.")
    url = decision.get_absolute_url()
    visitor = Client()
    for _ in range(2):
        assert "In <em>one</em> crate." in visitor.get(url).content.decode()
    decision.title = "Shared WASI implementations live in wasi-common"
    decision.context = "In *two* crates."
    decision.context_html = ""  # rendered again on save
    decision.save()
    body = visitor.get(url).content.decode()
    assert "Shared WASI implementations live in wasi-common" in body.split("</title>")[0]
    assert "In <em>two</em> crates." in body and "In <em>one</em> crate." not in body
