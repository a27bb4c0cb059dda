"""Every URL of the site, walked from the URL conf: strangers can read but never write.

A new URL is covered automatically; give its converters a sample value in SAMPLES.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from decisions.models import ActionItem, Precedent, Topic
from tests.factories import make_decision, make_meeting, make_person, make_rfc

pytestmark = pytest.mark.django_db


def site_patterns() -> list[tuple[str, URLPattern]]:
    found = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and getattr(entry, "app_name", None) == "decisions":
            found += [(p.name, p) for p in entry.url_patterns if isinstance(p, URLPattern)]
    return found


@pytest.fixture
def world():
    meeting = make_meeting()
    topic = Topic.objects.create(meeting=meeting, order=1, title="Shared WASI")
    person = make_person("Till S")
    return {
        "number": make_rfc(number=1).number,
        "decision": make_decision(number=1, options=1, criteria=1),
        "pk": meeting.pk,
        "topic": topic.pk,
        "slug": person.slug,
        "precedent": Precedent.objects.create(title="KEP", url="https://example.org/kep"),
        "item": ActionItem.objects.create(owner=person, text="Write it", meeting=meeting),
    }


def url_for(name: str, pattern: URLPattern, world: dict) -> str:
    samples = {"number": 1, "pk": world["pk"], "topic": world["topic"], "slug": world["slug"]}
    if name.startswith("precedent"):
        samples["pk"] = world["precedent"].pk
    if name.startswith("action-item"):
        samples["pk"] = world["item"].pk
    kwargs = {key: samples[key] for key in pattern.pattern.converters}
    return reverse(f"decisions:{name}", kwargs=kwargs)


PATTERNS = site_patterns()
WRITE_ATTEMPT = {"action": "add-option", "status": "done", "decision": 1, "new-option-name": "Sneaky"}


def test_the_walk_finds_the_writing_urls():
    names = {name for name, _ in PATTERNS}
    assert {"decision-new", "decision-edit", "decision-matrix", "meeting-new", "precedent-new"} <= names


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_anonymous_posts_are_refused_or_sent_to_sign_in(client, world, name, pattern):
    response = client.post(url_for(name, pattern, world), WRITE_ATTEMPT)
    assert response.status_code in {302, 403, 405}, name
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/"), name


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_signed_in_outsiders_cannot_write(client, world, name, pattern):
    client.force_login(User.objects.create_user("outsider", password="pw"))
    response = client.post(url_for(name, pattern, world), WRITE_ATTEMPT)
    assert response.status_code in {403, 405}, (name, response.status_code)


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_every_page_answers_a_get_without_a_server_error(client, world, name, pattern):
    response = client.get(url_for(name, pattern, world))
    assert response.status_code in {200, 302, 405}, (name, response.status_code)
