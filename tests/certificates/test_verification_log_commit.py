"""A lookup's log row does not wait for PostgreSQL's disk, and nothing else stops waiting
(decision 0203): the row is committed with `synchronous_commit` off for its own transaction
only. PostgreSQL counts the WAL flushes it makes (`pg_stat_wal.wal_sync`), which tells the two
kinds of commit apart."""

from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

import pytest

from certificates.audit import log_row, write_entries
from certificates.models import VerificationLog
from tests.concurrency import needs_postgresql

# serialized_rollback: the tests after these find the database as they expect.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOOKUPS = 20
UNKNOWN = "ABCD-EFGH-JKMN-PQRS"


def setting(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def wal_flushes():
    """WAL flushes so far, this connection's own counted in (they reach the shared statistics
    at the next flush of its counters, which this forces)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # flushed when that statement's transaction ended
        cursor.execute("SELECT wal_sync FROM pg_stat_wal")
        return cursor.fetchone()[0]


def flushes_during(action):
    before = wal_flushes()
    action()
    return wal_flushes() - before


@pytest.fixture
def postgresql_that_syncs():
    needs_postgresql()
    if setting("fsync") != "on":
        pytest.skip("this PostgreSQL does not flush its WAL to disk (fsync is off)")


def an_entry(code):
    return VerificationLog(channel="api", code=code, result=VerificationLog.NOT_FOUND)


def a_row(code):
    return log_row(timezone.now(), "api", code, VerificationLog.NOT_FOUND)


def test_lookups_do_not_wait_for_the_disk(client, postgresql_that_syncs):
    """Answered lookups are rows at once, yet their commits flush nothing; the same rows saved
    the ordinary way flush once each. The connection's setting is left as it was."""

    def look_up():
        for _ in range(LOOKUPS):
            assert client.get(f"/api/v1/certificates/{UNKNOWN}").status_code == 404

    def save_the_ordinary_way():
        for n in range(LOOKUPS):
            an_entry(f"ORDINARY-{n}").save()

    with override_settings(API_RATE_LIMIT_ANONYMOUS=10**9):
        lookups = flushes_during(look_up)
    ordinary = flushes_during(save_the_ordinary_way)
    assert VerificationLog.objects.filter(code=UNKNOWN, channel="api").count() == LOOKUPS
    assert ordinary >= LOOKUPS
    assert lookups < LOOKUPS / 4
    assert setting("synchronous_commit") == "on"


def test_a_row_written_inside_a_transaction_leaves_it_waiting(postgresql_that_syncs):
    """Inside a transaction (where a learner's records could be written too) the row is an
    ordinary insert: the transaction still waits for the disk when it commits."""
    with transaction.atomic():
        write_entries([a_row("INSIDE")])
        assert setting("synchronous_commit") == "on"
    assert VerificationLog.objects.filter(code="INSIDE").exists()


def test_the_row_keeps_every_field(postgresql_that_syncs, django_user_model):
    """The statement written in SQL stores what the model would: time, channel, user,
    address, code and result."""
    user = django_user_model.objects.create_user(email="desk@example.com", password="x" * 16)
    at = timezone.now()
    entry = log_row(
        at,
        VerificationLog.DESK,
        "AB\x00C",
        VerificationLog.REVOKED,
        user=user,
        ip_address="2001:db8::1",
    )
    write_entries([entry])
    row = VerificationLog.objects.get()
    assert (row.at, row.channel, row.user_id, row.api_key_id) == (at, "desk", user.pk, None)
    assert (row.ip_address, row.code, row.result) == ("2001:db8::1", "AB\ufffdC", "revoked")
