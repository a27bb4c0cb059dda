"""Signing in through the OpenID Connect provider in a real browser, then claiming your person;
every account page on a 390 px phone with no axe violation and nothing wider than the screen."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from decisions.accounts.models import Handle
from decisions.people.linking import person_for
from decisions.people.models import Person
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def check(page, name: str) -> None:
    """No axe violation, nothing wider than the phone, and a screenshot to look at."""
    results = Axe().run(page).response
    assert results["passes"], name
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]] == [], name
    extra = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert extra == 0, name
    screenshot(page, f"accounts-{name}")


def test_oidc_sign_in_in_the_browser_then_claim_your_person(page, oidc_site, settings):
    settings.SIGNUP_OPEN = True
    chris = Person.objects.create(name="Chris Fallin", aliases=["cfallin"])
    Handle.objects.create(person=chris, provider="testidp", login="cfallin")
    Person.objects.create(name="Chris Fallin", affiliation="another project")
    page.set_viewport_size(PHONE)

    page.goto("/accounts/login/?next=/decisions/")
    check(page, "sign-in")
    page.get_by_role("button", name="Sign in with Test IdP").click()

    page.wait_for_url(f"{oidc_site.url}/login/**")  # at the provider, over the CSP's form-action
    page.get_by_label("IdP user").fill("cfallin")
    page.get_by_label("IdP password").fill(oidc_site.password)
    page.get_by_role("button", name="Sign in at the IdP").click()

    page.wait_for_url("**/decisions/")
    assert page.get_by_text("Signed in as cfallin", exact=True).is_visible()
    page.get_by_role("link", name="cfallin").click()
    page.wait_for_url("**/accounts/you/")
    assert page.get_by_text("Takes effect at once: your Test IdP login cfallin").is_visible()
    check(page, "your-account")
    buttons = page.get_by_role("button", name="This is me")
    assert buttons.count() == 2  # two people with the same name, each offered on its own
    buttons.first.click()
    # The answer comes back to this same address, so waiting for the URL waits for nothing:
    # wait for what it says.
    expect(page.get_by_text("You are Chris Fallin on this site from now on")).to_be_visible()
    check(page, "your-person")
    from django.contrib.auth.models import User

    assert person_for(User.objects.get(username="cfallin")) == chris


def test_the_sign_up_pages_on_a_phone(page, settings):
    settings.SIGNUP_OPEN = True
    page.set_viewport_size(PHONE)
    page.goto("/accounts/signup/")
    check(page, "sign-up")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password", exact=True).fill("a long new passphrase")
    page.get_by_label("Password (again)").fill("a long new passphrase")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    check(page, "confirm-email-sent")
    page.goto("/accounts/confirm-email/not-a-key/")
    check(page, "confirm-email-wrong")
    settings.SIGNUP_OPEN = False
    page.goto("/accounts/signup/")
    check(page, "sign-up-closed")
