"""Settings, read from the environment so one file serves development, CI and production.

Development needs nothing set. Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (see README.md, "Configuration").
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from rfcs_site.release import release

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; refuse anything that is not clearly yes or no."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def cache_from_url(url: str) -> dict:
    """Turn CACHE_URL into a CACHES entry: locmem://, dummy://, file:///path, db://table,
    redis://host:port/db (Django's Redis backend, shared by several app servers)."""
    parts = urlsplit(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    timeout = int(options.pop("timeout", 300))
    redis_url = urlunsplit(parts._replace(query=urlencode(options)))  # without our timeout option
    backends = {
        "redis": ("django.core.cache.backends.redis.RedisCache", redis_url),
        "rediss": ("django.core.cache.backends.redis.RedisCache", redis_url),
        "locmem": ("django.core.cache.backends.locmem.LocMemCache", parts.netloc or "rfcs"),
        "dummy": ("django.core.cache.backends.dummy.DummyCache", ""),
        "file": ("django.core.cache.backends.filebased.FileBasedCache", parts.path),
        "db": ("django.core.cache.backends.db.DatabaseCache", parts.netloc or "rfcs_cache"),
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"CACHE_URL scheme {parts.scheme!r} is not supported; use one of {sorted(backends)}"
        )
    backend, location = backends[parts.scheme]
    return {"BACKEND": backend, "LOCATION": location, "TIMEOUT": timeout}


def email_from_url(url: str) -> dict[str, object]:
    """Turn EMAIL_URL into EMAIL_* settings: console:// (mails printed, the default), dummy://
    (dropped), smtp://user:pass@host:port (plain, port 25), smtp+tls:// (STARTTLS, port 587),
    smtp+ssl:// (TLS from the start, port 465). User and password are percent-decoded."""
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {parts.scheme!r} is not supported; use one of {sorted(backends)}"
        )
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return {
        "EMAIL_BACKEND": backends[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or {"smtp+tls": 587, "smtp+ssl": 465}.get(parts.scheme, 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        # A mail server that hangs must not hold a worker past gunicorn's timeout.
        "EMAIL_TIMEOUT": int(options.get("timeout", 10)),
    }


def social_providers(environ: Mapping[str, str]) -> dict[str, dict]:
    """SOCIALACCOUNT_PROVIDERS from the environment: each provider is on when its client id is set.

    GITHUB_CLIENT_ID/_SECRET (GITHUB_URL for GitHub Enterprise), GITLAB_CLIENT_ID/_SECRET
    (GITLAB_URL for a self-hosted GitLab), OIDC_CLIENT_ID/_SECRET/_SERVER_URL (OIDC_NAME is the
    button's label, OIDC_PROVIDER_ID the name in its URLs). A half-set provider stops the start.
    """

    def app(prefix: str, *required: str) -> dict[str, str] | None:
        values = {name: environ.get(f"{prefix}_{name}", "").strip() for name in ("CLIENT_ID", *required)}
        if not any(values.values()):
            return None
        missing = [f"{prefix}_{name}" for name, value in values.items() if not value]
        if missing:
            raise ImproperlyConfigured(f"{prefix} sign-in is half set up: set {', '.join(missing)} too")
        return values

    # allauth reads provider_class once, when it first loads its providers: always set, so the
    # checked client is the one in use even when a test turns the provider on later.
    providers: dict[str, dict] = {
        "openid_connect": {"provider_class": "decisions.accounts.oidc.CheckedOIDCProvider", "APPS": []}
    }
    if github := app("GITHUB", "CLIENT_SECRET"):
        providers["github"] = {
            "APPS": [{"client_id": github["CLIENT_ID"], "secret": github["CLIENT_SECRET"]}],
            # The verified addresses come from /user/emails, which needs user:email.
            "SCOPE": ["read:user", "user:email"],
        }
        if environ.get("GITHUB_URL"):
            providers["github"]["GITHUB_URL"] = environ["GITHUB_URL"].rstrip("/")
    if gitlab := app("GITLAB", "CLIENT_SECRET"):
        providers["gitlab"] = {
            "APPS": [
                {
                    "client_id": gitlab["CLIENT_ID"],
                    "secret": gitlab["CLIENT_SECRET"],
                    "settings": {"gitlab_url": environ.get("GITLAB_URL", "https://gitlab.com").rstrip("/")},
                }
            ],
            "SCOPE": ["read_user"],
            "OAUTH_PKCE_ENABLED": True,
        }
    if oidc := app("OIDC", "CLIENT_SECRET", "SERVER_URL"):
        providers["openid_connect"] |= {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": environ.get("OIDC_PROVIDER_ID", "oidc"),
                    "name": environ.get("OIDC_NAME", "OpenID Connect"),
                    "client_id": oidc["CLIENT_ID"],
                    "secret": oidc["CLIENT_SECRET"],
                    "settings": {"server_url": oidc["SERVER_URL"].rstrip("/"), "oauth_pkce_enabled": True},
                }
            ],
        }
    return providers


