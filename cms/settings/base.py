"""Settings for every environment, read from the process environment (and `.env`).

Each variable is declared once below with its type and default and listed in `.env.example`.
The defaults are the embedded ones: SQLite in the project folder, local-memory cache, console
email. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and the service URLs.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    DATABASE_URL=(str, ""),
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
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.middleware.SiteRedirectMiddleware",
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
DATABASES["default"].setdefault("CONN_MAX_AGE", 0)

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nmt",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_ROOT = env("STATIC_ROOT")
STATIC_URL = env("STATIC_URL")
MEDIA_ROOT = env("MEDIA_ROOT")
MEDIA_URL = env("MEDIA_URL")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_PASSWORD_RESET_ENABLED = True

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

# Background work (certificate PDFs). Immediate by default; production uses the database
# backend and `manage.py db_worker` (see docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The folder holding the course content sources (see content/README.md).
CONTENT_SOURCE_DIR = BASE_DIR / "content"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
