"""`{% statecache "name" vary... %}...{% endstatecache %}`: a fragment kept under the data state.

For parts of a page that are the same for everyone (decisions.caching.fragments): the key is the
request's data state, the day, the name and the values after it. The view must have read the
state before its rows (`@reads_state`); otherwise the fragment is rendered, not cached. Never put a form, a CSRF token
or anything that depends on who is signed in inside.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.cache import caches
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context

from decisions.caching import fragments

register = template.Library()


class StateCacheNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: Context) -> str:
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
        store = caches[settings.PAGE_CACHE_ALIAS]
        value = store.get(key)
        if value is None:
            value = self.nodelist.render(context)
            store.set(key, value, fragments.FRAGMENT_SECONDS)
        return value


@register.tag
def statecache(parser: Parser, token: Token) -> StateCacheNode:
    nodelist = parser.parse(("endstatecache",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'statecache' needs a fragment name")
    return StateCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
