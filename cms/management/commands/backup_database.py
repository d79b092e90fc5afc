"""A consistent backup of the database, taken while the site runs.

SQLite: SQLite's online backup API (what `sqlite3 db.sqlite3 .backup` uses), to a database
file. PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`. docs/reliability.md
gives the restore steps and what else to keep (media, the credential signing key).
"""

import os
import shutil
import sqlite3

# subprocess runs pg_dump, a fixed program, without a shell.
import subprocess  # nosec B404
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def backup_sqlite(connection, target):
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def backup_postgresql(settings, target):
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise CommandError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={target}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command.append(f"{option}={settings[key]}")
    command.append(settings["NAME"])
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    # A fixed program with arguments from the project's own settings, no shell.
    result = subprocess.run(  # noqa: S603  # nosec B603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = "Write a consistent backup of the database to a file (SQLite or PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("target", help="File to write, e.g. backups/nmt-2026-11-22.dump")
        parser.add_argument("--database", default="default")

    def handle(self, target, database, **options):
        target = Path(target)
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        connection = connections[database]
        if connection.vendor == "sqlite":
            backup_sqlite(connection, target)
        elif connection.vendor == "postgresql":
            backup_postgresql(connection.settings_dict, target)
        else:
            raise CommandError(f"No backup method for {connection.vendor}.")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}."))
