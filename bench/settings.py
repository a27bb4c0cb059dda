"""Settings for the benchmark: the site's own, plus the floor view's urlconf and 50-row RFC pages.

In process (bench.run) the pages are rendered as in production (DEBUG off: no query log, no
template debug info) by Django's test client. Served (bench.http_load sets BENCH_SERVED=1) the
production settings apply unchanged, read from the environment like any deployment.
"""

from __future__ import annotations

import os
import warnings

from rfcs_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The floor is what any page costs before it does anything: never served from the page cache.
PAGE_CACHE_SKIP = [*PAGE_CACHE_SKIP, "/bench/"]  # noqa: F405
# Lists are timed at 50 rows a page, the size their target (within 20x the floor) was set for.
RFCS_PER_PAGE = 50

if os.environ.get("BENCH_SERVED") != "1":
    DEBUG = False
    ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    WHITENOISE_AUTOREFRESH = False
    # No static files are collected for an in-process run, and none are requested.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
