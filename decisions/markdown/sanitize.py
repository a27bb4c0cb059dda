"""The allowlist sanitizer every rendered document passes last, and the ids it gives user content.

nh3 keeps only the tags, attributes and URL schemes listed here. Every id written by users
(headings, footnotes, raw HTML) gets the user-content- prefix, as on GitHub, so no document can
clobber the page's own ids (#main, #topic-1, #request-problem...); links to "#name" within the
document get it too. Form elements are not on the allowlist at all.
"""

from __future__ import annotations

import re

import nh3

from decisions.markdown.anchors import Heading

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul", "var",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "div": {"class"},
    "section": {"class"},
    "details": {"open"},
}
# Attributes limited to fixed values: a task-list checkbox, and the footnote markup.
TAG_ATTRIBUTE_VALUES = {
    "li": {"class": {"footnote-item", "task-list-item"}},
    "ul": {"class": {"contains-task-list"}},
    "span": {"aria-hidden": {"true"}},
    "sup": {"class": {"footnote-ref"}},
    "hr": {"class": {"footnotes-sep"}},
    "a": {"class": {"footnote-backref", "header-anchor", "mention"}},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"
USER_ID_PREFIX = "user-content-"

_PRE = re.compile(r"<pre(?=[\s>])")


def sanitize(html: str) -> str:
    """Allowlist sanitizer: the last step before any user-written HTML is stored.

    Code blocks then get tabindex="0" (our own attribute, added after cleaning): a block wider
    than the page scrolls sideways, and keyboard users must be able to reach it to scroll.
    """
    return _PRE.sub('<pre tabindex="0"', _clean(html))


def user_id(anchor: str) -> str:
    """The id a user-given anchor gets on the page (already prefixed ones stay as they are)."""
    return anchor if anchor.startswith(USER_ID_PREFIX) else USER_ID_PREFIX + anchor


def user_toc(toc: list[Heading]) -> list[Heading]:
    """Table-of-contents entries pointing at the prefixed ids the sanitizer writes."""
    return [Heading(level=h.level, id=user_id(h.id), title=h.title) for h in toc]


def _fragment_to_user_id(_tag: str, attribute: str, value: str) -> str:
    """`href="#name"` points at the prefixed id; nh3 prefixes the ids themselves (id_prefix)."""
    if attribute == "href" and len(value) > 1 and value.startswith("#"):
        return "#" + user_id(value[1:])
    return value


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_fragment_to_user_id,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        id_prefix=USER_ID_PREFIX,
    )
