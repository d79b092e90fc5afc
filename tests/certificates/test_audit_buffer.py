"""With Redis, single verification lookups are buffered there and moved into the log in
batches (certificates/audit.py): none is lost, none is written twice, and whoever reads the
log sees every lookup."""

import logging
import threading
import uuid

from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import pytest

from certificates import audit
from certificates.api_keys import create_api_key
from certificates.models import AssociationApiKey, VerificationLog
from tests.services import UNREACHABLE_REDIS_URL, redis_cache_settings, require_redis

UNKNOWN = "ABCD-EFGH-JKMN-PQRS"


@pytest.fixture
def redis_buffer(db):
    """The default cache on a real Redis under a private key prefix: the buffer is on."""
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        yield audit.redis_client()
        for name in (audit.BUFFER, audit.MOVER_LOCK, audit.FLUSH_QUEUED):
            cache.delete(name)


def buffered(redis):
    return redis.llen(cache.make_key(audit.BUFFER))


def api_lookup(client, code, **headers):
    return client.get(f"/api/v1/certificates/{code}", **headers)


def test_a_lookup_is_answered_without_a_query_and_logged_once_moved(
    client, certificate, redis_buffer, django_assert_num_queries
):
    api_lookup(client, certificate.display_code)  # the certificate is now cached
    audit.flush_buffered_lookups()
    before = timezone.now()
    with django_assert_num_queries(0):
        response = api_lookup(client, certificate.display_code)
    after = timezone.now()
    assert response.json()["status"] == "valid"
    assert buffered(redis_buffer) == 1
    assert VerificationLog.objects.count() == 1  # only the first, moved above

    assert audit.flush_buffered_lookups() == 1
    latest = VerificationLog.objects.order_by("-at").first()
    assert (latest.channel, latest.result, latest.code) == (
        "api",
        "valid",
        certificate.display_code,
    )
    assert latest.ip_address == "127.0.0.1"
    assert before <= latest.at <= after  # the lookup's time, not the move's
    assert latest.buffered_id is not None
    assert buffered(redis_buffer) == 0


def test_the_verify_page_and_keyed_lookups_are_buffered_with_their_details(client, redis_buffer):
    record, key = create_api_key("Ohio Board")
    api_lookup(client, UNKNOWN, HTTP_AUTHORIZATION=f"Bearer {key}")
    api_lookup(client, "bad")
    client.get(f"/verify/{UNKNOWN}/")
    assert VerificationLog.objects.count() == 0
    assert audit.flush_buffered_lookups() == 3
    assert sorted(VerificationLog.objects.values_list("channel", "result", "api_key")) == [
        ("api", "malformed", None),
        ("api", "not_found", record.pk),
        ("page", "not_found", None),
    ]


@override_settings(VERIFICATION_LOG_FLUSH_AT=3)
def test_the_lookup_that_fills_the_buffer_moves_it(client, redis_buffer):
    api_lookup(client, UNKNOWN)
    api_lookup(client, UNKNOWN)
    assert VerificationLog.objects.count() == 0
    api_lookup(client, UNKNOWN)
    assert VerificationLog.objects.count() == 3
    assert buffered(redis_buffer) == 0


