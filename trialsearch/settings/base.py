"""Settings for every environment, read from environment variables.

Nothing secret has a default: with DEBUG off, SECRET_KEY must be set. `make run` sets DEBUG=1
and a throwaway key for local use only.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from trialsearch.settings.env import env_bool, env_int, env_list, env_networks, env_rate, env_str

# Lets generic classes such as admin.TabularInline[Model, Parent] be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable (required when DEBUG is off).")
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, its site open only to staff who gave the second factor (trialsearch.admin_site).
    "trialsearch.admin_site.VerifiedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "trials",
    "patients",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the path or the parameters: they lose control characters here.
    "trialsearch.hygiene.InputHygieneMiddleware",
    "trialsearch.middleware.PrivacyHeadersMiddleware",
    # ETags on answers that may be kept (not on no-store pages), and 304 for a matching If-None-Match.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave the second factor (patients.two_factor).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trialsearch.urls"
WSGI_APPLICATION = "trialsearch.wsgi.application"

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
                "patients.context_processors.specialist",
            ],
        },
    },
]


def _database_url() -> str:
    url = env_str("DATABASE_URL", "")
    if not url:
        raise ImproperlyConfigured(
            "Set DATABASE_URL (postgres://user:password@host:port/name). "
            "`make run` and `make test` start an embedded PostgreSQL and set it for you."
        )
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL: TrialSearch runs on nothing else.")
    return url


DATABASES = {
    "default": dj_database_url.parse(
        _database_url(),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL's JIT compiles any query it costs as large (every query over all trials at registry
# scale) and spends 50 ms doing so, more than such a query then saves; DATABASE_JIT=1 turns it back on.
# The planner is told that reads are cheap (the data is in memory or on SSD: random_page_cost 1.1, so
# the eligibility ranking reads its covering index instead of every trial row and its TOASTed
# columns), and a sort or hash of every trial's verdict fits in memory (work_mem). Both are also
# what the embedded server runs with (scripts/devdb.py); docs/scaling.md has the figures.
_SESSION_OPTIONS = " ".join(
    [
        *([] if env_bool("DATABASE_JIT", False) else ["-c jit=off"]),
        f"-c random_page_cost={env_str('DATABASE_RANDOM_PAGE_COST', '1.1')}",
        f"-c work_mem={env_str('DATABASE_WORK_MEM', '32MB')}",
    ]
)
# Read replicas (comma-separated URLs) become replica_0..n; trialsearch.routers sends reads there,
# except inside a write transaction. In tests each mirrors the default database.
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URLS")):
    DATABASES[f"replica_{_index}"] = dj_database_url.parse(
        _url, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES[f"replica_{_index}"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _SESSION_OPTIONS:
        _database.setdefault("OPTIONS", {})["options"] = _SESSION_OPTIONS
DATABASE_ROUTERS = ["trialsearch.routers.ReplicaRouter"]

# CACHE_URL (redis://host:port/db) shares the cache between app servers; without it each process
# keeps its own in memory. Search answers are cached per registry "generation" (trials.registry.cache).
# The API throttles and the page rate limits count in this cache too, so with CACHE_URL a client's
# requests are counted once for the whole site, not once per worker process (see docs/security.md).
# CACHE_KEY_PREFIX lets several sites (or test runs) share one Redis.
#
# The "answers" cache holds what is computed from the registry (whole anonymous answers, counts,
# vocabularies: trials.registry.cache and .answers), under its generation, and the claims that let
# one process compute a missing answer while the others wait for it. It must be shared by every
# worker: Redis with CACHE_URL, else a table in PostgreSQL (trialsearch_cache, made by migration
# trials 0017), so that without Redis the workers of one server still compute each answer once.
CACHE_URL = env_str("CACHE_URL", "")
_REDIS_CACHE: dict[str, Any] = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": CACHE_URL,
    "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ts"),
}
_DATABASE_CACHE: dict[str, Any] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "trialsearch_cache",
    # Entries expire after ANSWER_CACHE_SECONDS; past this many, a third are dropped.
    "OPTIONS": {"MAX_ENTRIES": env_int("ANSWER_CACHE_MAX_ENTRIES", 20000)},
}
_MEMORY_CACHE: dict[str, Any] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "trialsearch"}
CACHES: dict[str, dict[str, Any]] = {
    "default": _REDIS_CACHE if CACHE_URL else _MEMORY_CACHE,
    "answers": _REDIS_CACHE if CACHE_URL else _DATABASE_CACHE,
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (the admin's imports, trials.importers.background): queued in the database and
# run by `manage.py db_worker`, which `make run` starts beside the web server. In production run one
# or more `manage.py db_worker` processes next to gunicorn.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by WhiteNoise: /favicon.ico, which browsers and crawlers ask for
# whatever the page links (base.html links static/favicon.svg, with this as the fallback).
WHITENOISE_ROOT = BASE_DIR / "public"
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The handler's level too: Django's own loggers (django.request logs each 4xx as a warning)
    # propagate to it whatever the root level is.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": env_str("LOG_LEVEL", "INFO")}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Security. With DEBUG off the secure defaults apply; each can be switched by an environment
# variable of the same name, e.g. behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers check over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# A strict Content-Security-Policy: everything from this site, no inline scripts or styles. NONCE
# adds a fresh per-response nonce only to responses whose template used `request.csp_nonce`: the API
# documentation pages (templates/api/), whose one inline script starts Swagger UI or Redoc and whose
# Redoc writes its styles into nonce-stamped <style> elements. No page is allowed 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions end 8 hours after signing in (a working day), not Django's two weeks: a forgotten session
# on a clinic computer opens patients' profiles.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Patient profiles nobody has changed for this many days are deleted by `manage.py purge_profiles`.
PROFILE_RETENTION_DAYS = env_int("PROFILE_RETENTION_DAYS", 365)
# Browser features no page here uses, switched off for the site and anything it might embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# The client's address (trialsearch.clients.client_ip), for throttles, rate limits and the sign-in
# lockout. Without a setting it is the connection's own address and X-Forwarded-For is ignored, so a
# client cannot pick its address by sending that header. Behind proxies set ONE of:
# TRUSTED_PROXY_COUNT, how many proxies append to X-Forwarded-For (a load balancer: 1), or
# TRUSTED_PROXIES, their addresses or networks (10.0.0.0/8,192.0.2.7).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
if TRUSTED_PROXY_COUNT and TRUSTED_PROXIES:
    raise ImproperlyConfigured("Set TRUSTED_PROXY_COUNT or TRUSTED_PROXIES, not both.")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

# Requests per client address to the public pages that cost the most (trialsearch.ratelimits),
# counted in the default cache; over the rate a client gets 429 with Retry-After.
# Whole anonymous answers (public pages, API reads) are cached this long, per registry generation
# (trials.registry.answers); 0 turns the cache off.
ANSWER_CACHE_SECONDS = env_int("ANSWER_CACHE_SECONDS", 600)

PAGE_RATE_LIMITS = {
    "search": env_rate("RATE_LIMIT_SEARCH", "60/minute"),
    "check": env_rate("RATE_LIMIT_CHECK", "30/minute"),
    "feed": env_rate("RATE_LIMIT_FEED", "30/minute"),
}

LOGIN_URL = "/accounts/login/"
# The second factor (patients.two_factor): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = "TrialSearch"
LOGIN_REDIRECT_URL = "/specialist/"
LOGOUT_REDIRECT_URL = "/"

# Failed logins are rate limited by django-axes: after AXES_FAILURE_LIMIT failures for one username
# from one address, that username is locked from that address for AXES_COOLOFF_MINUTES. The pair,
# not either alone: behind a proxy or a hospital's NAT many people share one address, and one
# person's mistakes must not lock everyone else out (nor anyone lock a colleague out from elsewhere).
# A success resets the count. Admins see and clear locks under "Axes" in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "trialsearch.clients.axes_client_ip"
AXES_USERNAME_CALLABLE = "trialsearch.clients.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "patients.accounts.locked_out"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The public API. Closed by default (IsAuthenticated); each public endpoint opens itself
# deliberately with AllowAny. Anonymous clients are throttled.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "trialsearch.tokens.ExpiringTokenAuthentication",
    ],
    # JSON only, bounded in size and depth, every string cleaned (trialsearch.parsers).
    "DEFAULT_PARSER_CLASSES": ["trialsearch.parsers.SafeJSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "trials.api.throttling.AnonRateThrottle",
        "trials.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_ANON_THROTTLE_RATE", "120/minute"),
        "user": env_rate("API_USER_THROTTLE_RATE", "600/minute"),
    },
    "EXCEPTION_HANDLER": "trials.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

API_MAX_JSON_BYTES = env_int("API_MAX_JSON_BYTES", 256 * 1024)
API_MAX_JSON_DEPTH = 20
# API tokens older than this are refused (trialsearch.tokens); `drf_create_token -r` issues a new one.
API_TOKEN_MAX_AGE_DAYS = env_int("API_TOKEN_MAX_AGE_DAYS", 30)

SPECTACULAR_SETTINGS = {
    "TITLE": "TrialSearch API",
    "DESCRIPTION": (
        "Clinical trials for neuroendocrine tumours and carcinomas. The trial record mirrors the "
        "Cancer Research UK trial database record. Read endpoints are public and throttled."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InterventionKindEnum": "trials.registry.choices.InterventionKind",
        "CriterionKindEnum": "trials.registry.choices.CriterionKind",
    },
}
