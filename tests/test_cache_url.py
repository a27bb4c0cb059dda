"""CACHE_URL picks the cache that several app servers share (README: "Running several app servers")."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

from rfcs_site.settings import cache_from_url


@pytest.mark.parametrize(
    ("url", "backend", "location", "timeout"),
    [
        ("locmem://rfcs", "locmem.LocMemCache", "rfcs", 300),
        ("db://rfcs_cache?timeout=60", "db.DatabaseCache", "rfcs_cache", 60),
        ("file:///var/cache/rfcs", "filebased.FileBasedCache", "/var/cache/rfcs", 300),
        ("redis://127.0.0.1:6379/1?timeout=120", "redis.RedisCache", "redis://127.0.0.1:6379/1", 120),
        (
            "rediss://:secret@cache.example.org:6380/0?ssl_cert_reqs=required",
            "redis.RedisCache",
            "rediss://:secret@cache.example.org:6380/0?ssl_cert_reqs=required",
            300,
        ),
    ],
)
def test_each_cache_url_selects_its_backend(url: str, backend: str, location: str, timeout: int) -> None:
    assert cache_from_url(url) == {
        "BACKEND": f"django.core.cache.backends.{backend}",
        "LOCATION": location,
        "TIMEOUT": timeout,
    }


def test_a_redis_cache_url_gives_a_usable_redis_backend(settings) -> None:
    """The redis package is installed, so CACHE_URL=redis://… starts instead of failing at import."""
    settings.CACHES = {"default": cache_from_url("redis://127.0.0.1:6379/3?timeout=30")}
    cache = caches.create_connection("default")
    assert isinstance(cache, RedisCache)
    assert cache.default_timeout == 30
    assert cache._cache._servers == ["redis://127.0.0.1:6379/3"]  # building the client imports redis


def test_an_unknown_cache_scheme_is_refused_with_the_choices() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"memcached.*use one of.*'redis'"):
        cache_from_url("memcached://127.0.0.1:11211")
