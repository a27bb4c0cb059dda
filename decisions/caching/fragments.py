"""Rendered fragments of built pages, cached under the data state (decisions.caching.datastate).

The whole-page cache serves visitors; signed-in people and the first visitor after an edit get
the page built, and most of that time goes to rendering rows that are the same for everyone (a
list's rows, a feed, a CSV). Those parts are cached under the state of the whole database, so
any committed write renews them, with no invalidation code to forget.

The state must be read before the rows a fragment shows (read after, a write in between could
store the old rows under the new state): a view that renders cached fragments calls
`state(request)` first (`@reads_state` does), and the page cache's own read of it is reused.
`{% statecache %}` never reads it itself: in a view that did not, it renders its fragment.
Nothing that differs between people may go inside one: edit buttons, forms and CSRF tokens stay
outside, rendered for each request. Without a state (inside a transaction: tests, an atomic
block) nothing is cached and every fragment is rendered.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from decisions.caching import datastate

ATTRIBUTE = "_rfcs_data_state"
DAY = "_rfcs_fragment_day"
# Keys change with the data, so old fragments are never read again and simply age out.
FRAGMENT_SECONDS = 24 * 60 * 60


def state(request: HttpRequest | None) -> str | None:
    """The data state this request's fragments are keyed by, read once per request."""
    if request is None:
        return None
    if not hasattr(request, ATTRIBUTE):
        setattr(request, ATTRIBUTE, datastate.current())
    return getattr(request, ATTRIBUTE)


def remember(request: HttpRequest, value: str | None) -> None:
    """Keep a state read elsewhere (the page cache reads it first) for this request's fragments."""
    setattr(request, ATTRIBUTE, value)


def key(request: HttpRequest, name: str, *vary: object, read: bool = True) -> str | None:
    """The cache key of a fragment of this request, or None when it must be rendered.

    The day is part of it, as pages show "overdue" and periods that end. With `read` False, a
    state not read yet (the view did not ask for one before reading its rows) gives None.
    """
    current = state(request) if read else getattr(request, ATTRIBUTE, None)
    if current is None:
        return None
    day = getattr(request, DAY, None)
    if day is None:  # once per request: a page keys several fragments
        day = timezone.localdate().isoformat()
        setattr(request, DAY, day)
    parts = [current, day, name, *map(repr, vary)]
    return "fragment:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


# The values last read in this process, by key. A key names its value for good (it holds the data
# state), so a copy here is never stale; it is used only while the shared store still has the key
# (a cheap check), so emptying the store still empties this too. What a view does to the value it
# got must never reach the next request: a value nothing can change (rendered HTML, most of them;
# numbers, tuples of those) is handed to every request as it is, any other (model instances,
# lists, dicts) is kept pickled too and each request gets its own copy (unpickled: microseconds
# for a small value, 0.1-0.5 ms for a page's rows, which views do change: cached properties,
# marks set on rows for one reader).
_NEAR: OrderedDict[str, tuple[Any, bytes | None]] = OrderedDict()
NEAR_ENTRIES = 256
# Values that cannot change in place (str covers SafeString, date covers datetime).
_FIXED = (
    str,
    bytes,
    int,
    float,
    complex,
    type(None),
    datetime.date,
    datetime.time,
    datetime.timedelta,
    Decimal,
)


def fetch(fragment_key: str) -> Any:
    """The value under `fragment_key`, or None: from this process when it can, else the store."""
    store = caches[settings.PAGE_CACHE_ALIAS]
    near = _NEAR.get(fragment_key)
    if near is not None and store.has_key(fragment_key):
        value, pickled = near
        return value if pickled is None else pickle.loads(pickled)
    value = store.get(fragment_key)
    if value is not None:
        _near(fragment_key, value)
    return value


def keep(fragment_key: str, value: Any) -> None:
    """Store a value built for this request, for every process."""
    caches[settings.PAGE_CACHE_ALIAS].set(fragment_key, value, FRAGMENT_SECONDS)
    _near(fragment_key, value)


def unchangeable(value: Any) -> bool:
    """Whether nothing in `value` can be changed in place, so every request may share it."""
    if isinstance(value, _FIXED):
        return True
    if isinstance(value, (tuple, frozenset)) and not hasattr(value, "__dict__"):
        return all(unchangeable(item) for item in value)
    return False


_NEAR_LOCK = threading.Lock()  # threaded servers (runserver, gthread workers) share it


def _near(fragment_key: str, value: Any) -> None:
    # Pickled before the caller gets the value: what it does to that object stays its own.
    entry = (value, None) if unchangeable(value) else (None, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    with _NEAR_LOCK:
        _NEAR[fragment_key] = entry
        _NEAR.move_to_end(fragment_key)
        while len(_NEAR) > NEAR_ENTRIES:
            _NEAR.popitem(last=False)


def cached(request: HttpRequest, name: str, vary: tuple[object, ...], build: Callable[[], Any]) -> Any:
    """build()'s value, kept under the data state and `vary` (picklable values only).

    Each request gets a value of its own unless nothing in it can change (see _NEAR): a tuple of
    strings and numbers is shared as it is, anything else costs an unpickling per request.
    """
    fragment_key = key(request, name, *vary)
    if fragment_key is None:
        return build()
    value = fetch(fragment_key)
    if value is None:
        value = build()
        keep(fragment_key, value)
    return value


T = TypeVar("T")


class Apart(NamedTuple):
    """A value kept as two parts: a summary of plain values (what every request reads, shared
    as it is) and the value itself pickled, unpickled only by a request that reads it."""

    summary: Any
    pickled: bytes


def cached_apart(
    request: HttpRequest,
    name: str,
    vary: tuple[object, ...],
    build: Callable[[], T],
    summarise: Callable[[T], Any],
) -> tuple[Any, T]:
    """(summary, value) of build()'s value, kept under the data state and `vary` like cached().

    The summary must be unchangeable (strings, numbers, dates and tuples of those) to be shared
    without a copy: a page reads it for every request (its title, who may edit it, the keys of
    its fragments). The value is a SimpleLazyObject giving this request its own copy, unpickled
    only when read (to render a fragment that is not cached): a page whose fragments are cached
    makes no model instance. The request that built it reads the very value it built.
    """
    built: dict[str, T] = {}

    def make() -> Apart:
        value = built["value"] = build()
        return Apart(summarise(value), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    kept = cached(request, name, vary, make)
    return kept.summary, SimpleLazyObject(lambda: built["value"] if built else pickle.loads(kept.pickled))


def reads_state(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Read the data state before the view reads any row (see the module doc)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state(request)
        return view(request, *args, **kwargs)

    return wrapper
