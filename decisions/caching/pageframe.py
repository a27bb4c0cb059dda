"""A page whose content is cached, answered without rendering base.html again.

`{% pagebody %}` keeps a page's content and `{% shellcache %}` its head, navigation and footer,
yet walking base.html and the page's template through the template engine to join them still
cost about one floor page per request. `render_page` keeps the page's frame instead: the HTML
as rendered once, cut at base.html's `{% perrequest %}` parts (the CSRF header on <body>, the
account links, the messages), under the same key parts as the content (the data state, the day,
the address and the view's `body_vary`) and the template's name. A later request under that key
renders only those small parts, with the request's own user, token and messages (a visitor
with no message gets them as rendered for a visitor when the frame was cut), and joins them
to the kept pieces: the HTML the template would have given, byte for byte (tests/test_pageframe.py).

Everything outside the `perrequest` parts must be the same for every request under the key:
data (the state is in it) and what `body_vary` names, as for `{% pagebody %}` itself. The CSRF
token of forms in the content is kept as the placeholder and each request's own put in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import Context
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject

from decisions.caching import fragments

# Set in the context while a frame is being cut: the perrequest parts mark where they are.
CUTTING = "_page_frame_cutting"
# Request parts (rendered for each request) are named in the kept frame by this prefix.
PART = "\x00part:"

# Each `{% perrequest "name" %}` node of the compiled base.html, by name (set when it is parsed).
parts: dict[str, Any] = {}


@functools.cache
def _mark_for(secret: str) -> str:
    # Derived from the secret key: no record can hold it to cut a page where it should not be.
    return "page-frame-" + salted_hmac("decisions.pageframe", "mark", secret=secret).hexdigest()[:32]


def mark() -> str:
    """What a perrequest part is wrapped in while a frame is being cut."""
    return _mark_for(settings.SECRET_KEY)


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    first: Callable[[], object] | None = None,
) -> HttpResponse:
    """`render(request, template_name, context)`, from the kept frame when there is one.

    `first` runs before the template is rendered, never when the frame is kept: what a view
    must know before it renders (that its record exists: a 404) and nothing else needs. A kept
    frame is a page that rendered under this very state, so it stands for that check.
    """
    vary = context.get("body_vary")
    # The same key parts as {% pagebody %}: no state read yet means nothing is kept.
    key = (
        None
        if vary is None
        else fragments.key(request, "page-frame", template_name, request.get_full_path(), vary, read=False)
    )
    if key is None:
        if first is not None:
            first()
        return render(request, template_name, context)
    frame = fragments.fetch(key)
    if frame is not None:
        html = _fill(request, frame)
        if html is not None:
            return HttpResponse(html)
    if first is not None:
        first()
    context[CUTTING] = True
    response = render(request, template_name, context)
    pieces = response.content.decode().split(mark())
    # text, PART name, the part as rendered for this request, end, text, ...
    # Each part as a visitor without messages gets it, rendered once here: most requests.
    visitor = _request_context(request, visitor=True)
    frame = tuple(
        f"{PART}{piece}\x00{parts[piece].nodelist.render(visitor)}" if i % 4 == 1 else piece
        for i, piece in enumerate(pieces)
        if i % 4 in (0, 1)
    )
    html = "".join(piece for i, piece in enumerate(pieces) if i % 4 in (0, 2))
    response.content = _with_token(request, html).encode()
    fragments.keep(key, frame)
    return response


def _fill(request: HttpRequest, frame: tuple[str, ...]) -> str | None:
    """The page from its frame with this request's parts, or None when this process has not
    compiled base.html yet (its parts are not known here)."""
    # What the template's own parts would ask: a visitor (no session, no account) with no
    # message gets the parts as rendered for a visitor when the frame was cut.
    visitor = not request.user.is_authenticated and not get_messages(request)
    context: Context | None = None
    out = []
    for piece in frame:
        if not piece.startswith(PART):
            out.append(piece)
            continue
        name, _, as_visitor = piece[len(PART) :].partition("\x00")
        if visitor:
            out.append(as_visitor)
            continue
        node = parts.get(name)
        if node is None:
            return None
        if context is None:
            context = _request_context(request)
        out.append(node.nodelist.render(context))
    return _with_token(request, "".join(out))


def _with_token(request: HttpRequest, html: str) -> str:
    """The content's forms with this request's CSRF token in place of the kept placeholder."""
    from decisions.templatetags.fragments import PLACEHOLDER  # the tag module imports this one

    placeholder = str(PLACEHOLDER)
    if placeholder not in html:
        return html
    # As {% pagebody %} does: reading the token marks it used, so its cookie is set.
    return html.replace(placeholder, token(request))


def token(request: HttpRequest) -> str:
    """This request's masked CSRF token, made once: get_token() masks the secret afresh on every
    call (random bytes each time), and one response needs one mask."""
    made = getattr(request, "_rfcs_csrf_token", None)
    if made is None:
        made = request._rfcs_csrf_token = get_token(request)  # type: ignore[attr-defined]
    return made


def _request_context(request: HttpRequest, *, visitor: bool = False) -> Context:
    # What base.html's perrequest parts read: the context processors' values and `section`.
    match = request.resolver_match
    return Context(
        {
            "request": request,
            "user": AnonymousUser() if visitor else request.user,
            "csrf_token": SimpleLazyObject(lambda: token(request)),
            "messages": () if visitor else get_messages(request),
            "section": (match.url_name if match is not None else None) or "",
        }
    )
