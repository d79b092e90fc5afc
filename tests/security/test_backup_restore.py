"""Backup and restore round trip: a populated database is backed up with
`manage.py backup_database`, restored the documented way (docs/reliability.md), and the
restored copy holds the same certificates, attempts and completions, row for row."""

import shutil
import sqlite3
import subprocess

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import psycopg
import pytest

from certificates.issuing import revoke_certificate
from certificates.models import Certificate
from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes.attempts import start_attempt, submit
from quizzes.completion import record_completion_if_complete
from tests.conftest import build_course
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, right_answers, wrong_answers

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KEPT_TABLES = [
    "certificates_certificate",
    "quizzes_attempt",
    "quizzes_coursecompletion",
    "courses_enrollment",
    "accounts_user",
]


@pytest.fixture
def populated(catalog):
    """Learners with failed and passed attempts, completions and certificates (one revoked)."""
    course = build_course(catalog, modules=2, title="Backed-up course", evaluation_required=False)
    modules = list(ModulePage.objects.child_of(course))
    quiz = make_quiz(module=modules[0], max_attempts=3)
    admin = UserFactory(is_staff=True, is_superuser=True)
    for n in range(4):
        learner = UserFactory(email=f"learner{n}@example.com")
        enrollment, _ = enroll(learner, course)
        for module in modules:
            progress = record_view(enrollment, module)
            ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
        failed = start_attempt(learner, quiz)
        submit(failed, wrong_answers(failed))
        if n % 2 == 0:
            passed = start_attempt(learner, quiz)
            submit(passed, right_answers(passed))
            record_completion_if_complete(enrollment)
    revoke_certificate(Certificate.objects.first(), admin, "Issued in error.")
    assert Certificate.objects.count() == 2


def rows(cursor, table):
    cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - fixed table names
    return cursor.fetchall()


def differences(restored, expected):
    """(table, row id, column number, restored value, live value) for every differing cell."""
    found = []
    for table, live in expected.items():
        copied = {row[0]: row for row in restored[table]}
        for row in live:
            other = copied.get(row[0])
            if other is None:
                found.append((table, row[0], "missing"))
                continue
            found += [
                (table, row[0], i, a, b)
                for i, (a, b) in enumerate(zip(other, row, strict=True))
                if a != b
            ]
        if len(restored[table]) != len(live):
            found.append((table, "row count", len(restored[table]), len(live)))
    return found


def live_rows():
    """The live rows, read through a plain driver connection like the copy's (Django's own
    connection converts types)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        plain = sqlite3.connect(settings["NAME"], uri=True)
    else:
        plain = psycopg.connect(
            dbname=settings["NAME"],
            host=settings["HOST"],
            port=settings["PORT"],
            user=settings["USER"],
        )
    try:
        return {table: rows(plain.cursor(), table) for table in KEPT_TABLES}
    finally:
        plain.close()


def test_sqlite_backup_and_restore_round_trip(populated, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs in the SQLite test run")
    backup = tmp_path / "nmt.sqlite3"
    call_command("backup_database", str(backup))
    restored = tmp_path / "db.sqlite3"
    shutil.copyfile(backup, restored)  # restoring is putting the file back, site stopped
    copy = sqlite3.connect(restored)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        restored_rows = {table: rows(copy.cursor(), table) for table in KEPT_TABLES}
    finally:
        copy.close()
    expected = live_rows()
    assert differences(restored_rows, expected) == []
    assert len(expected["certificates_certificate"]) == 2
    assert len(expected["quizzes_attempt"]) == 6


def test_postgresql_backup_and_restore_round_trip(populated, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL round trip runs in the PostgreSQL test run")
    backup = tmp_path / "nmt.dump"
    call_command("backup_database", str(backup))
    settings = connection.settings_dict
    restored_name = f"{settings['NAME']}_restored"
    server = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        admin.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(  # noqa: S603 - the documented restore command
            [
                shutil.which("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                f"--host={settings['HOST']}",
                f"--port={settings['PORT']}",
                f"--username={settings['USER']}",
                f"--dbname={restored_name}",
                str(backup),
            ],
            check=True,
            capture_output=True,
        )
        with psycopg.connect(dbname=restored_name, **server) as copy:
            restored_rows = {table: rows(copy.cursor(), table) for table in KEPT_TABLES}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
    expected = live_rows()
    assert differences(restored_rows, expected) == []
    assert len(expected["certificates_certificate"]) == 2
    assert len(expected["quizzes_attempt"]) == 6


def test_a_backup_never_overwrites_an_existing_file(db, tmp_path):
    target = tmp_path / "exists.dump"
    target.write_text("older backup")
    with pytest.raises(Exception, match="exists"):
        call_command("backup_database", str(target))
    assert target.read_text() == "older backup"
