"""`{% statecache "name" vary... %}...{% endstatecache %}`: a fragment kept under the data state.

For parts of a page that are the same for everyone (decisions.caching.fragments): the key is the
request's data state, the day, the name and the values after it. The view must have read the
state before its rows (`@reads_state`); otherwise the fragment is rendered, not cached. Never put a form, a CSRF token
or anything that depends on who is signed in inside, unless the values it depends on are in the
key (the set of permissions that change the HTML, never a person's id when avoidable).

Forms are allowed inside with `csrf` as the last value: the fragment is rendered with a fixed
placeholder for the CSRF token, and each request's own token is put in its place on the way
out, so a cached fragment never carries anyone's token.
"""

from __future__ import annotations

import functools

from django import template
from django.conf import settings
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.urls import get_script_prefix
from django.utils.crypto import salted_hmac
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe

from decisions.caching import fragments, pageframe


def _placeholder() -> str:
    # Derived from the secret key: nobody can type it into a record to have it replaced.
    return _placeholder_for(settings.SECRET_KEY)


@functools.cache
def _placeholder_for(secret: str) -> str:
    # Computed once per key, not at every fragment of every page (an HMAC each time).
    return (
        "csrf-placeholder-"
        + salted_hmac("decisions.fragments.csrf", "placeholder", secret=secret).hexdigest()[:32]
    )


PLACEHOLDER = lazy(_placeholder, str)()

register = template.Library()


class StateCacheNode(template.Node):
    def __init__(
        self, nodelist: NodeList, name: FilterExpression, vary: list[FilterExpression], csrf: bool = False
    ) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary
        self.csrf = csrf

    def render(self, context: Context) -> str:
        if not self.csrf:
            return self._render(context)
        token = context.get("csrf_token")
        placeholder = str(PLACEHOLDER)
        with context.push(csrf_token=placeholder):
            html = self._render(context)
        if placeholder not in html:
            return html
        # This request's own token (str() of the lazy token marks it used, so the cookie is set).
        return mark_safe(html.replace(placeholder, str(token) if token else ""))

    def _render(self, context: Context) -> str | SafeString:
        request = context.get("request")
        key = (
            fragments.key(
                request, self.name.resolve(context), *(v.resolve(context) for v in self.vary), read=False
            )
            if request is not None
            else None
        )
        if key is None:
            return self.nodelist.render(context)
        value = fragments.fetch(key)
        if value is None:
            value = self.nodelist.render(context)
            fragments.keep(key, value)
        return value


class PageBodyNode(StateCacheNode):
    """The whole content of a page, kept when its view says what in it differs between readers.

    The view puts `body_vary` in the context: every value of the page's context that depends on
    who is reading (permissions, the reader's id where a fragment inside is keyed by it), never
    data (that is the state's). Without it, or with None (a form handed back with its errors, a
    notice), the content is rendered for this request. Messages and the account links are
    outside the content block, the CSRF token is put in on the way out (`csrf`).
    """

    def render(self, context: Context) -> str:
        if context.get("body_vary") is None:
            return self.nodelist.render(context)
        if context.get(pageframe.CUTTING):
            # Kept in the page's frame with the placeholder; render_page puts the token in.
            with context.push(csrf_token=str(PLACEHOLDER)):
                return self._render(context)
        return super().render(context)


@register.tag
def pagebody(parser: Parser, token: Token) -> PageBodyNode:
    """`{% pagebody %}{% block content %}{% endblock %}{% endpagebody %}` (base.html only)."""
    nodelist = parser.parse(("endpagebody",))
    parser.delete_first_token()
    return PageBodyNode(
        nodelist,
        parser.compile_filter('"page-body"'),
        [parser.compile_filter("request.get_full_path"), parser.compile_filter("body_vary")],
        csrf=True,
    )


class ShellCacheNode(template.Node):
    """Kept in this process for as long as its compiled template: parts of the shell that show no
    data at all (links, static files), so no state, key or store is needed to know they hold."""

    # Never holds a {% block %}: `{% extends %}` need not walk it looking for one at every render.
    child_nodelists = ()

    def __init__(self, nodelist: NodeList, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.vary = vary
        # Recompiled templates (a change in development) are new nodes, with nothing kept.
        self.kept: dict[tuple[object, ...], str] = {}

    def render(self, context: Context) -> str:
        # Where the site is mounted and its static files are served from change every link in it.
        key = (get_script_prefix(), settings.STATIC_URL, *(v.resolve(context) for v in self.vary))
        html = self.kept.get(key)
        if html is None:
            html = self.kept[key] = self.nodelist.render(context)
        return html


@register.tag
def shellcache(parser: Parser, token: Token) -> ShellCacheNode:
    """`{% shellcache vary... %}...{% endshellcache %}`: no data, no form and nothing per person
    inside, and only values from a small set after it (the section of the site)."""
    nodelist = parser.parse(("endshellcache",))
    parser.delete_first_token()
    return ShellCacheNode(nodelist, [parser.compile_filter(b) for b in token.split_contents()[1:]])


@register.tag
def statecache(parser: Parser, token: Token) -> StateCacheNode:
    nodelist = parser.parse(("endstatecache",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'statecache' needs a fragment name")
    csrf = bits[-1] == "csrf"
    if csrf:
        bits = bits[:-1]
    return StateCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]], csrf
    )


class PerRequestNode(template.Node):
    """A part of base.html rendered for each request (decisions.caching.pageframe): it may read
    only `request`, `user`, `csrf_token`, `messages` and `section`."""

    def __init__(self, nodelist: NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: Context) -> str:
        html = self.nodelist.render(context)
        if not context.get(pageframe.CUTTING):
            return html
        mark = pageframe.mark()
        return mark_safe(f"{mark}{self.name}{mark}{html}{mark}{mark}")


@register.tag
def perrequest(parser: Parser, token: Token) -> PerRequestNode:
    """`{% perrequest "name" %}...{% endperrequest %}` (base.html only)."""
    nodelist = parser.parse(("endperrequest",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] != '"' or bits[1][-1] != '"':
        raise template.TemplateSyntaxError("'perrequest' needs a quoted name")
    node = pageframe.parts[bits[1][1:-1]] = PerRequestNode(nodelist, bits[1][1:-1])
    return node
