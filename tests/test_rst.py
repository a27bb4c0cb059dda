"""PEP bodies (reStructuredText) render readably and safely, and never fail on bad markup."""

from __future__ import annotations

import html5lib
import pytest
from django.test import override_settings

from decisions.markdown import MarkdownTooLarge, slugify_heading
from decisions.markdown.rst import PROBLEMS_TITLE, render_rst
from decisions.rfcs.parsing import parse_file
from tests.conftest import DATA
from tests.test_markdown_security import XSS_PAYLOADS, dangers

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once

PEP = DATA / "rfcs" / "pep" / "peps" / "pep-9001.rst"


def text_of(html: str) -> str:
    """What a reader sees: the text of the HTML, as a browser parses it."""
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return "".join(fragment.itertext())


@pytest.fixture(scope="module")
def pep_page():
    return render_rst(parse_file(PEP).body)


def test_a_pep_body_renders_as_sections_lists_code_tables_and_links(pep_page):
    html = pep_page.html
    assert '<section id="user-content-abstract">' in html and "<h2>Abstract</h2>" in html
    assert '<section id="user-content-sub-section">' in html and "<h3>Sub-section</h3>" in html
    assert "<li><p>bullet lists,</p></li>" in html
    assert "<ol" in html and "<li><p>Enumerated</p></li>" in html
    assert '<pre tabindex="0" class="literal-block">def parse(path):' in html
    assert (
        '<pre tabindex="0" class="highlight code python literal-block"><code><span class="kn">import</span>'
        in html
    )
    assert '<a href="https://peps.python.org/pep-0008" rel="nofollow noopener">PEP 8</a>' in html
    assert '<a href="https://peps.python.org/" rel="nofollow noopener">the PEP index</a>' in html
    assert "<table>" in html and "<th><p>Column A</p></th>" in html and "<td><p>1</p></td>" in html
    assert '<div class="admonition note">' in html and "Admonitions render as boxes." in html


def test_no_rst_markup_is_left_in_what_the_reader_sees(pep_page):
    seen = text_of(pep_page.html)
    for markup in ("====", ":pep:", ".. note::", ".. code-block::", "``", "`_", "::\n"):
        assert markup not in seen
    assert "Imported proposals must read well:" in seen


def test_the_table_of_contents_uses_the_same_anchors_as_markdown_headings(pep_page):
    assert [(h.level, h.id, h.title) for h in pep_page.toc] == [
        (2, "user-content-abstract", "Abstract"),
        (2, "user-content-motivation", "Motivation"),
        (2, "user-content-specification", "Specification"),
        (3, "user-content-sub-section", "Sub-section"),
        (2, "user-content-copyright", "Copyright"),
    ]
    assert all(h.id == "user-content-" + slugify_heading(h.title) for h in pep_page.toc)


def test_duplicate_and_punctuated_headings_get_unique_github_style_ids_and_internal_links_still_work():
    source = "Python's BDFL\n=============\n\nSee `Other`_.\n\nOther\n=====\n\nx\n\nOther\n=====\n\ny\n"
    rendered = render_rst(source.replace("See `Other`_.", "See `Python's BDFL`_."))
    assert [h.id for h in rendered.toc] == [
        "user-content-pythons-bdfl",
        "user-content-other",
        "user-content-other-1",
    ]
    # docutils' own id stays as an anchor, so its generated links keep working
    assert '<span id="user-content-python-s-bdfl"></span>' in rendered.html
    assert 'href="#user-content-python-s-bdfl"' in rendered.html


def test_sphinx_roles_and_directives_used_in_peps_read_as_text():
    source = (
        "Uses :class:`~typing.Protocol`, :func:`len`, :ref:`the rules <rules-label>` and :term:`duck`.\n\n"
        ".. versionadded:: 3.12 The :mod:`tomllib` module.\n\n"
        ".. seealso::\n\n   Another PEP.\n\n"
        ".. toctree::\n   :maxdepth: 2\n\n   hidden\n"
    )
    html = render_rst(source).html
    assert '<span class="docutils literal">Protocol</span>' in html
    assert '<span class="docutils literal">len</span>' in html
    assert "<em>the rules</em>" in html and "<em>duck</em>" in html
    assert "New in version 3.12: The" in html and "tomllib" in html
    assert "See also" in html and "Another PEP." in html
    seen = text_of(html)
    assert "System Message" not in seen and "hidden" not in seen and ":class:" not in seen