def provider_origins(providers: dict[str, dict]) -> list[str]:
    """Where the sign-in buttons' forms end up: CSP form-action must let the redirect through."""
    urls = []
    if "github" in providers:
        urls.append(providers["github"].get("GITHUB_URL", "https://github.com"))
    for name in ("gitlab", "openid_connect"):
        for entry in providers.get(name, {}).get("APPS", []):
            urls.append(entry["settings"].get("gitlab_url") or entry["settings"].get("server_url"))
    origins = []
    for url in urls:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins


def pages_cache(page_cache_url: str, cache_url: str) -> dict:
    """Where rendered pages go: PAGE_CACHE_URL, else beside CACHE_URL but never in the same store.

    Visitors choose how many pages there are (every URL is one), and a full store drops entries:
    in their own store, they can only push out other pages, never the password-reset counters
    of the default cache. Keys carry the code's release, so a deploy never serves old HTML.
    """
    config = cache_from_url(page_cache_url or cache_url)
    if not page_cache_url:
        backend = config["BACKEND"].rsplit(".", 1)[-1]
        if backend == "LocMemCache":
            config["LOCATION"] += "-pages"
            config["OPTIONS"] = {"MAX_ENTRIES": 2000}
        elif backend == "DatabaseCache":
            config["LOCATION"] += "_pages"  # `createcachetable` makes it too
        elif backend == "FileBasedCache":
            config["LOCATION"] = str(Path(config["LOCATION"]) / "pages")
        # Redis: the same database unless PAGE_CACHE_URL names another (README, "Deploying").
    config["KEY_PREFIX"] = f"pages-{release()}"
    return config


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    # Background tasks (the django-tasks backport of Django 6.0's django.tasks): queued in the
    # database, run by `manage.py db_worker`; see TASKS below.
    "django_tasks",
    "django_tasks.backends.database",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.gitlab",
    "allauth.socialaccount.providers.openid_connect",
    "decisions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rfcs_site.middleware.ContentSecurityPolicyMiddleware",
    # A body over REQUEST_MAX_BYTES is refused with 413 before anything reads it.
    "rfcs_site.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and auth middleware, whose lookups need the database: 503, not 500.
    "rfcs_site.unavailable.DatabaseUnavailableMiddleware",
    # Visitors' pages whole from the cache, before the session, CSRF and auth work they skip.
    "rfcs_site.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user kept per process under the data state (decisions/accounts/identity.py).
    "decisions.accounts.identity.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A bare 405 (a GET to a form's POST-only address) becomes a page that says where to go.
    "rfcs_site.middleware.MethodNotAllowedPageMiddleware",
    "decisions.accounts.LoginRequiredEverywhereMiddleware",
    # Signed-in pages must not be kept by browsers or proxies (they hold the person's data).
    "decisions.accounts.PrivatePagesMiddleware",
    # Last: turns a sign-in refused by the limit (decisions/accounts/limits.py) into the site's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rfcs_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "rfcs_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run during a write. Opening a connection costs about 2 ms here (the
    # PRAGMAs below, and a checkpoint on close), so a served site should keep connections
    # (DJANGO_CONN_MAX_AGE=60 under gunicorn); the default stays 0 because the development
    # server starts a thread per request, which would leave a connection behind each time.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "0"))
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

