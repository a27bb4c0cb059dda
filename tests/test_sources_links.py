"""Records whose place of record is a repository: read-only on the site, edited on their host.

And each synced RFC's links: its pull request or discussion, and its file at the synced commit.
"""

from __future__ import annotations

import html5lib
import pytest
from django.contrib.auth.models import User

from decisions.models import RFC, Decision, Meeting, Source, SourceFile
from decisions.sources.hosts import file_url
from tests.factories import make_decision, make_meeting, make_rfc

pytestmark = pytest.mark.django_db

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("repository", "ref", "expected"),
    [
        ("https://github.com/rust-lang/rfcs.git", "master", "https://github.com/rust-lang/rfcs/blob/master/text/0001-x.md"),
        ("https://github.com/rust-lang/rfcs", COMMIT, f"https://github.com/rust-lang/rfcs/blob/{COMMIT}/text/0001-x.md"),
        ("git@github.com:rust-lang/rfcs.git", "", "https://github.com/rust-lang/rfcs/blob/HEAD/text/0001-x.md"),
        ("ssh://git@github.com/rust-lang/rfcs.git", "main", "https://github.com/rust-lang/rfcs/blob/main/text/0001-x.md"),
        ("https://gitlab.com/team/sub/rfcs.git", "main", "https://gitlab.com/team/sub/rfcs/-/blob/main/text/0001-x.md"),
        ("https://gitlab.example.org/team/rfcs", "main", "https://gitlab.example.org/team/rfcs/-/blob/main/text/0001-x.md"),
        ("https://codeberg.org/team/rfcs.git", "main", "https://codeberg.org/team/rfcs/src/branch/main/text/0001-x.md"),
        ("https://codeberg.org/team/rfcs", COMMIT, f"https://codeberg.org/team/rfcs/src/commit/{COMMIT}/text/0001-x.md"),
        ("https://bitbucket.org/team/rfcs.git", "main", "https://bitbucket.org/team/rfcs/src/main/text/0001-x.md"),
        ("file:///srv/git/rfcs", "main", ""),
        ("/srv/checkouts/rfcs", "main", ""),
        ("https://git.example.org/rfcs.git", "main", ""),
    ],
)  # fmt: skip
def test_the_file_page_on_each_host(repository, ref, expected):
    assert file_url(repository, ref, "text/0001-x.md") == expected


def held(record, kind: str, *, url: str = "https://github.com/rust-lang/rfcs.git", record_in: str = "repository",
         path: str = "text/3600-unsafe-fields.md", withdrawn: bool = False) -> Source:  # fmt: skip
    source, _ = Source.objects.get_or_create(
        name=f"src-{kind}-{record_in}", defaults={"url": url, "branch": "master", "holds": "rfcs", "record_in": record_in},
    )  # fmt: skip
    SourceFile.objects.create(
        source=source,
        path=path,
        blob="b" * 40,
        commit=COMMIT,
        kind=kind,
        object_id=record.pk,
        withdrawn=withdrawn,
    )
    return source


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("staff", "staff@example.org", "pw")
    client.force_login(user)
    return user


