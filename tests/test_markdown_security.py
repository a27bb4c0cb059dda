"""No script survives rendering: every XSS payload and pathological input is made harmless.

Payloads come from tests/data/xss-markdown-dev.txt (copied from ../shared/security/); the
output is parsed with html5lib, as a browser would, not searched with regexes.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import html5lib
import pytest

from decisions.markdown import MarkdownTooLarge, render
from tests.conftest import DATA, shared_path

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once

_ESC = re.compile(r"\\(?:([nrt\\])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")
FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "object", "embed", "applet", "base", "meta", "link", "form",
    "svg", "math", "style", "textarea", "button", "select",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset",
    "data", "code", "codebase", "lowsrc", "dynsrc",
}  # fmt: skip
ALLOWED_SCHEMES = ("http:", "https:", "mailto:")


def decode(line: str) -> str:
    def replace(match: re.Match) -> str:
        if match.group(1):
            return {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}[match.group(1)]
        return chr(int(match.group(2) or match.group(3) or match.group(4), 16))

    return _ESC.sub(replace, line)


def payloads(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [decode(line) for line in lines if line.strip() and not line.startswith("#")]


XSS_PAYLOADS = payloads(DATA / "xss-markdown-dev.txt")


def dangers(output: str) -> list[str]:
    """Everything executable in an HTML fragment, as a browser would parse it."""
    found = []
    fragment = html5lib.parseFragment(output, treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.split("}")[-1].lower()
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = name.split("}")[-1].lower()
            if name.startswith("on"):
                found.append(f"{tag}[{name}]")
            if name == "style":
                found.append(f"{tag}[style]")
            if name in URL_ATTRIBUTES:
                url = re.sub(r"[\x00-\x20]", "", html_lib.unescape(value)).lower()
                scheme = re.match(r"^[a-z][a-z0-9+.\-]*:", url)
                if scheme and not url.startswith(ALLOWED_SCHEMES):
                    found.append(f"{tag}[{name}={url[:40]}]")
    return found


def test_the_payload_file_was_read_whole():
    assert len(XSS_PAYLOADS) == 150


def test_the_checker_itself_catches_each_kind_of_danger():
    raw = '<script>x</script><a href="jav&#x61;script:x">a</a><img src=x onerror=y><p style="a">s</p><iframe></iframe>'
    assert dangers(raw) == ["<script>", "a[href=javascript:x]", "img[onerror]", "p[style]", "<iframe>"]


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_no_script_survives_a_payload(payload):
    assert dangers(render(payload)) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS[::10], ids=range(0, len(XSS_PAYLOADS), 10))
def test_no_script_survives_a_payload_inside_a_document(payload):
    document = f"# Title\n\nIntro paragraph.\n\n{payload}\n\n- item with {payload}\n\n> {payload}\n"
    assert dangers(render(document)) == []


def test_harmless_text_around_a_payload_is_kept_escaped():
    html = render("Before <script>alert(1)</script> after & 1 < 2")
    assert "Before" in html and "after" in html
    assert "&amp; 1 &lt; 2" in html


GENERATED_HOSTILE = {
    "unclosed links": "[a](" * 10000,
    "link openers": "[" * 20000,
    "emphasis openers": "*a " * 30000,
    "nested brackets": "[" * 5000 + "a" + "]" * 5000,
    "deep blockquotes": "> " * 5000 + "x",
    "deep lists": "".join("  " * i + "- x\n" for i in range(300)),
    "backticks": "".join("`" * i + "a" for i in range(1, 400)),
    "unclosed comments": "<!-- " * 20000,
    "many refdefs": "".join(f"[r{i}]: /u{i}\n" for i in range(5000)) + "[r1]",
    "one long line": "a" * 400_000,
}


@pytest.mark.parametrize("name", list(GENERATED_HOSTILE))
def test_pathological_input_renders_safely_or_is_refused(name):
    # How long each takes (under a second) is held by `make bench-hostile`.
    try:
        output = render(GENERATED_HOSTILE[name])
    except MarkdownTooLarge:
        return
    assert dangers(output) == []


def hostile_files() -> list[Path]:
    folder = shared_path("security", "hostile-inputs")
    return sorted(path for path in folder.iterdir() if path.name != "README.md")


def test_every_shared_hostile_input_renders_safely_or_is_refused():
    for path in hostile_files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        try:
            output = render(text)
        except MarkdownTooLarge:
            continue
        assert dangers(output) == [], path.name


# Ids and form elements ---------------------------------------------------------------------


def test_a_document_cannot_take_over_the_ids_of_the_page_around_it(client, db):
    from tests.factories import make_decision

    context = '## Rationale\n\n<div id="main">x</div> <p id="request-problem">y</p>\n'
    decision = make_decision(number=7, context=context)
    body = client.get(decision.get_absolute_url()).content.decode()
    for own in ("main", "rationale", "request-problem"):
        assert body.count(f'id="{own}"') == 1, own
    assert 'id="user-content-main"' in body and 'id="user-content-rationale"' in body


def test_a_link_to_a_heading_of_the_same_document_follows_its_prefixed_id():
    html = render("## Open questions\n\nSee [the questions](#open-questions) and [top](#).\n")
    assert '<h2 id="user-content-open-questions">' in html
    assert 'href="#user-content-open-questions"' in html
    assert 'href="#"' in html


@pytest.mark.parametrize(
    "markup",
    [
        '<input type="checkbox" checked>',
        '<input type="text" name="username" autofocus>',
        '<form action="/accounts/login/" method="post"><button>Go</button></form>',
        '<select name="s"><option>one</option></select>',
        "<textarea name=t>text</textarea>",
        '<button form="logout-form">Sign out</button>',
    ],
)
def test_form_elements_in_a_document_are_dropped(markup):
    html = render(f"Before {markup} after\n")
    assert not re.search(r"<(input|form|button|select|option|textarea)\b", html), html
    assert "Before" in html and "after" in html


def test_task_lists_render_as_symbols_not_checkboxes():
    html = render("- [x] done\n- [ ] to do\n")
    assert "<input" not in html and "☑" in html and "☐" in html
