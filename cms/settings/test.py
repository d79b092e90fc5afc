"""Test settings: fast hashing, local-memory cache, plain static storage.

`DATABASE_URL` still chooses the database, so the same suite runs on SQLite and PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
# The test client and the browser tests speak plain HTTP; tests of the production headers
# turn HTTPS on themselves.
os.environ.setdefault("HTTPS", "false")

from .base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "kept-shared": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kept-shared",
        "KEY_PREFIX": f"kept-{RELEASE}",  # noqa: F405
    },
    "kept": KEPT_CACHE,  # noqa: F405
    "local": LOCAL_CACHE,  # noqa: F405
    "page-copies": PAGE_COPIES_CACHE,  # noqa: F405
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Tests sign with a throwaway key file of their own.
CREDENTIAL_KEY_FILE = str(BASE_DIR / "var" / "test-credential-signing-key.txt")  # noqa: F405