@override_settings(VERIFICATION_LOG_FLUSH_AT=2)
def test_when_the_move_fails_lookups_go_on_and_it_is_retried_later(
    client, certificate, redis_buffer, monkeypatch, caplog
):
    code = certificate.display_code
    api_lookup(client, code)  # the certificate is now cached
    audit.flush_buffered_lookups()
    write_batch = audit.write_batch
    attempts = []

    def database_down(records):
        attempts.append(len(records))
        raise DatabaseError("connection refused")

    monkeypatch.setattr(audit, "write_batch", database_down)
    with caplog.at_level(logging.ERROR, logger="certificates.audit"):
        statuses = [api_lookup(client, code).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert attempts == [2]  # at the second lookup only, not at the third
    assert "will be retried" in caplog.text

    monkeypatch.setattr(audit, "write_batch", write_batch)
    api_lookup(client, code)  # the fourth: the failed batch and the new buffer
    assert VerificationLog.objects.count() == 1 + 4
    assert buffered(redis_buffer) == 0


def test_a_batch_written_before_a_crash_is_not_written_twice(client, redis_buffer):
    api_lookup(client, UNKNOWN)
    api_lookup(client, "bad")
    # A mover read the buffer and wrote it, then died before trimming it.
    audit.write_batch(redis_buffer.lrange(cache.make_key(audit.BUFFER), 0, -1))
    api_lookup(client, UNKNOWN)  # logged after the crash

    assert audit.flush_buffered_lookups() == 3
    assert VerificationLog.objects.count() == 3
    assert VerificationLog.objects.filter(result="malformed").count() == 1
    assert buffered(redis_buffer) == 0


def test_a_push_whose_reply_was_lost_is_logged_once(client, redis_buffer, monkeypatch):
    """Redis appended the lookup but its reply timed out: the request writes the lookup
    itself, and the later move of the buffered copy adds nothing."""
    import redis

    execute = redis.client.Pipeline.execute

    def reply_lost(pipe, *args, **kwargs):
        execute(pipe, *args, **kwargs)
        raise redis.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(redis.client.Pipeline, "execute", reply_lost)
    assert api_lookup(client, UNKNOWN).status_code == 404
    monkeypatch.undo()
    assert VerificationLog.objects.count() == 1
    assert buffered(redis_buffer) == 1
    audit.flush_buffered_lookups()
    assert VerificationLog.objects.count() == 1
    assert buffered(redis_buffer) == 0


def test_a_long_backlog_is_moved_a_chunk_at_a_time(client, redis_buffer, monkeypatch):
    monkeypatch.setattr(audit, "MOVE_CHUNK", 2)
    sizes = []
    write_batch = audit.write_batch
    monkeypatch.setattr(
        audit, "write_batch", lambda records: sizes.append(len(records)) or write_batch(records)
    )
    for _ in range(5):
        api_lookup(client, UNKNOWN)
    assert audit.flush_buffered_lookups() == 5
    assert sizes == [2, 2, 1]
    assert VerificationLog.objects.count() == 5
    assert buffered(redis_buffer) == 0


def test_a_mover_that_lost_its_lock_leaves_the_batch_to_the_next(
    client, redis_buffer, monkeypatch, caplog
):
    """A move slower than the lock's life: another mover has the lock by the time the first
    has written its rows, so the first must not trim what the other may be reading."""
    api_lookup(client, UNKNOWN)
    api_lookup(client, "bad")
    write_batch = audit.write_batch
    lock_key = cache.make_key(audit.MOVER_LOCK)

    def slow(records):
        moved = write_batch(records)
        redis_buffer.set(lock_key, "another mover's token", ex=5)  # ours expired meanwhile
        return moved

    monkeypatch.setattr(audit, "write_batch", slow)
    with caplog.at_level(logging.WARNING, logger="certificates.audit"):
        assert audit.flush_buffered_lookups() == 2
    assert "lock expired" in caplog.text
    assert buffered(redis_buffer) == 2  # left for the lock's holder
    assert redis_buffer.get(lock_key) == b"another mover's token"  # not released by us

    monkeypatch.setattr(audit, "write_batch", write_batch)
    redis_buffer.delete(lock_key)
    audit.flush_buffered_lookups()
    assert VerificationLog.objects.count() == 2  # written once
    assert buffered(redis_buffer) == 0


def test_one_mover_at_a_time(client, redis_buffer):
    api_lookup(client, UNKNOWN)
    other = redis_buffer.lock(cache.make_key(audit.MOVER_LOCK), timeout=5)
    assert other.acquire(blocking=False)
    try:
        assert audit.flush_buffered_lookups() == 0
        assert buffered(redis_buffer) == 1
    finally:
        other.release()
    assert audit.flush_buffered_lookups() == 1


def test_a_mover_waits_for_another_when_asked(client, redis_buffer):
    api_lookup(client, UNKNOWN)
    other = redis_buffer.lock(cache.make_key(audit.MOVER_LOCK), timeout=0.5)
    assert other.acquire(blocking=False)  # and never released: it expires
    assert audit.flush_buffered_lookups(wait=3) == 1


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_an_address_the_column_refuses_is_logged_as_unknown(client, redis_buffer):
    """Behind one proxy the address comes from X-Forwarded-For, which a request that went
    around the proxy can fill with anything."""
    api_lookup(client, UNKNOWN, HTTP_X_FORWARDED_FOR="garbage")
    api_lookup(client, UNKNOWN, HTTP_X_FORWARDED_FOR="203.0.113.9")
    record = VerificationLog(
        at=timezone.now(), channel="api", code=UNKNOWN, result="not_found", ip_address="x"
    )
    record.buffered_id = uuid.uuid4()
    audit.push(redis_buffer, record)  # as an older release might have buffered it
    assert audit.flush_buffered_lookups() == 3
    assert sorted(VerificationLog.objects.values_list("ip_address", flat=True), key=str) == [
        "203.0.113.9",
        None,
        None,
    ]


def test_a_record_the_table_refuses_is_dropped_and_the_rest_moved(client, redis_buffer, caplog):
    from tests.concurrency import needs_postgresql

    needs_postgresql()  # SQLite does not enforce a column's length
    api_lookup(client, UNKNOWN)
    record = VerificationLog(at=timezone.now(), channel="c" * 40, code=UNKNOWN, result="x")
    record.buffered_id = uuid.uuid4()
    audit.push(redis_buffer, record)
    api_lookup(client, "bad")
    with caplog.at_level(logging.ERROR, logger="certificates.audit"):
        audit.flush_buffered_lookups()
    assert "the table refuses" in caplog.text
    assert sorted(VerificationLog.objects.values_list("result", flat=True)) == [
        "malformed",
        "not_found",
    ]
    assert buffered(redis_buffer) == 0


def test_an_unreadable_record_is_dropped_and_the_rest_moved(client, redis_buffer, caplog):
    api_lookup(client, UNKNOWN)
    redis_buffer.rpush(cache.make_key(audit.BUFFER), b"not json", b'["too", "short"]')
    api_lookup(client, "bad")
    with caplog.at_level(logging.ERROR, logger="certificates.audit"):
        assert audit.flush_buffered_lookups() == 2
    assert "unreadable verification log record" in caplog.text
    assert VerificationLog.objects.count() == 2
    assert buffered(redis_buffer) == 0


def test_a_lookup_by_a_key_deleted_before_the_move_is_kept(client, redis_buffer):
    record, key = create_api_key("Short-lived Board")
    api_lookup(client, UNKNOWN, HTTP_AUTHORIZATION=f"Bearer {key}")
    AssociationApiKey.objects.filter(pk=record.pk).delete()  # no row protects it yet
    assert audit.flush_buffered_lookups() == 1
    assert VerificationLog.objects.get().api_key is None


def test_the_audit_log_screen_shows_buffered_lookups(client, admin_user, redis_buffer):
    api_lookup(client, UNKNOWN)
    client.force_login(admin_user)
    response = client.get(reverse("audit_log_admin"))
    assert UNKNOWN in response.text
    assert buffered(redis_buffer) == 0


def test_the_audit_log_screen_says_when_redis_cannot_be_reached(client, admin_user, redis_buffer):
    api_lookup(client, UNKNOWN)
    client.force_login(admin_user)
    with override_settings(CACHES=redis_cache_settings(UNREACHABLE_REDIS_URL)):
        response = client.get(reverse("audit_log_admin"))
    assert response.status_code == 200
    assert "could not be moved from Redis" in response.text
    assert buffered(redis_buffer) == 1  # still kept for the next mover


@override_settings(VERIFICATION_LOG_FLUSH_AT=2)
def test_the_audit_log_screen_moves_a_few_chunks_and_says_how_many_wait(
    client, admin_user, redis_buffer, monkeypatch
):
    monkeypatch.setattr(audit, "MOVE_CHUNK", 1)
    monkeypatch.setattr(audit, "READ_CHUNKS", 2)
    for n in range(6):  # a backlog, as after PostgreSQL was down
        record = VerificationLog(at=timezone.now(), channel="api", code=f"C{n}", result="x")
        record.buffered_id = uuid.uuid4()
        audit.push(redis_buffer, record)
    client.force_login(admin_user)
    response = client.get(reverse("audit_log_admin"))
    assert VerificationLog.objects.count() == 2
    assert "4 more lookups are still waiting in Redis" in response.text


@override_settings(CACHES=redis_cache_settings(UNREACHABLE_REDIS_URL), TRUSTED_PROXY_COUNT=1)
def test_without_redis_a_lookup_is_written_at_once(client, db):
    assert api_lookup(client, UNKNOWN, HTTP_X_FORWARDED_FOR="garbage").status_code == 404
    assert VerificationLog.objects.get().result == "not_found"
    assert VerificationLog.objects.get().ip_address is None


def test_bulk_lookups_are_written_in_their_own_request(client, redis_buffer):
    client.post(
        "/api/v1/certificates/verify", {"codes": [UNKNOWN, "x"]}, content_type="application/json"
    )
    assert VerificationLog.objects.count() == 2
    assert buffered(redis_buffer) == 0


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    VERIFICATION_LOG_FLUSH_SECONDS=45,
)
def test_a_timed_move_is_queued_at_most_once_per_interval(client, redis_buffer):
    from django_tasks import default_task_backend

    default_task_backend.clear()
    before = timezone.now()
    api_lookup(client, UNKNOWN)
    api_lookup(client, UNKNOWN)
    api_lookup(client, "bad")
    queued = default_task_backend.results
    assert len(queued) == 1
    assert queued[0].task.name == "flush_verification_log"
    # after the once-a-minute mark has expired (45 s), so no lookup falls between the two
    assert 49 <= (queued[0].task.run_after - before).total_seconds() <= 51


