"""reStructuredText (imported PEP bodies) to the same safe HTML, with the same interface, as Markdown.

PEPs are stored as their rST source and rendered here with docutils, locked down: no file
insertion (`include`, `:file:`/`:url:` options), no `raw` HTML, no configuration files read,
nothing printed. Only the body fragment is kept; section ids are the GitHub-style anchors that
Markdown headings get, so links to `#rationale` work for both formats; then the HTML passes
through the same allowlist sanitizer as Markdown, so nothing executable survives.

PEPs written for the Sphinx build use roles and directives docutils does not know (`:ref:`,
`:class:`, `.. versionadded::`...). Stand-ins render them as readable text. Anything else that is
malformed shows docutils' own note with the offending text, and an input docutils cannot
handle at all is shown as written, never as an error page.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.core import publish_parts
from docutils.parsers.rst import Directive, directives, roles
from docutils.writers import html5_polyglot

from decisions.markdown import Heading, Rendered, check_size, clean_text, sanitize, slugify_heading, user_toc

SETTINGS: dict[str, Any] = {
    "file_insertion_enabled": False,  # no `include`, no csv-table :file:/:url:, no raw :file:
    "raw_enabled": False,  # no `.. raw:: html`, no raw-derived roles
    "_disable_config": True,  # never read docutils.conf from the working directory
    "report_level": 3,  # errors are shown in the page next to the text they concern
    "halt_level": 5,  # never raise on a problem in the document
    "doctitle_xform": False,  # every section stays a section: the page has its own title
    "docinfo_xform": False,  # a leading field list stays in the body
    "sectsubtitle_xform": False,
    "initial_header_level": 2,
    "embed_stylesheet": False,
    "stylesheet_path": "",
    "syntax_highlight": "short",  # Pygments' short classes, styled by static/css/pygments.css
    "math_output": "HTML",
    "input_encoding": "unicode",
    "output_encoding": "unicode",
    "line_length_limit": 10_000,  # docutils drops a document with a longer line
    "traceback": True,  # let exceptions reach render_rst instead of printing and exiting
}

# Sphinx roles common in PEPs: shown as code, or as their text for cross-references.
LITERAL_ROLES = (
    "attr", "class", "command", "const", "data", "envvar", "exc", "file", "func", "kbd",
    "keyword", "makevar", "meth", "mimetype", "mod", "obj", "option", "program", "regexp", "samp",
    "token", "type", "py:attr", "py:class", "py:const", "py:data", "py:exc", "py:func",
    "py:meth", "py:mod", "py:obj", "py:type", "c:data", "c:func", "c:macro", "c:member", "c:type",
    "c:expr", "c:var",
)  # fmt: skip
TEXT_ROLES = ("doc", "ref", "term", "dfn", "abbr", "guilabel", "menuselection", "numref", "external")
# Sphinx directives whose content is ordinary body text.
CONTAINER_DIRECTIVES = {
    "versionadded": "New in version",
    "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version",
    "seealso": "See also",
    "pep-banner": "",
    "canonical-doc": "",
    "canonical-pypa-spec": "",
    "canonical-typing-spec": "",
    "glossary": "",
    "only": "",
    "centered": "",
    "hlist": "",
    "describe": "",
    "function": "",
    "method": "",
    "attribute": "",
    "exception": "",
    "decorator": "",
    "py:function": "",
    "py:class": "",
    "py:method": "",
    "py:attribute": "",
    "py:data": "",
}
# Sphinx directives that only steer the build; nothing to show.
SILENT_DIRECTIVES = ("highlight", "toctree", "index", "tabularcolumns", "literalinclude", "productionlist")

PROBLEMS_TITLE = "Problems found in this text"
_CROSS_REFERENCE = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]*)>$", re.DOTALL)


def _literal_role(name: str, rawtext: str, text: str, *args: Any, **kwargs: Any) -> tuple[list, list]:
    """:class:`~pkg.Name` shows "Name" as code, as Sphinx does; `Title <target>` shows the title."""
    shown = nodes.unescape(text)
    match = _CROSS_REFERENCE.match(shown)
    if match and match["text"]:
        shown = match["text"]
    shown = shown.lstrip("!")
    if shown.startswith("~"):
        shown = shown[1:].rsplit(".", 1)[-1]
    shown = shown.removeprefix(".")
    return [nodes.literal(rawtext, shown)], []


def _text_role(name: str, rawtext: str, text: str, *args: Any, **kwargs: Any) -> tuple[list, list]:
    """:ref:`Title <label>` shows "Title"; a bare label shows the label."""
    text = nodes.unescape(text)
    match = _CROSS_REFERENCE.match(text)
    shown = match["text"] if match and match["text"] else text
    return [nodes.emphasis(rawtext, shown)], []


class _ContainerDirective(Directive):
    """A Sphinx directive shown as its arguments and content, so no text is lost."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict] = {}

    def run(self) -> list[nodes.Node]:
        label = CONTAINER_DIRECTIVES.get(self.name, "")
        container = nodes.container(classes=["directive", self.name])
        words = " ".join(self.arguments).split(None, 1) if label.endswith("version") else []
        if words:  # `.. versionadded:: 3.12 Some text`: the version, then text with inline markup
            heading = f"{label} {words[0]}" + (": " if len(words) > 1 or self.content else "")
            paragraph = nodes.paragraph("", heading)
            if len(words) > 1:
                inline, messages = self.state.inline_text(words[1], self.lineno)
                paragraph += inline
                container += messages
            container.insert(0, paragraph)
        elif label or self.arguments:
            heading = " ".join(part for part in (label, *self.arguments) if part)
            container += nodes.paragraph("", heading + (":" if label and self.content else ""))
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, container)
        return [container] if len(container) else []