CACHES = {
    "default": cache_from_url(os.environ.get("CACHE_URL", "locmem://rfcs")),
    # Rendered pages and fragments: the same store, keys prefixed by the code's release, so a
    # deploy never serves HTML from the templates it replaced (rfcs_site/release.py).
    "pages": pages_cache(os.environ.get("PAGE_CACHE_URL", ""), os.environ.get("CACHE_URL", "locmem://rfcs")),
    # For page fragments that must not be cached (a signed-in meeting page holds forms): no
    # round trip to the real cache for a value that could never be used.
    "none": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

# PostgreSQL connections LISTEN for changes, so each process may keep the data state, sessions
# and users it read until told otherwise (decisions/caching/datastate.py). Set 0 behind a pooler
# in transaction mode (PgBouncer's), which does not carry LISTEN: every request then asks.
DATABASE_LISTEN = os.environ.get("DJANGO_DB_LISTEN", "1") == "1"

# Database sessions, each process keeping a copy of those it read that PostgreSQL keeps true
# (decisions/accounts/sessions.py): no round trip per signed-in request, no shared cache needed,
# and a sign-out in one worker reaches the others' copies through the database's notifications.
SESSION_ENGINE = "decisions.accounts.sessions"

# Whole pages for visitors (rfcs_site.pagecache), keyed by the state of the data; 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
# How long a process may answer visitors from the data state it last read (0: read it for every
# request). Its own writes show at once; another server's within this many seconds.
PAGE_CACHE_STATE_SECONDS = float(os.environ.get("PAGE_CACHE_STATE_SECONDS", "1"))
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SKIP = ["/admin/", "/accounts/", "/static/"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (a webhook's sync, later e-mail notices) is queued in the site's own database
# and run by `manage.py db_worker`: no broker or extra server. Without a worker running, tasks
# wait in the queue (the demo needs none). On Django 6.0 this becomes django.tasks unchanged.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.database.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_URL_PATH = "/accounts/login/"
# Reading is open unless RFCS_SITE_PUBLIC_READ=0; writing always needs a sign-in.
RFCS_SITE_PUBLIC_READ = env_bool("RFCS_SITE_PUBLIC_READ", True)
LOGIN_REDIRECT_URL = "decisions:home"
LOGOUT_REDIRECT_URL = "decisions:home"

# Behind a reverse proxy (README, "Deploying"): the client's address is the one the last
# DJANGO_PROXY_COUNT proxies appended to X-Forwarded-For; anything left of it is the client's say.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1"))

# Sign-in limits (django-axes, counters in the database so every worker and server agrees):
# ten failures lock one account name from one address for 15 minutes; per account name alone,
# failures from anywhere only slow sign-in down (decisions/accounts/limits.py), so nobody can lock an
# account out from everywhere. Hooked on authenticate(), so every sign-in form is covered.
AUTHENTICATION_BACKENDS = [
    "decisions.accounts.SignInLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_USERNAME_CALLABLE = "decisions.accounts.counted_username"
AXES_CLIENT_IP_CALLABLE = "decisions.accounts.client_address"
AXES_LOCKOUT_CALLABLE = "decisions.accounts.refused_sign_in"
# Attempts refused while locked are not failures: hammering a locked door does not move the end
# of its lock, nor the per-name slow-down everyone else shares.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Signing in through GitHub, GitLab or an OpenID Connect provider (django-allauth), each on when its
# client id is set (README, "Signing in"). The site's own sign-in page and its limits stay.
SOCIALACCOUNT_PROVIDERS = social_providers(os.environ)
ACCOUNT_ADAPTER = "decisions.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "decisions.accounts.adapters.SocialAccountAdapter"
# Local sign-up (name, e-mail, password) is off unless RFCS_SITE_SIGNUP=1; a new account signs in
# once its e-mail address is confirmed through the link mailed to it (EMAIL_URL).
SIGNUP_OPEN = env_bool("RFCS_SITE_SIGNUP", False)
# Accounts made by a first sign-in through a provider; 0 lets only existing accounts connect one.
SOCIAL_SIGNUP_OPEN = env_bool("RFCS_SITE_SOCIAL_SIGNUP", True)
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[rfcs_site] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
SOCIALACCOUNT_AUTO_SIGNUP = True
# The provider vouches for the person; an address it does not call verified links nothing.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_QUERY_EMAIL = True
# A provider's verified address that is a confirmed address of an account here signs in to that
# account (decisions/accounts/adapters.py requires both sides verified).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# Access tokens are used once, to read who signed in, and never stored.
SOCIALACCOUNT_STORE_TOKENS = False
# Starting a provider sign-in is a POST (with the CSRF token), never a link another site can use.
SOCIALACCOUNT_LOGIN_ON_GET = False

# Password-reset requests: per client address and per e-mail address, within the window.
PASSWORD_RESET_LIMIT_PER_ADDRESS = 5
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_LIMIT_SECONDS = 60 * 60

# Outgoing mail (password reset): EMAIL_URL, see email_from_url() above and README.md.
_email = email_from_url(os.environ.get("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rfcs-site@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Where the site is seen from outside: links in mail the worker sends (no request to ask).
RFCS_SITE_URL = os.environ.get("RFCS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# `manage.py write_source` (sources whose place of record is the site): where it keeps a clone
# of each source, and who the commits it makes are by (--author overrides it).
SOURCES_CLONES_DIR = Path(os.environ.get("SOURCES_CLONES_DIR", BASE_DIR / "clones"))
SOURCES_COMMIT_AUTHOR = os.environ.get("SOURCES_COMMIT_AUTHOR", f"rfcs_site <{DEFAULT_FROM_EMAIL}>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Upper bound for one Markdown document (an RFC body, pasted notes, an imported record).
# The largest real RFC or PEP we know is about 170 KB.
MARKDOWN_MAX_BYTES = int(os.environ.get("MARKDOWN_MAX_BYTES", str(512 * 1024)))
# Request bodies: the whole body (files included) is refused unread past REQUEST_MAX_BYTES
# (rfcs_site.middleware); form fields past DATA_UPLOAD_MAX_MEMORY_SIZE; an uploaded file is held
# in memory up to one document's size. A meeting's action items are the largest form: 5 fields
# each, at most decisions.meetings.MAX_ACTION_ITEMS (200) of them.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(MARKDOWN_MAX_BYTES * 4)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MARKDOWN_MAX_BYTES * 2 + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MARKDOWN_MAX_BYTES + 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

RFCS_PER_PAGE = 25
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CONTENT_TYPE_NOSNIFF = True
# Images may come from any https host (RFCs embed diagrams); everything else only from here.
CONTENT_SECURITY_POLICY = os.environ.get(
    "DJANGO_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'{}; frame-ancestors 'none'".format(
        "".join(f" {origin}" for origin in provider_origins(SOCIALACCOUNT_PROVIDERS))
    ),
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
