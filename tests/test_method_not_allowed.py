"""A GET to a form's POST-only address is a page in the site's design, not an empty 405."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.test_permissions import PATTERNS, WRITES, generic_kwargs, prepare, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_every_get_to_a_post_only_address_says_what_it_is_for_and_where_to_go(client, world):  # noqa: F811
    client.force_login(User.objects.create_superuser("staff", "staff@example.org", "pw"))
    refused = []
    for name, pattern in PATTERNS:
        url = prepare(name, pattern, world)[2] if name in WRITES else None
        url = url or reverse(name, kwargs=generic_kwargs(name, pattern, world))
        response = client.get(url)
        if response.status_code != 405 or url.startswith("/api/"):
            continue
        refused.append(name)
        page = response.content.decode()
        assert "<h1>This address is not a page</h1>" in page, name
        # It links to the nearest page above the address, and that page is there.
        card = page.split('<div class="card" role="alert">')[1].split("</div>")[0]
        [link] = re.findall(r'<a href="([^"]+)">', card)
        assert url.startswith(link) and client.get(link).status_code == 200, (name, link)
        assert '<nav class="site-nav" aria-label="Main">' in page, f"{name}: not in the site's design"
        assert "POST" in response["Allow"], name
    # Buttons that only ever post: following their address by hand must not meet a blank page.
    assert {"decisions:action-item-status", "decisions:decision-undo"} <= set(refused), refused


def test_an_api_endpoint_keeps_its_own_405(client):
    response = client.post("/api/rfcs/")
    assert response.status_code == 405
    assert "This address is not a page" not in response.content.decode()
