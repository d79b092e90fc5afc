"""Run Django in a fresh interpreter with a chosen environment (settings are read at import,
so production settings can only be tested in a process of their own)."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

# A production-like environment: DEBUG off, a real key, a host name, SQLite in a temp file.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "prod-like-key-" + "k3y5" * 16,
    "ALLOWED_HOSTS": "ce.example.org",
    "BASE_URL": "https://ce.example.org",
}


def run_python(code, env, args=()):
    """Run `code` (or, with args, a command such as manage.py) with only `env` changed."""
    clean = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' own (tests/e2e/conftest.py)
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "HTTPS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    command = [sys.executable, *args] if args else [sys.executable, "-c", code]
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        command,
        env={**clean, "DJANGO_SETTINGS_MODULE": "cms.settings.base", **env},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
