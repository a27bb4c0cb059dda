"""The source pages and the conflict page on a 390 px phone and a desktop: nothing wider than the
screen, no axe-core violation, and a staff member settles a conflict with one button."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.db import transaction

from decisions.models import RFC, Source, SyncConflict
from decisions.sources.sync import sync_source
from tests.browser.conftest import screenshot
from tests.browser.test_decision_phone import DESKTOP, PHONE, overflow
from tests.gitrepos import Repo, rust_rfc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conflict(settings, tmp_path) -> SyncConflict:
    """A synced source with a skipped README, a refused link and one RFC changed on both sides."""
    settings.SOURCES_CACHE_DIR = str(tmp_path / "cache")
    repo = Repo(tmp_path / "rfcs")
    repo.write("README.md", "# RFCs\n")
    repo.write("text/0001-first.md", rust_rfc(1, "First", "Upstream text. " * 40))
    repo.write("text/0002-second.md", rust_rfc(2, "Second"))
    (repo.work / "text").joinpath("0003-link.md").symlink_to("/etc/passwd")
    repo.commit("RFCs")
    source = Source.objects.create(name="rust", url=repo.url, holds="rfcs", record_in="site", secret="x")
    sync_source(source)
    rfc = RFC.objects.get(number=1)
    with transaction.atomic():
        assert rfc.claim_version(rfc.version)
        rfc.body = "The site's own text, a long line: " + "word " * 80
        rfc.record_change(message="edited on the site")
    repo.write("text/0001-first.md", rust_rfc(1, "First", "The upstream change. " * 40))
    repo.commit("upstream change")
    sync_source(source)
    User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    return SyncConflict.objects.get()


def sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


def pages(conflict: SyncConflict) -> list[str]:
    return ["/sources/", "/sources/rust/", f"/sources/rust/conflicts/{conflict.pk}/"]


def test_the_source_pages_fit_a_phone_and_have_no_axe_violation(page, conflict):
    sign_in(page, "/sources/")
    axe = Axe()
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for url in pages(conflict):
            page.goto(url)
            assert overflow(page) == {"extra": 0, "out": []}, (viewport["width"], url)
            screenshot(
                page, f"{'phone' if viewport is PHONE else 'desktop'}-{url.strip('/').replace('/', '-')}"
            )
            if viewport is PHONE:
                results = axe.run(page).response
                assert results["passes"], url
                assert [
                    (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]
                ] == [], url


def test_a_staff_member_keeps_the_sites_version_from_the_conflict_page(page, conflict):
    sign_in(page, "/sources/rust/")
    page.get_by_role("link", name="text/0001-first.md").click()
    assert (
        page.get_by_role("region", name="The repository's version").inner_text().startswith("- Feature Name")
    )
    page.get_by_role("button", name="Keep the site's version").click()
    page.wait_for_url("**/sources/rust/")
    assert "text/0001-first.md: the site's version was kept." in page.inner_text("body")
    assert "Waiting for a choice" not in page.inner_text("body")
    assert RFC.objects.get(number=1).body.startswith("The site's own text")
