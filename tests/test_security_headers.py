"""Every page carries a Content-Security-Policy without 'unsafe-inline', and pages obey it."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_decision, make_rfc

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url", ["/", "/rfcs/", "/rfcs/1/", "/decisions/1/", "/meetings/", "/accounts/login/"]
)
def test_no_page_has_inline_script_or_style(client, url):
    make_rfc(number=1)
    make_decision(number=1, options=2, criteria=2)
    body = client.get(url).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", body), "inline script"
    assert " style=" not in body and "<style" not in body
    assert " onclick=" not in body.lower() and " onload=" not in body.lower()


def test_read_only_pages_refuse_posts(client):
    make_rfc(number=1)
    assert client.post("/rfcs/1/").status_code == 405
    assert client.post("/rfcs/").status_code == 405
