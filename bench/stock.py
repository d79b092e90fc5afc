"""The stock yardstick: a `django-admin startproject` project with one view returning "ok".

DESIGN.md section 6 states every throughput target as a ratio to this view, served by the same
gunicorn flags as the site in the same run. The project is made fresh for each run with the
`django-admin` of this virtual environment (so the same Django), and only what serving it
needs is changed:

- settings.py: DEBUG = False and ALLOWED_HOSTS = ["127.0.0.1", "localhost"];
- urls.py: one view, `HttpResponse("ok")` at `/ok`, added after the generated patterns.

Everything else (middleware, SQLite database setting, templates) is what startproject writes.
The view touches no database. gunicorn runs it with an environment holding none of the site's
settings variables (STOCK_ENVIRONMENT lists the few variables passed on).
"""

import os
import subprocess  # runs this virtualenv's django-admin, no shell  # nosec B404
import sys
from pathlib import Path

from bench.server import Server

PROJECT = "stocksite"
OK_PATH = "/ok"
# Passed on from the bench's environment; nothing else (no DJANGO_SETTINGS_MODULE,
# DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, PYTHONPATH, ...).
STOCK_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")

SETTINGS_CHANGES = (
    ("DEBUG = True\n", "DEBUG = False\n"),
    ("ALLOWED_HOSTS = []\n", 'ALLOWED_HOSTS = ["127.0.0.1", "localhost"]\n'),
)
OK_VIEW = """

# Added by bench/stock.py: the view every throughput ratio is measured against.
from django.http import HttpResponse  # noqa: E402


def ok(request):
    return HttpResponse("ok")


urlpatterns.append(path("ok", ok))
"""


def django_admin():
    """This virtual environment's django-admin (the Django the site runs on)."""
    return Path(sys.executable).parent / "django-admin"


def build_project(folder):
    """Make the stock project in `folder` (created if missing); return that folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - our own command line  # nosec B603
        [str(django_admin()), "startproject", PROJECT, str(folder)],
        check=True,
        capture_output=True,
        env=stock_environment(),
    )
    settings = folder / PROJECT / "settings.py"
    text = settings.read_text()
    for old, new in SETTINGS_CHANGES:
        if text.count(old) != 1:
            raise RuntimeError(f"startproject's settings.py no longer holds {old.strip()!r}")
        text = text.replace(old, new)
    settings.write_text(text)
    urls = folder / PROJECT / "urls.py"
    text = urls.read_text()
    if "from django.urls import path" not in text:
        raise RuntimeError("startproject's urls.py no longer imports django.urls.path")
    urls.write_text(text + OK_VIEW)
    return folder


def stock_environment():
    """The bench's environment without any of the site's settings variables."""
    return {name: os.environ[name] for name in STOCK_ENVIRONMENT if name in os.environ}


class StockServer(Server):
    """gunicorn serving the stock project with the same flags as the site's server."""

    def __init__(self, folder, workers, log_path):
        super().__init__(
            stock_environment(),
            workers,
            log_path,
            app=f"{PROJECT}.wsgi:application",
            chdir=folder,
            health_path=OK_PATH,
        )