class _AnyOptions(dict):
    """Accept every option of a directive we only imitate."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged

    def __contains__(self, key: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


class _SilentDirective(Directive):
    optional_arguments = 10
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict] = _AnyOptions()

    def run(self) -> list[nodes.Node]:
        return []


_CONTAINER_OPTIONS = _AnyOptions()
_ContainerDirective.option_spec = _CONTAINER_OPTIONS
_registered = False


def _register_sphinx_stand_ins() -> None:
    """Once per process: docutils keeps roles and directives in module-level registries."""
    global _registered
    if _registered:
        return
    for name in LITERAL_ROLES:
        roles.register_local_role(name, _literal_role)
    for name in TEXT_ROLES:
        roles.register_local_role(name, _text_role)
    for name in CONTAINER_DIRECTIVES:
        directives.register_directive(name, _ContainerDirective)
    for name in SILENT_DIRECTIVES:
        directives.register_directive(name, _SilentDirective)
    _registered = True


class _Writer(html5_polyglot.Writer):
    """The HTML5 writer, after giving sections Markdown-style ids and collecting the headings."""

    def __init__(self) -> None:
        super().__init__()
        self.toc: list[Heading] = []

    def translate(self) -> None:
        _drop_unsafe_urls(self.document)
        self.toc = _anchor_sections(self.document)
        super().translate()


_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
SAFE_SCHEMES = ("http", "https", "mailto")


def _drop_unsafe_urls(document: nodes.document) -> None:
    """Links and images keep only http(s)/mailto or relative URLs.

    The sanitizer removes `javascript:` too; this also catches a URL that would only become one
    after a second HTML decoding (`javascript&#x3A;...`), in case a later consumer decodes again.
    """
    for node in list(document.findall(lambda n: isinstance(n, nodes.reference | nodes.image))):
        is_link = isinstance(node, nodes.reference)
        url = node.get("refuri" if is_link else "uri")
        if not url:
            continue
        decoded = _INVISIBLE.sub("", html.unescape(html.unescape(url))).lower()
        scheme = _SCHEME.match(decoded)
        if scheme and scheme.group(1) not in SAFE_SCHEMES:
            # The link text (or the image's alt text) stays, without the link.
            kept = list(node.children) if is_link else [nodes.Text(node.get("alt", ""))]
            node.replace_self(nodes.inline("", "", *kept))


def _anchor_sections(document: nodes.document) -> list[Heading]:
    """GitHub-style ids first (docutils' own stay as extra anchors, for its internal links)."""
    toc: list[Heading] = []
    used: set[str] = set()
    for element in document.findall(nodes.Element):
        used.update(element.get("ids", []))
    taken: set[str] = set()
    level0 = SETTINGS["initial_header_level"]
    for section in document.findall(nodes.section):
        if not section.children or not isinstance(section[0], nodes.title):
            continue
        if "system-messages" in section["classes"]:  # docutils' list of problems, at the end
            section[0].children = [nodes.Text(PROBLEMS_TITLE)]
            continue
        title = section[0].astext().strip()
        base = slugify_heading(title)
        anchor, n = base, 0
        while anchor in taken or (anchor in used and anchor not in section["ids"]):
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor)
        section["ids"] = [anchor, *(i for i in section["ids"] if i != anchor)]
        depth = 0
        parent = section.parent
        while parent is not None:
            depth += isinstance(parent, nodes.section)
            parent = parent.parent
        toc.append(Heading(level=min(level0 + depth, 6), id=anchor, title=title))
    return toc


_RENAMED_TAGS = re.compile(r"<(/?)(?:aside|nav)\b")
_CODE_BLOCK = re.compile(r'<pre class="code ')


def render_rst(text: str) -> Rendered:
    """reStructuredText to sanitized HTML and a table of contents; never raises on bad markup.

    Raises MarkdownTooLarge past settings.MARKDOWN_MAX_BYTES, like the Markdown renderer.
    """
    text = clean_text(text or "")
    check_size(text)
    limit = SETTINGS["line_length_limit"]
    if any(len(line) > limit for line in text.split("\n")):
        return Rendered(html=_shown_as_written(text, f"a line is longer than {limit:,} characters"), toc=[])
    _register_sphinx_stand_ins()
    writer = _Writer()
    settings = {**SETTINGS, "warning_stream": io.StringIO()}
    try:
        body = publish_parts(source=text, writer=writer, settings_overrides=settings)["body"]
    except (Exception, RecursionError) as error:  # docutils can fail deep inside on odd input
        return Rendered(html=_shown_as_written(text, type(error).__name__), toc=[])
    # <aside> (notes, footnotes, problems) and <nav> (contents) are not on the allowlist: keep
    # them as <div> with their classes rather than lose the boxes.
    body = _RENAMED_TAGS.sub(lambda m: f"<{m.group(1)}div", body)
    body = _CODE_BLOCK.sub('<pre class="highlight code ', body)
    return Rendered(html=sanitize(body), toc=user_toc(writer.toc))


def _shown_as_written(text: str, reason: str) -> str:
    note = (
        '<div class="system-message"><p>This text could not be read as reStructuredText '
        f"({html.escape(reason)}); it is shown as written.</p></div>"
    )
    return sanitize(f'{note}\n<pre class="literal-block">{html.escape(text)}</pre>\n')
