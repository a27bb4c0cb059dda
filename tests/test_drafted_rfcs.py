"""An RFC drafted from a decision (issue 18, part 3): the generated "Rationale and alternatives"
block, kept in step with the matrix, never over the author's own words, linked both ways."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from decisions.drafted import block
from decisions.drafted.models import DraftedRFC
from decisions.drafted.sync import Outcome, sync_decision
from decisions.models import (
    RFC,
    Assessment,
    Criterion,
    Decision,
    DecisionOwner,
    Option,
    Source,
    SourceFile,
)
from decisions.records.matrix import Cell, Matrix, Row, build
from tests.factories import make_decision, make_person
from tests.test_decision_edit import matrix_post

pytestmark = pytest.mark.django_db


# The block, as a pure function ----------------------------------------------------------------


def small_matrix(chosen: bool = True) -> Matrix:
    """Two options on two criteria, built from unsaved rows: no database."""
    decision = Decision(
        pk=1, number=7, title="Where do <T> crates live?", chosen_option_id=1 if chosen else None
    )
    speed = Criterion(pk=1, name="Speed", weight=5, order=0)
    cost = Criterion(pk=2, name="Review | cost", weight=2, order=1)
    intree = Option(
        pk=1, name="In-tree", summary="One repository, `Box<dyn Host>` & <b>no</b> glue.", order=0
    )
    rpc = Option(pk=2, name="RPC --> service", order=1)
    rows = [
        Row(intree, [Cell(intree, speed, Assessment(rating=2, note="fast")), Cell(intree, cost, Assessment(rating=-1))],
            chosen=chosen, rank=1),
        Row(rpc, [Cell(rpc, speed, Assessment(rating=-1)), Cell(rpc, cost, Assessment(rating=1, note="small"))],
            rank=2),
    ]  # fmt: skip
    return Matrix(decision, [speed, cost], rows)


def test_the_block_names_criteria_weights_totals_the_chosen_option_and_pros_and_cons():
    text = block.generate(small_matrix(), "/decisions/7/")
    assert "[DR-0007: Where do \\<T> crates live?](/decisions/7/)" in text
    assert "| Speed | 5 |" in text and "| Review \\| cost | 2 |" in text
    assert "| **In-tree** (chosen) | +8 | 1 |" in text  # 2 x 5 - 1 x 2
    assert "| RPC --\\> service | -3 | 2 |" in text  # the name cannot close a marker
    assert "**Chosen: In-tree** (weighted total +8, rank 1 of 2)." in text
    assert "- Pro: Speed (weight 5, strongly for, +10): fast" in text
    assert "- Con: Review | cost (weight 2, against, -2)" in text  # outside a table a | is text
    assert "## Alternatives" in text and "### RPC --\\> service (-3)" in text
    assert "- Pro: Review | cost (weight 2, for, +2): small" in text
    assert "Why not chosen: Weighted total -3 against +8" in text
    assert "-->" not in text
    # Typed `<` and `&` stay text; inside a code span, where a backslash would show, as typed.
    assert "One repository, `Box<dyn Host>` \\& \\<b>no\\</b> glue." in text


def test_while_nothing_is_chosen_the_block_names_the_leader():
    text = block.generate(small_matrix(chosen=False), "/decisions/7/")
    assert "No option is chosen yet; **In-tree** leads with +8." in text
    assert "## Other options" in text and "Why not chosen" not in text


def test_the_block_renders_as_a_table_and_its_markers_do_not_show():
    from decisions.markdown import render

    body = block.with_block("# Summary\n\nMine.\n\n# Rationale and alternatives\n\nWhy.\n", 7,
                            block.generate(small_matrix(), "/decisions/7/"))  # fmt: skip
    html = render(body)
    assert "<table>" in html and "generated from decision" not in html
    assert "Where do &lt;T&gt; crates live?" in html
    assert "<code>Box&lt;dyn Host&gt;</code> &amp; &lt;b&gt;no&lt;/b&gt; glue." in html
    assert body.index("Why.") < body.index("<!-- generated from decision 7:")  # the prompt stays above


def test_replacing_the_block_keeps_every_character_outside_it():
    inner = block.generate(small_matrix(), "/decisions/7/")
    before, after = (
        "# Summary\r\n\r\nMine,  with  spaces.\r\n\r\n",
        "\r\n\r\n# Open questions\r\n\r\nStill mine.\r\n",
    )
    text = before + block.wrap(7, "old text", "\r\n") + after
    found = block.find(text)
    assert found is not None and found.number == 7 and block.same(found.inner, "old text")
    new = block.replace(text, found, inner)
    assert new.startswith(before) and new.endswith(after)
    assert block.same(block.find(new).inner, inner)
    assert block.find("no markers here") is None
    assert block.find(block.start_marker(7) + "\nno end marker") is None


def test_a_template_without_the_section_gets_it_at_the_end_and_its_prompt_stays():
    from decisions.rfcs.layouts import LAYOUTS

    early = block.with_block(LAYOUTS["bytecodealliance-draft"].body, 3, "The matrix.")
    assert early.endswith("# Rationale and alternatives\n\n" + block.wrap(3, "The matrix.") + "\n")
    rust = block.with_block(LAYOUTS["rust"].body, 3, "The matrix.")
    section = rust[rust.index("# Rationale and alternatives") : rust.index("# Prior art")]
    assert "What others were considered" in section and block.wrap(3, "The matrix.") in section


# Drafting an RFC from a decision ---------------------------------------------------------------


def writer_account(username: str = "writer") -> User:
    """An account that may write RFCs (decisions.add_rfc), linked to a person."""
    user = User.objects.create_user(username, password="pw")
    user.user_permissions.add(Permission.objects.get(codename="add_rfc"))
    make_person(username.capitalize(), user=user)
    return User.objects.get(pk=user.pk)


def decision_editor(decision: Decision, username: str = "owner") -> User:
    user = User.objects.create_user(username, password="pw")
    DecisionOwner.objects.create(decision=decision, person=make_person(username.capitalize(), user=user))
    return user


@pytest.fixture
def decision() -> Decision:
    decision = make_decision(number=1, options=3, criteria=3)
    decision.chosen_option = decision.options.get(name="Option 2")
    decision.save()
    return decision


def draft_url(decision: Decision) -> str:
    return reverse("decisions:decision-draft-rfc", args=[decision.number])


def draft(client, decision: Decision, **changes: str):
    """GET the form, write a summary, submit it."""
    page = client.get(draft_url(decision))
    body = page.context["form"].initial["body"]
    data = {"series": "site", "layout": "site", "title": "Shared crates", "body": body, "action": "save"}
    data["body"] = body.replace("One paragraph: what this RFC proposes.", "We propose shared crates.")
    data.update(changes)
    return client.post(draft_url(decision), data)


def test_drafting_makes_a_draft_whose_rationale_is_the_matrix_linked_to_the_decision(client, decision):
    client.force_login(writer_account())
    page = client.get(draft_url(decision))
    assert page.status_code == 200
    body = page.context["form"].initial["body"]
    assert "# Rationale and alternatives" in body and "<!-- generated from decision 1:" in body
    response = draft(client, decision)
    rfc = RFC.objects.get(title="Shared crates")
    assert response.status_code == 302 and response["Location"] == rfc.get_absolute_url()
    assert rfc.status == "draft" and [a.name for a in rfc.authors.all()] == ["Writer"]
    assert "We propose shared crates." in rfc.body and "**Chosen: Option 2**" in rfc.body
    assert DraftedRFC.objects.get(rfc=rfc).decision == decision
    assert rfc.revisions.get().author.username == "writer"


def test_an_untouched_template_or_a_missing_block_saves_nothing_and_says_why(client, decision):
    client.force_login(writer_account())
    body = client.get(draft_url(decision)).context["form"].initial["body"]
    data = {"series": "site", "layout": "site", "title": "T", "body": body, "action": "save"}
    response = client.post(draft_url(decision), data)
    assert response.status_code == 422 and "still the template" in response.content.decode()
    data["body"] = "# Summary\n\nMine.\n"
    response = client.post(draft_url(decision), data)
    assert response.status_code == 422
    assert "The block generated from DR-0001 is missing" in response.content.decode()
    assert "Mine.\n</textarea>" in response.content.decode()  # the person's text comes back
    data["body"] = body.replace("One paragraph", "Mine").replace("| Criterion 0 |", "| Criterion zero |")
    response = client.post(draft_url(decision), data)
    assert (
        response.status_code == 422 and "not DR-0001&#x27;s matrix as it is now" in response.content.decode()
    )
    assert not RFC.objects.exists() and not DraftedRFC.objects.exists()


def test_putting_the_block_back_replaces_only_the_text_between_the_markers(client, decision):
    client.force_login(writer_account())
    body = client.get(draft_url(decision)).context["form"].initial["body"]
    found = block.find(body)
    edited = block.replace(body, found, "my own table").replace("One paragraph", "Mine")
    data = {"series": "site", "layout": "site", "title": "T", "body": edited, "action": "block"}
    response = client.post(draft_url(decision), data)
    text = response.context["form"].data["body"]
    assert "Mine" in text and "my own table" not in text and block.same(block.find(text).inner, found.inner)


# Who may ------------------------------------------------------------------------------------


def test_only_people_who_may_write_rfcs_are_offered_it_and_allowed(client, decision):
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Draft an RFC" not in page
    assert client.get(draft_url(decision))["Location"].startswith("/accounts/login/")
    client.force_login(decision_editor(decision))  # may edit the decision, not write RFCs
    assert "Draft an RFC" not in client.get(decision.get_absolute_url()).content.decode()
    refused = client.get(draft_url(decision))
    assert refused.status_code == 403 and "draft an RFC from DR-0001" in refused.content.decode()
    assert client.post(draft_url(decision), {"action": "save"}).status_code == 403
    client.force_login(writer_account())
    assert "Draft an RFC" in client.get(decision.get_absolute_url()).content.decode()


# Kept in sync -------------------------------------------------------------------------------


@pytest.fixture
def drafted(client, decision) -> RFC:
    client.force_login(writer_account())
    draft(client, decision)
    return RFC.objects.get(title="Shared crates")


def rate(client, decision: Decision, option: str, criterion: str, rating: int, capture) -> None:
    user = decision_editor(decision, f"rater{Assessment.objects.count()}{rating + 2}")
    client.force_login(user)
    option_row, criterion_row = decision.options.get(name=option), decision.criteria.get(name=criterion)
    with capture(execute=True):
        response = matrix_post(
            client, decision, action="rate", option=option_row.pk, criterion=criterion_row.pk, rating=rating
        )
    assert response.status_code == 200


def test_a_rating_change_rewrites_the_block_as_a_revision_by_the_site(
    client, decision, drafted, django_capture_on_commit_callbacks
):
    before = drafted.body
    rate(client, decision, "Option 0", "Criterion 2", 2, django_capture_on_commit_callbacks)
    drafted.refresh_from_db()
    assert drafted.body != before
    assert "| Option 0 | +" in drafted.body
    revision = drafted.revisions.order_by("-number").first()
    assert revision.number == 2 and revision.author is None
    assert revision.message == "Rationale and alternatives regenerated from DR-0001, whose matrix changed"
    assert before[: before.index("<!-- generated")] == drafted.body[: drafted.body.index("<!-- generated")]
    page = client.get(drafted.get_absolute_url()).content.decode()
    assert "Drafted from" in page and "DR-0001" in page
    # Idempotent: running it again, or a change that leaves the block as it is, writes nothing.
    assert sync_decision(decision.pk) == {drafted.pk: Outcome.IN_SYNC}
    assert drafted.revisions.count() == 2


def test_the_authors_text_outside_the_block_is_kept(
    client, decision, drafted, django_capture_on_commit_callbacks
):
    found = block.find(drafted.body)
    drafted.body = (
        "# Summary\n\nRewritten by the author.\n\n"
        + drafted.body[found.start : found.end]
        + "\n\nA closing line.\n"
    )
    drafted.record_change(message="Author's edit")
    rate(client, decision, "Option 1", "Criterion 0", -2, django_capture_on_commit_callbacks)
    drafted.refresh_from_db()
    assert drafted.body.startswith("# Summary\n\nRewritten by the author.\n\n<!-- generated from decision 1:")
    assert drafted.body.endswith("<!-- end generated -->\n\nA closing line.\n")
    assert drafted.revisions.order_by("-number").first().author is None


def test_an_edit_inside_the_block_is_never_overwritten_and_both_versions_are_shown(
    client, decision, drafted, django_capture_on_commit_callbacks
):
    found = block.find(drafted.body)
    drafted.body = block.replace(drafted.body, found, found.inner.replace("Criterion 0", "Startup time"))
    drafted.record_change(message="Author's edit inside")
    mine = drafted.body
    rate(client, decision, "Option 0", "Criterion 2", 2, django_capture_on_commit_callbacks)
    drafted.refresh_from_db()
    assert drafted.body == mine and drafted.revisions.count() == 2
    link = DraftedRFC.objects.get(rfc=drafted)
    assert link.pending and "Startup time" not in link.pending
    assert sync_decision(decision.pk) == {drafted.pk: Outcome.EDITED}  # again: still nothing written
    assert drafted.revisions.count() == 2
    author = User.objects.get(username="writer")
    client.force_login(author)
    page = client.get(drafted.get_absolute_url()).content.decode()
    assert "DR-0001 changed: its block was not rewritten" in page
    assert "In the RFC now" in page and "| Startup time |" in page and "From <a" in page
    assert "What differs" in page and "in the RFC only: </span>-| Startup time |" in page
    decision_page = client.get(decision.get_absolute_url()).content.decode()
    assert "its block waits" in decision_page
    api = client.get(reverse("decisions:rfc-api-detail", args=[drafted.number])).json()
    assert api["drafted_from"]["block"] == "conflict" and api["drafted_from"]["pending"] == link.pending
    # A stale choice is refused; the current one puts the decision's block in, as a revision.
    url = reverse("decisions:rfc-use-decision-block", args=[drafted.number])
    stale = client.post(url, {"version": drafted.version - 1})
    assert stale.status_code == 409 and "changed since you opened it" in stale.content.decode()
    assert client.post(url, {"version": drafted.version}).status_code == 302
    drafted.refresh_from_db()
    assert "Startup time" not in drafted.body and drafted.revisions.count() == 3
    assert drafted.revisions.order_by("-number").first().author == author
    assert DraftedRFC.objects.get(rfc=drafted).pending == ""
    assert "its block was not rewritten" not in client.get(drafted.get_absolute_url()).content.decode()


def test_removed_markers_are_reported_and_nothing_is_written(
    client, decision, drafted, django_capture_on_commit_callbacks
):
    drafted.body = "# Summary\n\nNo block any more.\n"
    drafted.record_change(message="Removed the block")
    rate(client, decision, "Option 0", "Criterion 2", 2, django_capture_on_commit_callbacks)
    drafted.refresh_from_db()
    assert drafted.body == "# Summary\n\nNo block any more.\n"
    page = client.get(drafted.get_absolute_url()).content.decode()
    assert "The markers of the generated block are gone" in page


def test_an_rfc_held_in_a_repository_is_not_rewritten_and_the_page_says_so(
    client, decision, drafted, django_capture_on_commit_callbacks
):
    source = Source.objects.create(name="team-rfcs", url="https://github.com/team/rfcs", holds="rfcs")
    SourceFile.objects.create(source=source, path="text/0001-shared.md", kind="rfc", object_id=drafted.pk)
    before = drafted.body
    rate(client, decision, "Option 0", "Criterion 2", 2, django_capture_on_commit_callbacks)
    drafted.refresh_from_db()
    assert drafted.body == before and drafted.revisions.count() == 1
    client.force_login(User.objects.get(username="writer"))
    page = client.get(drafted.get_absolute_url()).content.decode()
    assert "lives in the repository of the source <strong>team-rfcs</strong>, its place of record" in page
    assert "Use DR-0001" not in page
    refused = client.post(
        reverse("decisions:rfc-use-decision-block", args=[drafted.number]), {"version": drafted.version}
    )
    assert refused.status_code == 403
    assert RFC.objects.get(pk=drafted.pk).body == before


def test_an_author_saving_while_the_site_rewrites_is_never_overwritten(decision, drafted, monkeypatch):
    """The rewrite claims the version it read; an edit in between makes it read and decide again."""
    from decisions.drafted import sync

    found = block.find(drafted.body)
    real = RFC.claim_version
    calls = []

    def author_saves_first(self, version):
        if not calls:
            calls.append(version)
            other = RFC.objects.get(pk=self.pk)
            other.body = other.body.replace("We propose shared crates.", "Mine")
            other.version += 1
            other.record_change(message="The author, at the same moment")
            return False
        return real(self, version)

    Assessment.objects.filter(option__name="Option 0", criterion__name="Criterion 2").update(rating=2)
    monkeypatch.setattr(RFC, "claim_version", author_saves_first)
    link = DraftedRFC.objects.get(rfc=drafted)
    assert sync.sync_one(link, sync.generated_for(decision)) == Outcome.REWRITTEN
    drafted.refresh_from_db()
    assert "Mine" in drafted.body and not block.same(block.find(drafted.body).inner, found.inner)


# Linked both ways ---------------------------------------------------------------------------


def test_the_link_shows_on_both_pages_and_in_both_apis(client, decision, drafted):
    rfc_page = client.get(drafted.get_absolute_url()).content.decode()
    assert (
        f'<a href="{decision.get_absolute_url()}">DR-0001: Where do shared WASI API implementations live?</a>'
        in rfc_page
    )
    decision_page = client.get(decision.get_absolute_url()).content.decode()
    assert "Drafted from this decision" in decision_page
    assert f'<a href="{drafted.get_absolute_url()}">{drafted.label}: Shared crates</a>' in decision_page
    rfc_api = client.get(reverse("decisions:rfc-api-detail", args=[drafted.number])).json()
    assert rfc_api["drafted_from"]["number"] == 1 and rfc_api["drafted_from"]["block"] == "in sync"
    decision_api = client.get(reverse("decisions:decision-api-detail", args=[1])).json()
    assert [(r["number"], r["block_waiting"]) for r in decision_api["drafted_rfcs"]] == [
        (drafted.number, False)
    ]
    other = make_decision(number=2)
    assert client.get(reverse("decisions:decision-api-detail", args=[2])).json()["drafted_rfcs"] == []
    assert other.drafted_rfcs.count() == 0


def test_the_pages_cost_the_same_queries_with_one_or_many_drafted_rfcs(
    client, decision, drafted, count_queries
):
    from django.core.cache import caches

    def cold(url: str) -> int:
        for store in caches.all():
            store.clear()
        return count_queries(url)

    client.logout()
    one = (cold(decision.get_absolute_url()), cold(drafted.get_absolute_url()))
    for title in ("Second", "Third"):
        client.force_login(User.objects.get(username="writer"))
        draft(client, decision, title=title)
    client.logout()
    DraftedRFC.objects.update(pending="a newer block")  # the conflict panel reads the text: one query
    many = (cold(decision.get_absolute_url()), cold(drafted.get_absolute_url()))
    assert many[0] == one[0] and many[1] == one[1] + 1
    assert build  # the matrix module the block is generated from


def test_the_command_catches_up_a_change_that_left_no_revision(decision, drafted):
    """An import (or a crash between a change and its rewrite) can leave an RFC behind its matrix."""
    import json
    from io import StringIO

    from django.core.management import call_command

    Assessment.objects.filter(option__name="Option 0", criterion__name="Criterion 2").update(rating=2)
    out = StringIO()
    call_command("sync_drafted_rfcs", "--dry-run", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report == {"dry_run": True, "rfcs": [{"rfc": drafted.label, "outcome": "rewritten"}]}
    assert drafted.revisions.count() == 1
    out = StringIO()
    call_command("sync_drafted_rfcs", stdout=out)
    assert f"{drafted.label}: rewritten" in out.getvalue() and drafted.revisions.count() == 2
    out = StringIO()
    call_command("sync_drafted_rfcs", stdout=out)
    assert "1 drafted RFC(s), 0 rewritten." in out.getvalue() and drafted.revisions.count() == 2


def test_one_sync_per_decision_and_commit_however_many_revisions_it_wrote(
    decision, drafted, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from decisions.records import history

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for rating in (2, -2):
            history.begin(decision)
            Assessment.objects.filter(option__name="Option 0", criterion__name="Criterion 2").update(
                rating=rating
            )
            history.record(decision, message=f"Rated {rating}")
    syncs = [c for c in callbacks if getattr(c, "keywords", {}).get("decision_id") == decision.pk]
    assert len(syncs) == 1
    syncs[0]()
    drafted.refresh_from_db()
    from decisions.drafted.sync import generated_for

    assert block.same(block.find(drafted.body).inner, generated_for(decision))
    assert drafted.revisions.count() == 2  # the draft, and one rewrite


def test_a_block_that_would_pass_the_size_limit_is_not_written_and_the_page_says_why(
    client, decision, drafted, settings, django_capture_on_commit_callbacks
):
    settings.MARKDOWN_MAX_BYTES = len(drafted.body.encode()) + 10
    Option.objects.filter(decision=decision, name="Option 0").update(summary="A much longer summary. " * 20)
    before = drafted.body
    rate(client, decision, "Option 0", "Criterion 2", 2, django_capture_on_commit_callbacks)
    drafted.refresh_from_db()
    assert drafted.body == before and drafted.revisions.count() == 1
    assert "A much longer summary." in DraftedRFC.objects.get(rfc=drafted).pending
    page = client.get(drafted.get_absolute_url()).content.decode()
    assert "longer than the site's limit for one document" in page
