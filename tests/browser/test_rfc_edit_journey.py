"""An RFC's author signs in, edits the text in the browser and finds the change in the history."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from decisions.models import RFC
from tests.browser.conftest import screenshot
from tests.factories import make_person, make_rfc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rfc():
    author = User.objects.create_user("ada", password="a-long-test-password")
    return make_rfc(
        number=6,
        title="Shared WASI implementations",
        body="# Summary\n\nFirst text.\n",
        authors=[make_person("Ada Author", user=author)],
    )


def test_an_author_edits_an_rfc_and_sees_the_revision(page, rfc):
    page.goto("/accounts/login/?next=/rfcs/6/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/rfcs/6/$"))
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Status").select_option("proposed")
    page.get_by_label("Text").fill("# Summary\n\nSecond text, with **emphasis**.\n\n# Motivation\n\nWhy.\n")
    page.get_by_label("What changed").fill("Add the motivation")
    screenshot(page, "rfc-edit")
    page.get_by_role("button", name="Save RFC 6").click()
    expect(page).to_have_url(re.compile(r"/rfcs/6/$"))
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("RFC 6 saved")
    expect(page.locator("article strong")).to_have_text("emphasis")
    expect(
        page.get_by_role("navigation", name="Sections").get_by_role("link", name="Motivation")
    ).to_be_visible()
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("Add the motivation").first).to_be_visible()
    assert RFC.objects.get(pk=rfc.pk).status == "proposed"
