"""The Atom machinery every room's feeds share: read-only, filtered by the query string, and free
of control characters.

The feeds themselves live in their rooms (rfcs/, records/ and meetings/feeds.py).

Each entry's id is its absolute permalink (Django's default when `item_guid` is not set): it is
stable across edits, so a reader updates a changed entry instead of showing it twice. Status
changes link to the RFC history with a fragment per change, which keeps their ids unique.
Descriptions are escaped plain text or HTML already sanitized and stored on the row; nothing is
rendered from Markdown here. Every feed runs a fixed number of queries for its 50 entries.
Every string is written without C0 control characters: XML 1.0 cannot carry them, and one
stored in a title would otherwise turn the whole feed into a server error.
"""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from decisions.caching import fragments
from decisions.text import strip_controls

FEED_LENGTH = 50


def _without_controls(value: Any) -> Any:
    """Strings (and lists of them, like categories) as XML 1.0 can carry them."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return type(value)(_without_controls(item) for item in value)
    return value


class ControlFreeAtom1Feed(Atom1Feed):
    """Atom that drops C0 control characters from whatever the records hold (stored before they
    were refused on input, or written to the database directly)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *(_without_controls(arg) for arg in args),
            **{key: _without_controls(value) for key, value in kwargs.items()},
        )

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(
            *(_without_controls(arg) for arg in args),
            **{key: _without_controls(value) for key, value in kwargs.items()},
        )


def _stored(response: HttpResponse) -> tuple[int, dict[str, str], bytes]:
    return response.status_code, dict(response.items()), response.content


class AtomFeed(Feed):
    """An Atom feed that only reads and takes its list page's filters from the query string."""

    feed_type = ControlFreeAtom1Feed

    @method_decorator(require_safe)
    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        """A feed only reads, so other methods get 405 like every other read-only URL.

        A feed is the same for everyone who asks for the URL: built once per state of the data
        (decisions.caching.fragments), for signed-in readers too.
        """
        built = fragments.cached(
            request,
            "feed",
            (request.build_absolute_uri(),),
            lambda: _stored(super(AtomFeed, self).__call__(request, *args, **kwargs)),
        )
        status, headers, content = built
        return HttpResponse(content, status=status, headers=headers)

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> QueryDict:
        """The query string: list feeds take the same filters as their list page."""
        return request.GET
