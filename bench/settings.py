"""Settings for the benchmark: production settings (DEBUG off) over plain HTTP on localhost.

Differences from a production deployment, each needed to measure on one machine:

- HTTPS=false: gunicorn is reached over plain HTTP on 127.0.0.1, so no HTTPS redirect and no
  secure-only cookies (the same switch the test settings use).
- Plain StaticFilesStorage instead of ManifestStaticFilesStorage, so no `collectstatic` is
  needed; the load generator never fetches static files, pages only print their URLs.
- The API rate limits (API_RATE_LIMIT_ANONYMOUS / API_RATE_LIMIT_KEYED) and the verify-page
  limit are raised so that one load-generating address is not refused; the limit is still
  counted in Redis on every request, so its cost is measured.
- ROOT_URLCONF adds the bare "ok" view that every throughput ratio is measured against.
- Email goes nowhere (dummymail://); credentials are signed with a bench key in var/.

Everything comes from the environment as usual; bench/run.py sets DATABASE_URL (a database
whose name starts with nmt_bench) and REDIS_URL.
"""

import os
from pathlib import Path

# Forced, not defaulted: the Makefile exports DEBUG=true for `make run` and `make test`.
os.environ["DEBUG"] = "false"
os.environ["HTTPS"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789-abcdef")
os.environ.setdefault("API_RATE_LIMIT_ANONYMOUS", "1000000000")
os.environ.setdefault("API_RATE_LIMIT_KEYED", "1000000000")
os.environ.setdefault("EMAIL_URL", "dummymail://")
# The bench signs credentials with a key of its own, never the development one.
os.environ.setdefault(
    "CREDENTIAL_KEY_FILE",
    str(Path(__file__).resolve().parent.parent / "var" / "bench-credential-signing-key.txt"),
)

from cms.settings.base import *  # noqa: E402, F403
from cms.settings.base import RATE_LIMITS  # noqa: E402

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
RATE_LIMITS = {**RATE_LIMITS, "verify_page": (1_000_000_000, 60)}

# One cache namespace per bench database, so that sizes sharing a Redis database never read
# each other's cached pages, sessions or counters.
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"nmt-{DATABASES['default']['NAME']}"  # noqa: F405
    CACHES["kept-shared"]["KEY_PREFIX"] = (  # noqa: F405
        f"kept-{RELEASE}-{DATABASES['default']['NAME']}"  # noqa: F405
    )
