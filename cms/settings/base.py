"""Settings for every environment, read from the process environment (and `.env`).

Each variable is declared once below with its type and default and listed in `.env.example`.
The defaults are the embedded ones: SQLite in the project folder, local-memory cache, console
email. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and the service URLs.
"""

from datetime import timedelta
from pathlib import Path

import environ

from cms.release import code_fingerprint

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    DATABASE_URL=(str, ""),
    DATABASE_PREPARED_STATEMENTS=(bool, True),
    REDIS_URL=(str, ""),
    EMAIL_URL=(str, "consolemail://"),
    DEFAULT_FROM_EMAIL=(str, "NMT Continuing Education <no-reply@localhost>"),
    MEDIA_ROOT=(str, str(BASE_DIR / "media")),
    MEDIA_URL=(str, "/media/"),
    STATIC_ROOT=(str, str(BASE_DIR / "static")),
    STATIC_URL=(str, "/static/"),
    BASE_URL=(str, "http://127.0.0.1:8000"),
    TIME_ZONE=(str, "UTC"),
    SEAT_TIME_SCALE=(float, 1.0),
    API_RATE_LIMIT_ANONYMOUS=(int, 30),
    API_RATE_LIMIT_KEYED=(int, 600),
    CREDENTIAL_SIGNING_KEY=(str, ""),
    CREDENTIAL_KEY_FILE=(str, str(BASE_DIR / "var" / "credential-signing-key.txt")),
    SESSION_IDLE_MINUTES=(int, 60),
    BEHIND_TLS_PROXY=(bool, False),
    TASKS_BACKEND=(str, "immediate"),
    TRUSTED_PROXY_COUNT=(int, 0),
    MEDIA_BUCKET=(str, ""),
    MEDIA_BUCKET_ENDPOINT=(str, ""),
    MEDIA_BUCKET_REGION=(str, ""),
    RELEASE=(str, ""),
)
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env("DEBUG")

# A development key only while DEBUG is on. Without DEBUG an empty key is refused when the
# site starts (cms/wsgi.py) and whenever Django needs it, while commands that don't need it
# (migrations, checks) still run.
SECRET_KEY = env("SECRET_KEY") or (
    "django-insecure-development-only-key-never-used-in-production" if DEBUG else ""
)

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "accounts",
    "courses",
    "quizzes",
    "certificates",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.AccountsUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "csp",
    "ninja",  # Swagger UI for /api/v1/docs from our own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.middleware.ApiJsonErrorsMiddleware",
    "cms.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.middleware.LearnerTimeZoneMiddleware",
    "cms.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.security.SiteCSPMiddleware",
    "cms.middleware.SiteRedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# An empty DATABASE_URL means the embedded default, SQLite in the project folder.
