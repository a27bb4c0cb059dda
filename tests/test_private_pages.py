"""Pages built for a signed-in person are kept by no browser cache or proxy."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.factories import make_rfc

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(User.objects.create_user("till", password="correct horse battery staple"))
    return client


@pytest.mark.parametrize("url", ["/", "/rfcs/", "/rfcs/1/", "/decisions/", "/meetings/"])
def test_a_signed_in_page_is_private_and_not_stored(signed_in, url):
    make_rfc(number=1)
    response = signed_in.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_signed_in_json_answer_is_private_too(signed_in):
    response = signed_in.get("/api/search/?q=wasi")
    assert "no-store" in response["Cache-Control"]


def test_the_redirect_right_after_signing_in_is_not_stored(client):
    User.objects.create_user("till", password="correct horse battery staple")
    response = client.post(
        "/accounts/login/", {"username": "till", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302 and "no-store" in response["Cache-Control"]


def test_a_visitors_page_keeps_its_cacheable_headers(client):
    make_rfc(number=1)
    response = client.get("/rfcs/1/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
