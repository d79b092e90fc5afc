"""The PostgreSQL backend's health check (cms/postgresql/base.py): a kept connection is checked
before each request's first query without a round trip, and one the server has closed is
replaced, not used."""

import select
import time

from django.db import OperationalError, close_old_connections, connection

import pytest

from accounts.models import User
from cms.postgresql.base import connection_is_quiet
from tests.concurrency import end_backend, needs_postgresql, server_connection

MARKER = "SELECT 'health-check-marker'"


def last_statement_of(pid):
    with server_connection() as admin:
        return admin.execute(
            "SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]
        ).fetchone()[0]


def terminate(pid):
    """Have the server end a backend, as a restart or `idle_session_timeout` does, and wait
    until its FATAL message and end-of-file reach the client's socket."""
    end_backend(pid)
    select.select([connection.connection.fileno()], [], [], 5)
    time.sleep(0.05)


@pytest.fixture
def kept_connection():
    """The default connection kept between requests and checked before reuse, as in
    production (the test settings inherit both from cms/settings/base.py on PostgreSQL)."""
    needs_postgresql("the PostgreSQL backend's health check needs PostgreSQL")
    assert connection.settings_dict["ENGINE"] == "cms.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()
    connection.ensure_connection()
    yield connection
    connection.settings_dict["CONN_MAX_AGE"] = max_age
    connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_live_connection_is_usable_and_checking_it_sends_nothing(kept_connection):
    with kept_connection.cursor() as cursor:
        cursor.execute(MARKER)
    pid = kept_connection.connection.info.backend_pid

    assert kept_connection.is_usable()
    assert kept_connection.is_usable()

    assert last_statement_of(pid) == MARKER  # Django's own check would have sent SELECT 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_the_server_ended_is_not_usable(kept_connection):
    terminate(kept_connection.connection.info.backend_pid)
    assert not kept_connection.is_usable()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_next_request_after_the_server_ended_its_connection_gets_a_new_one(
    kept_connection,
):
    User.objects.create_user(email="kept@example.com", password="x" * 12)
    old_pid = kept_connection.connection.info.backend_pid
    terminate(old_pid)

    close_old_connections()  # what Django does as each request starts
    assert User.objects.filter(email="kept@example.com").count() == 1

    assert kept_connection.connection.info.backend_pid != old_pid


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_the_check_the_ended_connection_would_have_failed_the_request(
    kept_connection,
):
    """The other side of the test above: the check is what saves that request."""
    kept_connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        kept_connection.close()
        kept_connection.ensure_connection()
        terminate(kept_connection.connection.info.backend_pid)
        close_old_connections()
        with pytest.raises(OperationalError):
            User.objects.count()
    finally:
        kept_connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        kept_connection.close()


def test_no_connection_or_a_closed_one_is_not_quiet():
    assert connection_is_quiet(None) is False

    class Closed:
        closed = True
        broken = False

    assert connection_is_quiet(Closed()) is False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_live_connection_that_was_sent_something_is_checked_and_kept(kept_connection):
    """A notification waiting on the socket is not a closed connection: the check asks the
    server, as Django's own check does, and keeps the connection."""
    with kept_connection.cursor() as cursor:
        cursor.execute("LISTEN health_check_test")
    pid = kept_connection.connection.info.backend_pid
    with server_connection(kept_connection.settings_dict["NAME"]) as other:  # its database's
        other.execute("SELECT pg_notify('health_check_test', 'hello')")
    select.select([kept_connection.connection.fileno()], [], [], 5)
    assert not connection_is_quiet(kept_connection.connection)

    assert kept_connection.is_usable()
    assert last_statement_of(pid) == "SELECT 1"

    close_old_connections()
    assert not User.objects.filter(email="nobody@example.com").exists()
    assert kept_connection.connection.info.backend_pid == pid
