"""Short text fields shown as written: raw HTML escaped, inline Markdown (code, emphasis, links)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import User

from decisions.markdown import render
from decisions.markdown.short import plain_inline, render_inline, render_summary
from decisions.models import Assessment, Criterion, DecisionPrecedent, DecisionStatus, Option, Precedent
from tests.factories import make_decision
from tests.test_markdown_security import XSS_PAYLOADS, dangers

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once


def test_a_rust_type_is_shown_as_typed_not_dropped_as_a_tag():
    assert render_inline("Box<dyn Trait>") == "Box&lt;dyn Trait&gt;"
    assert render_summary("Plugged in as Box<dyn Trait>.") == "<p>Plugged in as Box&lt;dyn Trait&gt;.</p>\n"


def test_code_spans_emphasis_and_links_render_inline_without_a_paragraph():
    html = render_inline("A `--plugin` flag, *easy* ~~hard~~, see [RFC 9](https://example.org/rfc9)")
    assert html == (
        "A <code>--plugin</code> flag, <em>easy</em> <s>hard</s>, see "
        '<a href="https://example.org/rfc9" rel="nofollow noopener">RFC 9</a>'
    )


def test_entities_and_block_syntax_stay_as_typed():
    assert render_inline("&amp; is not &") == "&amp;amp; is not &amp;"
    assert render_inline("# 1. not a heading") == "# 1. not a heading"


def test_a_script_link_is_not_a_link():
    assert "<a" not in render_inline("[click](javascript:alert(1))")
    assert "<a" not in render_inline("![x](javascript:alert(1))")


def test_inside_a_link_the_words_of_a_link_stay_without_the_anchor():
    assert (
        render_inline("Use [RFC 9](https://example.org) `here`", links=False) == "Use RFC 9 <code>here</code>"
    )


def test_plain_text_for_labels_has_no_markup_and_no_backticks():
    assert plain_inline("Rate `Box<dyn Trait>` *now*") == "Rate Box<dyn Trait> now"


def test_a_summary_keeps_paragraphs_and_lists_but_no_headings():
    html = render_summary("One.\n\n- a\n- b\n\n# Big")
    assert html == "<p>One.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p># Big</p>\n"


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_no_payload_leaves_anything_executable(payload):
    assert dangers(render_inline(payload)) == []
    assert dangers(render_inline(payload, links=False)) == []
    assert dangers(render_summary(payload)) == []


@pytest.fixture
def typed(db):
    """A record whose short fields hold what Rust people type."""
    decision = make_decision(
        number=4, title="Where does `Box<dyn Trait>` live?", status=DecisionStatus.ACCEPTED
    )
    traits = Option.objects.create(
        decision=decision, name="Trait <objects>", summary="Plugged in as Box<dyn Trait>.", order=1
    )
    other = Option.objects.create(
        decision=decision, name="Generics", why_not="Needs `impl Trait` everywhere.", order=2
    )
    cost = Criterion.objects.create(
        decision=decision, name="`unsafe` code", description="Counts *every* `unsafe` block.", order=1
    )
    Assessment.objects.create(option=traits, criterion=cost, rating=2, note="A `--plugin` flag")
    Assessment.objects.create(option=other, criterion=cost, rating=-1, note="")
    precedent = Precedent.objects.create(title="The `dyn` RFC", url="https://example.org/dyn")
    DecisionPrecedent.objects.create(decision=decision, precedent=precedent, note="Same <T> problem.")
    decision.chosen_option = traits
    decision.save()
    return decision


def test_the_record_shows_short_fields_as_typed_with_code(client, typed):
    body = client.get(typed.get_absolute_url()).content.decode()
    assert "<title>DR-0004: Where does Box&lt;dyn Trait&gt; live? · rfcs_site</title>" in body
    assert "<h1>DR-0004: Where does <code>Box&lt;dyn Trait&gt;</code> live?</h1>" in body
    assert "<p>Plugged in as Box&lt;dyn Trait&gt;.</p>" in body
    assert "Trait &lt;objects&gt;" in body
    assert ": A <code>--plugin</code> flag" in body  # the cell note, not literal backticks
    assert "`" not in body.split('id="matrix"')[1].split('id="consequences"')[0]
    assert "Needs <code>impl Trait</code> everywhere." in body
    assert "Counts <em>every</em> <code>unsafe</code> block." in body  # the criteria list
    assert 'title="Counts every unsafe block."' in body
    assert "The <code>dyn</code> RFC</a>" in body and "Same &lt;T&gt; problem." in body


def test_a_title_inside_a_link_renders_without_a_nested_link(client, typed):
    typed.title = "Is [RFC 9](https://example.org/9) `right`?"
    typed.save()
    body = client.get("/decisions/").content.decode()
    assert f'<a href="{typed.get_absolute_url()}">Is RFC 9 <code>right</code>?</a>' in body


def test_the_editor_labels_name_options_in_plain_words(client, typed):
    user = User.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(user)
    body = client.get(f"/decisions/{typed.number}/edit/").content.decode()
    assert "Rating of Trait &lt;objects&gt; on unsafe code</label>" in body
    assert 'aria-label="Remove unsafe code…"' in body  # asks first: the link leads to a confirmation
    assert 'value="`unsafe` code"' in body  # the input keeps what was typed


def test_the_migration_renders_stored_summaries_again(typed):
    option = Option.objects.get(name="Trait <objects>")
    Option.objects.filter(pk=option.pk).update(summary_html=render(option.summary))  # as stored before
    assert Option.objects.get(pk=option.pk).summary_html == "<p>Plugged in as Box.</p>\n"
    migration = importlib.import_module("decisions.migrations.0011_option_summaries_as_short_text")
    migration.render_summaries(apps, None)
    assert Option.objects.get(pk=option.pk).summary_html == "<p>Plugged in as Box&lt;dyn Trait&gt;.</p>\n"
