"""The bench's database, its gunicorn server and signed-in sessions."""

import os
import secrets
import signal
import socket
import string
import subprocess  # starts gunicorn from this virtualenv, no shell  # nosec B404
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import client

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nmt_bench_{size}?conn_max_age=600"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def log(message=""):
    print(message, flush=True)


# -- database --------------------------------------------------------------------------------


def database_url(size_name):
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL.format(size=size_name)
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("nmt_bench"):
        sys.exit(
            f"Refusing database {name!r}: the bench database's name must start with nmt_bench."
        )
    return url


def _libpq(url, database=None):
    """The URL for psycopg: no Django options, optionally another database."""
    parts = urlsplit(url)
    path = f"/{database}" if database else parts.path
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def ensure_database(url, recreate=False):
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_libpq(url, "postgres"), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = exists.fetchone() is not None
        if exists and recreate:
            log(f"dropping database {name}")
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
            exists = False
        if not exists:
            log(f"creating database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_environment(url, redis_url):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        DEBUG="false",
        HTTPS="false",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def setup_django(env):
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")})
    os.environ["DEBUG"] = "false"
    os.environ["HTTPS"] = "false"
    import django

    django.setup()


def prepare_database(size, url):
    from django.core.management import call_command
    from django.db import connection, connections

    from bench.seed import ensure_seeded

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    try:
        counts, seeded = ensure_seeded(size, log=log)
    except RuntimeError as problem:
        log(f"{problem} Recreating it.")
        connections.close_all()
        ensure_database(url, recreate=True)
        call_command("migrate", verbosity=0, interactive=False)
        counts, seeded = ensure_seeded(size, log=log)
    if seeded:
        log("  VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    seconds = time.perf_counter() - started
    log(
        f"database ready in {seconds:.0f} s ({'seeded now' if seeded else 'already seeded'}): "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
    )
    return counts, seeded, seconds


# -- the server ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving a WSGI application (by default cms.wsgi with the bench settings) in
    its own process group.

    Every server the bench starts gets the same flags (workers, sync worker class, timeout,
    log level); only the application, the folder it is imported from, its environment and the
    path asked to tell that it answers differ (bench/stock.py serves the stock project so)."""

    def __init__(
        self,
        env,
        workers,
        log_path,
        app="cms.wsgi:application",
        chdir=BASE_DIR,
        health_path="/bench/ok",
    ):
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.app = app
        self.chdir = chdir
        self.health_path = health_path
        self.process = None
        self.port = None

    def start(self):
        self.port = free_port()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [
            str(gunicorn),
            self.app,
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "--chdir",
            str(self.chdir),
        ]
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own command line  # nosec B603
            command,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            if client.request(self.port, "GET", self.health_path, timeout=5).status == 200:
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()
        self.process = None


# -- sessions and request sets ---------------------------------------------------------------


class Sessions:
    """Signed-in sessions made through Django's session engine, as `login()` leaves them."""

    def __init__(self):
        self.keys = []

    def cookie(self, user):
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        from accounts.sessions import CAN_EDIT, LAST_SEEN_AT, SIGNED_IN_AT, can_edit

        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "accounts.backends.UserBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[SIGNED_IN_AT] = store[LAST_SEEN_AT] = int(time.time())
        store[CAN_EDIT] = can_edit(user)
        store.create()
        self.keys.append(store.session_key)
        token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={token}"
        )
        return cookie, token

    def delete_all(self):
        from importlib import import_module

        from django.conf import settings

        engine = import_module(settings.SESSION_ENGINE)
        for key in self.keys:
            engine.SessionStore(session_key=key).delete()