def test_with_an_immediate_task_backend_no_move_is_queued(client, redis_buffer):
    api_lookup(client, UNKNOWN)
    assert not redis_buffer.exists(cache.make_key(audit.FLUSH_QUEUED))
    assert VerificationLog.objects.count() == 0  # it waits for the size, a reader or a task


def test_the_task_and_the_command_move_the_buffer(client, redis_buffer, capsys):
    from certificates.tasks import flush_verification_log

    api_lookup(client, UNKNOWN)
    assert flush_verification_log.call() == 1
    api_lookup(client, "bad")
    api_lookup(client, "bad")
    call_command("flush_verification_log")
    assert "Moved 2 buffered lookup(s)" in capsys.readouterr().out
    assert VerificationLog.objects.count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(VERIFICATION_LOG_FLUSH_AT=7)
def test_concurrent_lookups_and_moves_write_each_lookup_once():
    """Twelve threads log 25 lookups each while the buffer fills and is moved many times over
    (every 7th lookup tries to move it) and four movers run besides: every lookup reaches the
    table exactly once (PostgreSQL and Redis, real threads)."""
    from django.test import RequestFactory

    from tests.concurrency import needs_postgresql, race

    needs_postgresql()
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        threads = iter(range(16))
        lock = threading.Lock()

        def work():
            with lock:
                number = next(threads)
            if number >= 12:
                return sum(audit.flush_buffered_lookups() for _ in range(10))
            request = RequestFactory().get("/", REMOTE_ADDR=f"10.0.0.{number}")
            for n in range(25):
                audit.log_lookups(request, "api", [(f"T{number}-{n}", "not_found")])
            return 0

        _, errors = race(16, work)
        audit.flush_buffered_lookups()
        assert not errors
        codes = list(VerificationLog.objects.values_list("code", flat=True))
        assert len(codes) == 12 * 25
        assert set(codes) == {f"T{t}-{n}" for t in range(12) for n in range(25)}
        assert audit.waiting_lookups() == 0


@override_settings(CACHES=redis_cache_settings(UNREACHABLE_REDIS_URL))
def test_the_command_says_when_redis_cannot_be_reached(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Redis could not be reached; nothing was moved"):
        call_command("flush_verification_log")
