"""`{% formcache "name" vary... %}...{% endformcache %}`: a fragment with forms, kept under the data state.

`{% statecache %}` (decisions.templatetags.fragments) keeps what is the same for everyone. A
signed-in page also holds forms: their CSRF token changes with every request, and which forms show
depends on who reads. This tag keeps such a fragment too:

- the CSRF token is rendered as a placeholder (a value derived from SECRET_KEY, which no text on
  the site can contain by chance) and the reader's own token is put in its place on every
  request, so no token is ever served to anyone else;
- everything else that depends on the reader must be in `vary` (the permission flags, the
  account whose own items get buttons, the path a form returns to). The key is the data state,
  the day, the name and those values, as for `{% statecache %}`: any committed write renews it.

Without a data state (inside a transaction) the fragment is rendered for the request.
"""

from __future__ import annotations

import hashlib
from functools import cache

from django import template
from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from decisions.caching import fragments

register = template.Library()


@cache
def placeholder() -> str:
    """What `{% csrf_token %}` renders inside a kept fragment: secret, stable across processes."""
    return "csrf-" + hashlib.sha256(f"formcache:{settings.SECRET_KEY}".encode()).hexdigest()[:40]


def with_token(html: str, request: object) -> SafeString:
    """The fragment with this request's CSRF token in place of the placeholder."""
    slot = placeholder()
    if slot in html:
        html = html.replace(slot, get_token(request))  # a token is letters and digits: safe as is
    return mark_safe(html)


class FormCacheNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: Context) -> str:
        request = context.get("request")
        key = None
        if request is not None:
            vary = (v.resolve(context) for v in self.vary)
            key = fragments.key(request, f"form:{self.name.resolve(context)}", *vary, read=False)
        if key is None:
            return self.nodelist.render(context)
        store = caches[settings.PAGE_CACHE_ALIAS]
        value = store.get(key)
        if value is None:
            with context.push(csrf_token=placeholder()):
                value = str(self.nodelist.render(context))
            store.set(key, value, fragments.FRAGMENT_SECONDS)
        return with_token(value, request)


@register.tag
def formcache(parser: Parser, token: Token) -> FormCacheNode:
    nodelist = parser.parse(("endformcache",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'formcache' needs a fragment name")
    return FormCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
