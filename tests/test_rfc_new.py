"""Writing a new RFC at /rfcs/new/: layouts, preview, submission as a numbered draft, refusals."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from decisions.accounts import claims
from decisions.models import RFC, Area, Person, RFCNumberCounter, RFCRevision, RFCStatusChange
from decisions.rfcs.layouts import LAYOUTS
from tests.factories import make_person, make_rfc

pytestmark = pytest.mark.django_db

URL = "/rfcs/new/"
RUST_SECTIONS = [
    "Summary",
    "Motivation",
    "Guide-level explanation",
    "Reference-level explanation",
    "Drawbacks",
    "Rationale and alternatives",
    "Prior art",
    "Unresolved questions",
    "Future possibilities",
]
BODY = "# Summary\n\nOne crate per WASI proposal.\n\n# Motivation\n\nEvery embedder repeats the glue.\n"


@pytest.fixture
def contributor() -> User:
    user = User.objects.create_user("cora", password="pw", first_name="Cora", last_name="Contributor")
    user.groups.add(Group.objects.get(name="Contributors"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def signed_in(client: Client, contributor: User) -> Client:
    client.force_login(contributor)
    return client


def submission(**changes: str) -> dict[str, str]:
    return {
        "series": "site",
        "layout": "site",
        "title": "Shared WASI crates",
        "body": BODY,
        "action": "save",
        "add_me": "on",  # the account has no person yet and says it is not in the records
    } | changes


def test_the_form_starts_from_the_sites_own_layout_in_the_sites_own_series(signed_in):
    response = signed_in.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert [value for value, _ in form.fields["series"].choices] == ["site"]
    assert form["body"].value() == LAYOUTS["site"].body
    body = response.content.decode()
    # Imported series are numbered elsewhere. Whole words: a random CSRF token may hold "PEP".
    assert not re.search(r"\bRust RFC\b", body) and not re.search(r"\bPEP\b", body)
    for layout in LAYOUTS.values():
        assert layout.label.replace("'", "&#x27;") in body


def test_starting_from_the_rust_layout_fills_in_its_nine_sections(signed_in):
    response = signed_in.post(URL, submission(layout="rust", action="layout", body=LAYOUTS["site"].body))
    assert response.status_code == 200
    text = response.context["form"]["body"].value()
    assert [line[2:] for line in text.splitlines() if line.startswith("# ")] == RUST_SECTIONS
    assert not RFC.objects.exists()


def test_the_bytecode_alliance_layout_has_its_sections(signed_in):
    response = signed_in.post(URL, submission(layout="bytecodealliance", action="layout", body=""))
    text = response.context["form"]["body"].value()
    headings = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    assert headings == ["Summary", "Motivation", "Proposal", "Rationale and alternatives", "Open questions"]


def test_another_layout_never_replaces_what_the_person_wrote(signed_in):
    response = signed_in.post(URL, submission(layout="rust", action="layout"))
    assert response.context["form"]["body"].value() == BODY
    assert "Your text is kept" in response.content.decode()


def test_the_preview_shows_the_rendered_text_and_its_sections_and_saves_nothing(signed_in):
    response = signed_in.post(URL, submission(action="preview", body=BODY + "\nSome **bold** words.\n"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>bold</strong>" in body
    assert "Sections: Summary · Motivation" in body
    assert 'class="site-header"' in body  # without JavaScript: the whole page
    assert not RFC.objects.exists()


def test_the_htmx_preview_answers_with_the_preview_alone(signed_in):
    response = signed_in.post(URL, submission(action="preview"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="preview"') and "site-header" not in body
    assert "One crate per WASI proposal." in body


def test_submitting_saves_a_numbered_draft_with_the_writer_as_author(signed_in, contributor):
    make_rfc(number=11, title="Older")
    area = Area.objects.create(name="WASI", slug="wasi")
    response = signed_in.post(URL, submission(areas=str(area.pk), discussion_url="https://example.org/d"))
    rfc = RFC.objects.get(title="Shared WASI crates")
    assert response.status_code == 302 and response["Location"] == "/rfcs/12/"
    assert (rfc.series, rfc.number, rfc.status) == ("", 12, "draft")
    assert [person.name for person in rfc.authors.all()] == ["Cora Contributor"]
    assert rfc.authors.get().user == contributor
    assert list(rfc.areas.all()) == [area] and rfc.discussion_url == "https://example.org/d"
    assert RFCRevision.objects.get(rfc=rfc).message == "Submitted as a draft"
    assert RFCStatusChange.objects.get(rfc=rfc).to_status == "draft"
    page = signed_in.get("/rfcs/12/").content.decode()
    assert "One crate per WASI proposal." in page
    assert 'href="/rfcs/12/edit/"' in page  # its author may edit the draft


def test_a_number_is_never_given_twice_even_after_its_rfc_is_deleted(signed_in):
    signed_in.post(URL, submission(title="First"))
    RFC.objects.get(title="First").delete()
    signed_in.post(URL, submission(title="Second"))
    assert RFC.objects.get(title="Second").number == 2
    assert RFCNumberCounter.objects.get(series="").last_number == 2


def test_imported_series_do_not_take_the_sites_numbers(signed_in):
    make_rfc(number=2094, series="rust", title="NLL")
    signed_in.post(URL, submission())
    assert RFC.objects.get(title="Shared WASI crates").number == 1


def test_an_imported_series_cannot_be_chosen(signed_in):
    response = signed_in.post(URL, submission(series="rust"))
    assert response.status_code == 422
    assert (
        "Series" in response.content.decode()
        and "not one of the available choices" in response.content.decode()
    )
    assert not RFC.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "Title", "This field is required."),
        ({"body": LAYOUTS["rust"].body}, "Text", "still the template"),
        ({"discussion_url": "not a url"}, "Discussion URL", "Enter a valid URL."),
    ],
)
def test_an_invalid_submission_says_what_and_where_and_saves_nothing(signed_in, changes, field, message):
    response = signed_in.post(URL, submission(**changes))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert f">{field}</a>: " in body and message in body
    assert not RFC.objects.exists() and not RFCNumberCounter.objects.filter(last_number__gt=0).exists()


def test_a_text_over_the_size_limit_is_refused_with_the_limit(signed_in, settings):
    settings.MARKDOWN_MAX_BYTES = 1024
    response = signed_in.post(URL, submission(body="# Summary\n\n" + "x" * 2000))
    assert response.status_code == 422 and "the limit is 1 KB" in response.content.decode()
    assert not RFC.objects.exists()


def test_the_author_is_the_person_linked_to_the_account(signed_in, contributor):
    person = make_person("Cora C.", user=contributor)
    signed_in.post(URL, submission())
    assert list(RFC.objects.get().authors.all()) == [person]


def test_a_person_with_the_same_name_is_not_taken_over(contributor):
    stranger = make_person("Cora Contributor")
    person = claims.add_me(contributor)
    assert person != stranger and person.user == contributor
    assert Person.objects.get(pk=stranger.pk).user is None


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={URL}"


def test_an_account_without_a_role_gets_a_page_saying_who_may(client):
    client.force_login(User.objects.create_user("olga", password="pw"))
    response = client.get(URL)
    assert response.status_code == 403
    body = response.content.decode()
    assert "You may not write a new RFC" in body
    assert "Only contributors, editors and staff may." in body
    assert reverse("decisions:permissions") in body
