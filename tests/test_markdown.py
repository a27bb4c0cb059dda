"""decisions.markdown.render: the features RFC authors use, and the limits that keep it safe."""

from __future__ import annotations

import pytest
from django.test import override_settings

from decisions.markdown import MarkdownTooLarge, render, render_document

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once


def test_it_renders_tables_with_header_cells():
    html = render("| Option | Cost |\n| --- | --- |\n| in-tree | low |\n")
    assert "<table>" in html
    assert "<th>Option</th>" in html
    assert "<td>in-tree</td>" in html


def test_it_highlights_code_with_pygments_classes():
    html = render('```rust\nfn main() { println!("hi"); }\n```\n')
    assert '<pre tabindex="0" class="highlight"><code class="language-rust">' in html
    assert '<span class="k">fn</span>' in html


def test_code_in_an_unknown_language_is_shown_plain_and_escaped():
    html = render("```nosuchlang\n<b>x</b>\n```\n")
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>" not in html


def test_headings_get_github_style_anchors_and_a_table_of_contents():
    rendered = render_document("# Summary\n\ntext\n\n## Rationale and alternatives\n\nmore\n")
    # Prefixed as on GitHub, so no document can clobber the page's own ids.
    assert '<h2 id="user-content-rationale-and-alternatives">' in rendered.html
    assert [(h.level, h.id, h.title) for h in rendered.toc] == [
        (1, "user-content-summary", "Summary"),
        (2, "user-content-rationale-and-alternatives", "Rationale and alternatives"),
    ]


def test_repeated_headings_get_distinct_anchors():
    rendered = render_document("## Example\n\n## Example\n")
    assert [h.id for h in rendered.toc] == ["user-content-example", "user-content-example-1"]


def test_toc_titles_keep_inline_code_text():
    rendered = render_document("## The `wasi-http` crate\n")
    assert rendered.toc[0].title == "The wasi-http crate"


def test_footnotes_link_both_ways():
    html = render("Claim.[^1]\n\n[^1]: Source.\n")
    assert 'href="#user-content-fn1"' in html
    assert 'id="user-content-fn1"' in html
    assert 'class="footnote-backref"' in html


def test_task_lists_show_their_state_to_eyes_and_screen_readers():
    html = render("- [x] done\n- [ ] todo\n")
    assert (
        '<span class="task-state" aria-hidden="true">☑</span> <span class="visually-hidden">(done)</span>'
        in html
    )
    assert (
        '<span class="task-state" aria-hidden="true">☐</span> <span class="visually-hidden">(to do)</span>'
        in html
    )
    assert "<input" not in html


def test_strikethrough_and_autolinks():
    html = render("~~old~~ see https://example.com/x\n")
    assert "<s>old</s>" in html
    assert '<a href="https://example.com/x" rel="nofollow noopener">' in html


def test_external_links_get_nofollow_noopener():
    html = render("[site](https://example.com)")
    assert 'rel="nofollow noopener"' in html


def test_safe_raw_html_is_kept_and_unsafe_attributes_dropped():
    html = render('<details><summary>More</summary><p style="color:red" onclick="x()">hi</p></details>')
    assert "<details><summary>More</summary><p>hi</p></details>" in html


def test_windows_line_endings_bom_and_nul_bytes_are_normalised():
    html = render("\ufeff# Title\r\n\r\nbody\x00end\r\n")
    assert '<h1 id="user-content-title">Title</h1>' in html
    assert "\x00" not in html
    assert "\ufeff" not in html


@override_settings(MARKDOWN_MAX_BYTES=1024)
def test_documents_over_the_size_limit_are_refused_with_a_clear_message():
    with pytest.raises(MarkdownTooLarge, match=r"is 2 KB; the limit is 1 KB"):
        render("x" * 2048)


def test_empty_text_renders_nothing():
    assert render("") == ""


def test_meeting_notes_link_rfc_and_decision_mentions():
    html = render_document("See RFC 12, rfcs#3 and DR-0001.", link_mentions=True).html
    assert '<a href="/rfcs/12/" class="mention"' in html
    assert '<a href="/rfcs/3/" class="mention"' in html
    assert '<a href="/decisions/1/" class="mention"' in html


def test_mentions_inside_links_and_code_stay_as_written():
    html = render_document("[RFC 9](https://example.org) and `RFC 4`", link_mentions=True).html
    assert 'href="/rfcs/9/"' not in html and 'href="/rfcs/4/"' not in html


def test_other_documents_do_not_link_mentions():
    assert "href" not in render("An IETF RFC 2119 keyword.")


def test_code_blocks_can_be_reached_by_keyboard_to_scroll_them():
    html = render("```\nfn main() {}\n```\n\n    indented code\n")
    assert html.count('<pre tabindex="0"') == 2
    assert "tabindex" not in render('<div tabindex="5">x</div>')  # only ours survives