DATABASES = {
    "default": env.db_url_config(env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL connections are kept between requests (a new one per request cost the verify
# API three times its CPU in the benchmark), checked before reuse without a round trip
# (cms/postgresql/base.py, decision 0210); `?conn_max_age=` in DATABASE_URL overrides. SQLite
# opens per request, as it is cheap there.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["ENGINE"] = "cms.postgresql"
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, and a statement a connection has run 5 times prepared
    # (psycopg's prepare_threshold): PostgreSQL then skips parsing and planning it, which
    # halved its CPU on the hot pages (decision 0208). Behind a pooler in transaction mode
    # without prepared-statement support, set DATABASE_PREPARED_STATEMENTS=false.
    if env("DATABASE_PREPARED_STATEMENTS"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )
DATABASES["default"].setdefault("CONN_MAX_AGE", 0)

# With REDIS_URL, one Redis holds the cache, rate limits and a copy of each session for every
# app server. If Redis goes away or hangs the site keeps serving: each command gives up after
# 0.2 s, a failure pauses this process's use of Redis for 15 s (cms/redis_breaker.py), cache
# errors are logged and read as misses (django-redis IGNORE_EXCEPTIONS), sessions fall back to
# the database, rate limits count per process and the login lockout, kept in the database,
# still holds (docs/reliability.md).
REDIS_URL = env("REDIS_URL")
# Each release keeps its own rendered parts and page copies (cms/release.py).
RELEASE = env("RELEASE") or code_fingerprint(BASE_DIR)
if REDIS_URL:
    from cms.redis_breaker import redis_cache

    CACHES = {
        "default": redis_cache(REDIS_URL),
        # Rendered module fragments and the shared copy of kept values (cms/kept.py), shared
        # by every app server: one render per version for the whole fleet.
        "kept-shared": redis_cache(REDIS_URL, key_prefix=f"kept-{RELEASE}"),
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "kept-shared": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kept-shared",
            "KEY_PREFIX": f"kept-{RELEASE}",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
# Values that never change under their key (they carry the content generation or a published
# version), held in each process's memory in front of `kept-shared`: page routes, module
# navigation, the site and its settings row (cms/kept.py). And, in the same process, the rate
# limits' own count while the shared cache cannot be reached (cms/ratelimit.py).
KEPT_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kept",
    "KEY_PREFIX": f"kept-{RELEASE}",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
LOCAL_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "local",
    "OPTIONS": {"MAX_ENTRIES": 10000},
}
# Signed-out visitors' copies of pages, held in each process's memory in front of the shared
# copies in `default` (cms/page_cache.py): at most 500 pages of about 50 KB.
PAGE_COPIES_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "page-copies",
    "KEY_PREFIX": f"pages-{RELEASE}",
    "OPTIONS": {"MAX_ENTRIES": 500},
}
CACHES["kept"] = KEPT_CACHE
CACHES["local"] = LOCAL_CACHE
CACHES["page-copies"] = PAGE_COPIES_CACHE
# How long an app server trusts the content generation it read before asking the shared
# cache again (cms/page_cache.py): a publish reaches signed-out visitors of other app servers
# within this many seconds, and the server that published at once.
GENERATION_RECHECK_SECONDS = 1.0
# The circuit breaker logs each Redis failure once (cms/redis_breaker.py); a traceback for every
# command refused while it is open would flood the log.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day

# Sessions end 12 hours after sign-in and after SESSION_IDLE_MINUTES without a request (the
# reading heartbeat and quiz autosave count as activity): accounts/sessions.py.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_TIMEOUT = env("SESSION_IDLE_MINUTES") * 60

# Anonymous visitors' copies of public pages are kept this long at most; publishing starts
# a new generation at once (cms/page_cache.py).
PAGE_CACHE_SECONDS = 10 * 60

# Login lockout (django-axes, kept in the database): 5 failures for one account or from one
# address lock it for 15 minutes, so at most 20 guesses an hour per account.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "cms.ratelimit.client_ip"
AXES_VERBOSE = False

# How many proxies (load balancer, nginx) in front of the app servers append to
# X-Forwarded-For; the client's address is the entry they received. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env("TRUSTED_PROXY_COUNT")

# Other abuse limits: (requests, seconds) per client address, or per email address for
# "password_reset_email"; kept in the cache (cms/ratelimit.py).
RATE_LIMITS = {
    "signup": (10, 60 * 60),
    "password_reset": (10, 60 * 60),
    "password_reset_email": (3, 60 * 60),
    "signup_notice": (3, 60 * 60),
    "verify_page": (60, 60),
}

# HTTPS, HSTS and secure cookies whenever DEBUG is off (HTTPS=false only for local load tests
# over plain HTTP). Behind a proxy that terminates TLS set BEHIND_TLS_PROXY=true, and make
# sure the proxy sets X-Forwarded-Proto (docs/deploy.md).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No framing, except the admin's own preview of a page (cms/security.py).
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): strict on public pages, no inline script or style.
# The Wagtail admin needs inline scripts and styles, so it gets ADMIN_CONTENT_SECURITY_POLICY
# (cms/security.py); docs/reliability.md explains both.
VIDEO_HOSTS = [
    "https://www.youtube-nocookie.com",
    "https://www.youtube.com",
    "https://player.vimeo.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": VIDEO_HOSTS,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'", *VIDEO_HOSTS],
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_ROOT = env("STATIC_ROOT")
STATIC_URL = env("STATIC_URL")
MEDIA_ROOT = env("MEDIA_ROOT")
MEDIA_URL = env("MEDIA_URL")
# Media on the local disk (one server), or in an S3-compatible bucket shared by every app
# server (MEDIA_BUCKET; needs `pip install .[s3]`, credentials from the usual AWS_* variables
# or the instance role). Files are private; links are signed and expire (docs/deploy.md).
if env("MEDIA_BUCKET"):
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("MEDIA_BUCKET"),
            "endpoint_url": env("MEDIA_BUCKET_ENDPOINT") or None,
            "region_name": env("MEDIA_BUCKET_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "NMT Continuing Education"
WAGTAILADMIN_BASE_URL = env("BASE_URL")
WAGTAILIMAGES_IMAGE_MODEL = "cms.CustomImage"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# SVG for the course diagrams; templates render SVGs as-is with the `preserve-svg` filter.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp", "svg"]
# Every image upload goes through this form, which refuses SVGs with scripts or external
# references (cms/svg.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.image_forms.ImageForm"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# Video frames keep their shape with CSS (aspect-ratio) instead of inline styles, for the CSP.
WAGTAILEMBEDS_RESPONSIVE_HTML = False
WAGTAIL_PASSWORD_RESET_ENABLED = True
# The admin's reset form mails only people who can use the admin (its view, with the site's
# rate limits, is accounts.views.AdminPasswordResetView, routed in cms/urls.py).
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "accounts.forms.AdminPasswordResetForm"  # noqa: S105  # nosec B105
# Nothing fetched from the internet at run time (and nothing about editors sent out): no
# Gravatar avatars, no release check from the admin dashboard.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Seat time: how often the reading page sends a heartbeat, and a factor applied to each
# module's estimated minutes to get the minimum time before it can be marked complete
# (1.0 in production; tests and demos may shorten it).
SEAT_TIME_HEARTBEAT_SECONDS = 30
SEAT_TIME_SCALE = env("SEAT_TIME_SCALE")

# Verification API requests per minute: anonymous callers (per address) and association keys.
API_RATE_LIMIT_ANONYMOUS = env("API_RATE_LIMIT_ANONYMOUS")
API_RATE_LIMIT_KEYED = env("API_RATE_LIMIT_KEYED")

# Ed25519 key that signs Open Badges credentials, as a multibase secret key (production), or
# a file created on first use outside git (the embedded default). See docs/operations.md.
CREDENTIAL_SIGNING_KEY = env("CREDENTIAL_SIGNING_KEY")
CREDENTIAL_KEY_FILE = env("CREDENTIAL_KEY_FILE")

# Background work (certificate PDFs). "immediate" runs tasks inside the request (the embedded
# default); "database" queues them in the database for any number of `manage.py db_worker`
# processes (production, docs/deploy.md). Nothing depends on a worker running: a missing PDF
# is made on its first download.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.backend.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env("TASKS_BACKEND")]}}

# The folder holding the course content sources (see content/README.md).
CONTENT_SOURCE_DIR = BASE_DIR / "content"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
