"""The page shell (head, navigation, footer) is kept once per process (`{% shellcache %}`): each
page still marks its own section and the search page leaves out the header's search box."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import make_meeting, make_rfc

pytestmark = pytest.mark.django_db
CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


def test_each_page_marks_its_own_section_in_the_kept_navigation():
    client = Client()
    rfc, meeting = make_rfc(), make_meeting()
    for url, section in (
        (rfc.get_absolute_url(), "/rfcs/"),
        (meeting.get_absolute_url(), "/meetings/"),
        ("/rfcs/", "/rfcs/"),
        ("/", None),
        (rfc.get_absolute_url(), "/rfcs/"),  # the first section's shell again, as it was
    ):
        body = client.get(url).content.decode()
        assert CURRENT.findall(body) == ([section] if section else []), url
        assert 'id="site-search-q"' in body and "css/site.css" in body
    search = client.get("/search/", {"q": "fuel"}).content.decode()
    assert 'id="site-search-q"' not in search and "css/site.css" in search