def parsed(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def links(response) -> dict[str, str]:
    return {"".join(a.itertext()).strip(): a.get("href") for a in parsed(response).iter("a")}


# RFCs --------------------------------------------------------------------------------------


@pytest.fixture
def rust_rfc():
    return make_rfc(
        "Unsafe fields",
        number=3600,
        series="rust",
        discussion_url="https://github.com/rust-lang/rfcs/pull/3600",
    )


def test_an_rfc_held_in_its_repository_offers_edit_there_not_here(client, staff, rust_rfc):
    held(rust_rfc, "rfc")
    response = client.get(rust_rfc.get_absolute_url())

    found = links(response)
    assert (
        found["Edit in the repository"]
        == "https://github.com/rust-lang/rfcs/blob/master/text/3600-unsafe-fields.md"
    )
    assert "Edit" not in found, "the site's editor is not offered for a record the repository holds"


def test_its_edit_page_refuses_with_a_page_that_says_where_to_edit(client, staff, rust_rfc):
    held(rust_rfc, "rfc")
    response = client.get(rust_rfc.edit_url)

    assert response.status_code == 403
    text = response.content.decode()
    assert "lives in the repository of the source" in text and "src-rfc-repository" in text
    assert links(response)["Edit in the repository"].endswith("/blob/master/text/3600-unsafe-fields.md")
    assert 'class="site-header"' in text  # the site's own design, not a bare error


def test_a_post_to_its_editor_changes_nothing(client, staff, rust_rfc):
    held(rust_rfc, "rfc")
    data = {"title": "Overwritten", "status": rust_rfc.status, "body": "x", "discussion_url": "",
            "version": rust_rfc.version, "message": ""}  # fmt: skip
    assert client.post(rust_rfc.edit_url, data).status_code == 403
    assert RFC.objects.get(pk=rust_rfc.pk).title == "Unsafe fields"


def test_a_local_folder_gives_no_link_but_says_where_the_file_is(client, staff, rust_rfc):
    held(rust_rfc, "rfc", url="/srv/checkouts/rfcs")
    page = client.get(rust_rfc.get_absolute_url()).content.decode()
    assert "Edit in the repository" not in page
    assert "<code>/srv/checkouts/rfcs</code>" in page and "text/3600-unsafe-fields.md" in page
    refusal = client.get(rust_rfc.edit_url)
    assert refusal.status_code == 403 and "<code>/srv/checkouts/rfcs</code>" in refusal.content.decode()


def test_when_the_site_is_the_place_of_record_the_site_edits_it(client, staff, rust_rfc):
    held(rust_rfc, "rfc", record_in="site")
    response = client.get(rust_rfc.get_absolute_url())
    assert "Edit" in links(response) and "Edit in the repository" not in links(response)
    assert client.get(rust_rfc.edit_url).status_code == 200


def test_a_file_removed_upstream_no_longer_holds_its_record(client, staff, rust_rfc):
    held(rust_rfc, "rfc", withdrawn=True)
    assert client.get(rust_rfc.edit_url).status_code == 200


def test_a_synced_rfc_links_to_its_pull_request_and_its_file_at_the_synced_commit(client, rust_rfc):
    held(rust_rfc, "rfc")
    response = client.get(rust_rfc.get_absolute_url())
    facts = {
        "".join(dt.itertext()).strip(): dd
        for dt, dd in zip(parsed(response).iter("dt"), parsed(response).iter("dd"), strict=False)
    }
    assert "Pull request" in facts
    found = links(response)
    assert found["rust-lang/rfcs#3600"] == "https://github.com/rust-lang/rfcs/pull/3600"
    assert found["3600-unsafe-fields.md at 0123456"] == (
        f"https://github.com/rust-lang/rfcs/blob/{COMMIT}/text/3600-unsafe-fields.md"
    )


def test_a_kep_links_to_its_tracking_issue_and_a_pep_to_its_discussion(client):
    kep = make_rfc(
        "Sidecars",
        number=753,
        series="kep",
        discussion_url="https://github.com/kubernetes/enhancements/issues/753",
    )
    pep = make_rfc(
        "Pattern matching", number=634, series="pep", discussion_url="https://discuss.python.org/t/634"
    )
    assert "<dt>Tracking issue</dt>" in client.get(kep.get_absolute_url()).content.decode()
    assert "<dt>Discussion</dt>" in client.get(pep.get_absolute_url()).content.decode()


def test_the_page_runs_as_many_queries_with_a_home_as_without(count_queries, rust_rfc):
    other = make_rfc("Other", number=3601, series="rust")
    held(rust_rfc, "rfc")
    assert count_queries(rust_rfc.get_absolute_url()) == count_queries(other.get_absolute_url())


# Decision records and meetings ---------------------------------------------------------------


def test_a_decision_held_in_its_repository_is_edited_there(client, staff):
    decision = make_decision(number=7, options=2, criteria=2)
    held(decision, "decision", path="docs/decisions/0007-where.md")
    page = client.get(decision.get_absolute_url())
    assert links(page)["Edit in the repository"].endswith("/blob/master/docs/decisions/0007-where.md")
    assert "Edit" not in links(page)

    for url in (f"/decisions/{decision.number}/edit/", f"/decisions/{decision.number}/matrix/"):
        response = client.post(url, {"title": "Overwritten"})
        assert response.status_code == 403, url
        assert "lives in the repository" in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).title == decision.title


def test_a_meeting_held_in_its_repository_is_edited_there(client, staff):
    meeting = make_meeting(source_text="# Notes\n\n- Alex: hello\n")
    held(meeting, "meeting", url="https://gitlab.com/team/meetings.git", path="2023/03-30.md")
    page = client.get(meeting.get_absolute_url())
    assert (
        links(page)["Edit in the repository"]
        == "https://gitlab.com/team/meetings/-/blob/master/2023/03-30.md"
    )
    assert "Edit notes" not in links(page)
    response = client.post(f"/meetings/{meeting.pk}/edit/", {"notes": "overwritten"})
    assert response.status_code == 403
    assert "The meeting of 2023-03-30 is edited in its repository" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).source_text == "# Notes\n\n- Alex: hello\n"


@pytest.mark.parametrize(
    ("url", "label", "text"),
    [
        ("https://github.com/rust-lang/rfcs/pull/3600", "Pull request", "rust-lang/rfcs#3600"),
        ("https://github.com/kubernetes/enhancements/issues/753", "Tracking issue", "kubernetes/enhancements#753"),
        ("https://gitlab.com/team/sub/rfcs/-/merge_requests/7", "Pull request", "team/sub/rfcs!7"),
        ("https://discuss.python.org/t/pep-634/12", "Discussion", "discuss.python.org/t/pep-634/12"),
    ],
)  # fmt: skip
def test_how_a_discussion_link_is_named(url, label, text):
    from decisions.sources.links import discussion_label, discussion_text

    assert (discussion_label(url), discussion_text(url)) == (label, text)
