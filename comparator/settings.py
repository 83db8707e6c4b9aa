"""Settings for the framework comparator, driven entirely by environment variables.

DEBUG is off unless DJANGO_DEBUG turns it on; outside DEBUG a missing secret key is an error.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local development set DJANGO_DEBUG=1 (make run does)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = "Framework Comparator"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "corsheaders",
    "frameworks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for browsers that ask (static files come precompressed from WhiteNoise).
    # A results page shrinks about eightfold; Django pads each one against BREACH, and the CSRF
    # token is masked per response anyway.
    "django.middleware.gzip.GZipMiddleware",
    # Outside ErrorsMiddleware, so that the API's JSON errors carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Early, so that it also turns other middleware's API errors (CSRF) into JSON.
    "frameworks.errors.ErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "frameworks.middleware.AdminRejectsNulBytes",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock an admin login out after repeated failures, per username and address, for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"


def client_address_settings(proxy_count: int) -> dict:
    """Where axes (through django-ipware) finds the address a login attempt came from.

    Without a proxy only the connection's own address counts: a client can write any
    X-Forwarded-For it likes. Behind ``proxy_count`` proxies, each appends the address it
    received the request from, so the client is the ``proxy_count``-th address from the right
    and whatever a client wrote further left is never read. ipware counts only the proxies
    named inside the header, one fewer than those in front of the app, and in non-strict mode
    accepts a header that is longer than that (a client's own X-Forwarded-For).
    """
    if proxy_count <= 0:
        return {
            "AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",),
            "AXES_IPWARE_PROXY_COUNT": None,
        }
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        "AXES_IPWARE_PROXY_COUNT": proxy_count - 1,
    }


PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
# The editors' desk lists a rating as stale once its last review is older than this.
CATALOG_STALE_AFTER_DAYS = int(os.environ.get("CATALOG_STALE_AFTER_DAYS", "365"))
_client_address = client_address_settings(PROXY_COUNT)
AXES_IPWARE_META_PRECEDENCE_ORDER = _client_address["AXES_IPWARE_META_PRECEDENCE_ORDER"]
AXES_IPWARE_PROXY_COUNT = _client_address["AXES_IPWARE_PROXY_COUNT"]
IPWARE_STRICT = False

ROOT_URLCONF = "comparator.urls"

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
                "django.template.context_processors.csp",
                "comparator.context_processors.site",
            ],
        },
    },
    {
        # Only for the results' repeated parts (frameworks/jinja2/): the ranking list, with a
        # chart and a breakdown row per criterion for each framework, and the side-by-side
        # tables, with a cell per framework and criterion. They are most of a results page and
        # change with every answer; Jinja2 renders them faster than the Django engine
        # (docs/benchmarks.md). Autoescaping is on, as in every Django template.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,  # frameworks/jinja2/
        "OPTIONS": {
            "environment": "frameworks.presentation.jinja2_environment",
            "autoescape": True,
        },
    },
]

WSGI_APPLICATION = "comparator.wsgi.application"
ASGI_APPLICATION = "comparator.asgi.application"

# SQLite is the embedded default. WAL, a busy timeout and IMMEDIATE transactions keep
# concurrent editor saves from failing with "database is locked".
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Keep each process's connection, as for DATABASE_URL: opening one (and running the
            # PRAGMAs below) costs more than serving a whole small page.
            "CONN_MAX_AGE": 60,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_cache(url: str, *, retry_after: float = 2.0) -> dict:
    """The ``default`` cache on Redis, which only spreads the catalog version faster than the
    database would (frameworks/catalog.py). Short timeouts and a circuit breaker
    (comparator/cache.py) turn a dead, hung or full Redis into misses, not errors or waits."""
    return {
        "BACKEND": "comparator.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "comparator",
        "OPTIONS": {
            "socket_connect_timeout": 0.25,
            "socket_timeout": 0.25,
            "retry_after": retry_after,
        },
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rendered HTML stays in each process's memory, even with Redis: every key holds the catalog
# version, so no process can serve a page of an older catalog, and a page kept locally costs a
# dictionary lookup where Redis would cost a round trip and a copy of the page. Bounded by
# count, because visitors choose the keys (their answers); with pages of at most
# PAGE_CACHE_MAX_BYTES, a process holds at most about 100 MB of pages, far less with the
# shipped catalog (its results page is under 100 kB).
CACHES |= {
    # Whole public pages and API answers, by catalog version, address and query.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
    # Pieces that many pages share: the side-by-side tables for a set of columns, the
    # requirements form's fields for a value.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
#: Larger pages (the JSON of a catalog of hundreds of frameworks) are served, not kept: one
#: would push out many of the pages visitors share.
PAGE_CACHE_MAX_BYTES = 1_000_000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_flag("DJANGO_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Without collectstatic (tests, DEBUG), WhiteNoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or env_flag("DJANGO_PLAIN_STATIC", False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The framework change page posts every inline row (ratings, capabilities, pros and cons, fits):
# about 300 fields with the shipped catalog, more as editors add criteria. Django refuses a
# request above this with a 400 before any view runs; the compare form applies its own, tighter
# limit to visitors' queries.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 4000

# Security: safe by default, relaxed only by DEBUG or an explicit variable.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", "63072000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# A refused form (the visitors' suggestion form) says why and what to do, not "no access".
CSRF_FAILURE_VIEW = "frameworks.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The public API is read-only and cookie-free: any site may call it from a browser. Only /api/,
# only reads, never with credentials; the pages and the admin send no CORS headers.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "if-none-match")
CORS_EXPOSE_HEADERS = ("ETag", "Link")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