@pytest.mark.parametrize(
    ("name", "source", "visible"),
    [
        ("broken table", "+-----+----+\n| broken | table\n+-----+\n", "Malformed table"),
        (
            "unknown directive",
            ".. frobnicate:: now\n\n   inner text\n",
            'Unknown directive type "frobnicate"',
        ),
        ("unknown role", "A :madeup:`thing` here.\n", 'Unknown interpreted text role "madeup"'),
        ("unknown target", "A `missing`_ link.\n", 'Unknown target name: "missing"'),
        ("unclosed literal (a warning: shown literally)", "Some ``literal text\n", "Some ``literal text"),
        ("bad substitution", "|nope| here\n", 'Undefined substitution referenced: "nope"'),
    ],
)
def test_malformed_rst_still_renders_with_a_visible_note_or_the_text_as_written(name, source, visible):
    html = render_rst(source).html
    seen = text_of(html)
    assert visible in seen
    for word in source.split():
        if word.isalpha() and len(word) > 3:
            assert word in seen, (name, word)


def test_problems_are_listed_under_a_readable_heading_not_in_the_table_of_contents():
    rendered = render_rst("Title\n=====\n\nA `missing`_ link.\n")
    assert f"<h2>{PROBLEMS_TITLE}</h2>" in rendered.html
    assert [h.title for h in rendered.toc] == ["Title"]


@pytest.mark.parametrize(
    ("name", "source", "reason"),
    [
        ("deeply nested lists", "".join("  " * i + "- x\n\n" for i in range(300)), "RecursionError"),
        ("a very long line", "word " * 3000, "a line is longer than 10,000 characters"),
    ],
)
def test_text_docutils_cannot_handle_is_shown_as_written(name, source, reason):
    html = render_rst(source).html
    seen = text_of(html)
    assert f"could not be read as reStructuredText ({reason}); it is shown as written" in seen
    assert seen.count("x" if name == "deeply nested lists" else "word") >= 300


def test_nothing_is_printed_while_rendering_bad_markup(capsys):
    render_rst(".. frobnicate::\n\n+--+\n| x\n\n.. include:: /etc/passwd\n")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_files_are_never_read_into_the_page(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    source = (
        f".. include:: {secret}\n\n"
        f".. raw:: html\n   :file: {secret}\n\n"
        f".. csv-table:: t\n   :file: {secret}\n\n"
        f".. literalinclude:: {secret}\n\n"
        "After.\n"
    )
    html = render_rst(source).html
    assert "TOP-SECRET-VALUE" not in html
    assert "After." in html


def test_raw_html_and_javascript_links_do_not_survive():
    source = (
        ".. raw:: html\n\n   <script>alert('raw')</script><img src=x onerror=alert(2)>\n\n"
        "A `click me <javascript:alert(1)>`_ link and `fine <https://example.org/>`_.\n\n"
        ".. image:: javascript:alert(3)\n\n"
        ".. role:: raw-html(raw)\n   :format: html\n\n"
        ":raw-html:`<script>alert(4)</script>`\n"
    )
    html = render_rst(source).html
    assert dangers(html) == []
    assert "<script" not in html and "alert('raw')" not in text_of(html)
    assert "click me" in text_of(html)
    assert '<a href="https://example.org/" rel="nofollow noopener">fine</a>' in html


# Each payload in the places rST lets text go: a paragraph, a link target, a raw block, an
# image, a literal block.
RST_WRAPPINGS = {
    "paragraph": "Before\n\n{p}\n\nafter.\n",
    "link": "`x <{p}>`_\n",
    "target": "See `x`_.\n\n.. _x: {p}\n",
    "raw": ".. raw:: html\n\n   {p}\n",
    "image": ".. image:: {p}\n",
    "literal": "::\n\n   {p}\n",
}


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_no_script_survives_an_xss_payload_wrapped_as_rst(payload):
    one_line = payload.replace("\n", " ").replace("\r", " ")
    for name, wrapping in RST_WRAPPINGS.items():
        html = render_rst(wrapping.format(p=one_line)).html
        assert dangers(html) == [], name


def test_documents_over_the_size_limit_are_refused():
    with override_settings(MARKDOWN_MAX_BYTES=1024), pytest.raises(MarkdownTooLarge):
        render_rst("x" * 2000)


def test_crlf_and_bom_render_like_plain_newlines():
    plain = render_rst("Title\n=====\n\nText.\n")
    assert render_rst("\ufeffTitle\r\n=====\r\n\r\nText.\r\n").html == plain.html
