"""Mermaid blocks: stored as <pre class="mermaid"> holding the source, escaped; exported as written."""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest
from django.conf import settings

from decisions.markdown import render
from decisions.models import Decision
from decisions.records import export
from decisions.rfcs.export import rfc_to_markdown
from tests.factories import make_decision, make_rfc
from tests.test_markdown_security import XSS_PAYLOADS, dangers

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once

FLOW = "flowchart TD\n  a[In-tree] -->|needs review| b{Chosen?}\n  b --> c & d\n"
BLOCK = f"```mermaid\n{FLOW}```\n"


def mermaid_blocks(html: str) -> list[str]:
    """The text of each <pre class="mermaid">, as a browser (and Mermaid) reads it."""
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return ["".join(pre.itertext()) for pre in fragment.iter("pre") if pre.get("class") == "mermaid"]


def test_a_mermaid_block_becomes_a_pre_marked_mermaid_holding_its_source():
    html = render(f"Before.\n\n{BLOCK}\nAfter.\n")
    assert '<pre tabindex="0" class="mermaid">flowchart TD' in html
    assert mermaid_blocks(html) == [FLOW]
    # Not highlighted: no <code>, no Pygments spans inside it.
    block = html[html.index('class="mermaid"') : html.index("</pre>")]
    assert "<span" not in block and "<code" not in block
    assert "-&gt;|needs review|" in block and "c &amp; d" in block


def test_the_language_word_is_matched_whatever_its_case_and_extra_words():
    assert mermaid_blocks(render(f"```Mermaid  title\n{FLOW}```\n")) == [FLOW]
    # Other code is still highlighted, and a block that only mentions mermaid is not a diagram.
    html = render("```python\nmermaid = 1\n```\n\n```\nflowchart TD\n```\n")
    assert mermaid_blocks(html) == []
    assert 'class="highlight"' in html


def test_a_mermaid_block_in_a_list_or_a_quote_is_a_diagram_too():
    html = render(f"- item\n\n  ```mermaid\n  {FLOW.splitlines()[0]}\n  ```\n\n> ```mermaid\n> pie\n> ```\n")
    assert mermaid_blocks(html) == ["flowchart TD\n", "pie\n"]


def test_hostile_source_is_text_inside_the_block_never_markup():
    source = 'flowchart TD\n  a["</pre><script>alert(1)</script>"] --> b["<img src=x onerror=alert(2)>"]\n'
    html = render(f"```mermaid\n{source}```\n")
    assert dangers(html) == []
    assert "<script" not in html and "<img" not in html
    assert mermaid_blocks(html) == [source]


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_every_xss_payload_inside_a_mermaid_block_stays_inert_text(payload):
    fence = "~~~~" if "~~~~" not in payload else "`" * 12
    html = render(f"{fence}mermaid\n{payload}\n{fence}\n")
    assert dangers(html) == []
    blocks = mermaid_blocks(html)
    assert len(blocks) == 1
    # What the reader sees (and Mermaid draws) is the payload as typed, apart from the
    # characters every field normalises (CR, NUL).
    expected = payload.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    assert blocks[0] == expected + "\n"


@pytest.mark.django_db
def test_the_rfc_export_keeps_the_fenced_source_as_written():
    rfc = make_rfc(number=1, body=f"# Summary\n\nThe flow:\n\n{BLOCK}\nDone.\n")
    assert mermaid_blocks(rfc.body_html) == [FLOW]
    assert f"The flow:\n\n{BLOCK}\nDone.\n" in rfc_to_markdown(rfc)


@pytest.mark.django_db
def test_the_decision_export_keeps_the_fenced_source_as_written():
    make_decision(number=7, context=f"Where the calls go:\n\n{BLOCK}")
    decision = Decision.objects.get(number=7)
    assert mermaid_blocks(decision.context_html) == [FLOW]
    assert f"Where the calls go:\n\n{BLOCK}" in export.decision_to_markdown(decision)


def test_mermaid_is_vendored_with_its_licence_and_version_and_the_loader_names_that_version():
    vendor = Path(settings.BASE_DIR) / "static" / "js" / "vendor"
    folder = vendor / "mermaid-12.3.0"
    assert (folder / "mermaid.esm.min.mjs").stat().st_size > 10_000
    assert "MIT License" in (folder / "LICENSE").read_text()
    assert "| Mermaid | 12.3.0 |" in (vendor / "README.md").read_text()
    loader = (Path(settings.BASE_DIR) / "static" / "js" / "diagrams.js").read_text()
    assert '"vendor/mermaid-12.3.0/mermaid.esm.min.mjs"' in loader
    # Every chunk the entry module imports is there (a partial copy fails only in the browser).
    entry = (folder / "mermaid.esm.min.mjs").read_text()
    for chunk in set(re.findall(r'"\./(chunks/[^"]+\.mjs)"', entry)):
        assert (folder / chunk).exists(), chunk
