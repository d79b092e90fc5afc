"""The verification audit log: every lookup, with when, who, which code and what it found.

With a shared Redis (REDIS_URL, production), a single lookup is not written to PostgreSQL in
its own request: it is appended to a buffer list in Redis (one round trip) and moved into the
table in batches (docs/decisions.md, "Verification log buffer"). A PostgreSQL round trip per
lookup cost half the verify API's server CPU. The buffer is moved

- a chunk at a time by each lookup that brings it to a multiple of
  settings.VERIFICATION_LOG_FLUSH_AT,
- by a task queued at most once every settings.VERIFICATION_LOG_FLUSH_SECONDS (with a task
  backend that can run tasks later, i.e. the database queue and its db_worker),
- before the audit-log screen reads the log (`flush_for_reading`),
- by `manage.py flush_verification_log`.

A mover holds a Redis lock, reads the oldest records of the list, writes them, and only then
trims them off the list's head (lookups keep arriving at its tail), after renewing its lock:
a mover slower than its lock leaves them to the next one. Every record carries its own id,
kept in the unique `buffered_id` column, so records written but not trimmed (a crash in
between, a lost lock, a push whose reply was lost) are never written twice. If Redis cannot
be reached, the lookup is written to the table at once, as it is without Redis (the embedded
default): nothing is dropped.
"""

import json
import logging
import uuid
from contextlib import suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DataError, Error, IntegrityError, transaction
from django.utils import timezone

from django_tasks import default_task_backend
from redis.exceptions import LockError, LockNotOwnedError

from cms.ratelimit import client_ip, valid_ip
from cms.text import without_control_characters

from .models import AssociationApiKey, VerificationLog

logger = logging.getLogger(__name__)

LAST_USED_PRECISION = timedelta(minutes=5)
BUFFER = "verification-log:buffer"
MOVER_LOCK = "verification-log:mover"
FLUSH_QUEUED = "verification-log:flush-queued"
MOVER_LOCK_SECONDS = 60
MOVE_CHUNK = 5000  # records read and written at a time, so a long backlog needs little memory
READ_CHUNKS = 4  # the audit-log screen moves at most this many chunks before it reads
LOCK_WAIT_SECONDS = 5  # how long the screen, the task and the command wait for another mover


def loggable(text):
    """The code as typed, safe to store: control characters (NUL included, which PostgreSQL
    refuses in text) become U+FFFD, and it is cut to the column's length."""
    return without_control_characters(text, "\ufffd")[:64]


def result_of(certificate, malformed=False):
    """What a lookup found, as the log records it."""
    if malformed:
        return VerificationLog.MALFORMED
    if certificate is None:
        return VerificationLog.NOT_FOUND
    return VerificationLog.REVOKED if certificate.is_revoked else VerificationLog.VALID


def log_lookups(request, channel, lookups, api_key=None, user=None):
    """Record (code text, result) pairs for one request, with the signed-in `user` behind
    them when there is one (the verification desk)."""
    now = timezone.now()
    ip = client_ip(request) or None
    entries = [
        VerificationLog(
            at=now,
            channel=channel,
            api_key=api_key,
            user=user,
            ip_address=ip,
            code=loggable(code),
            result=result,
        )
        for code, result in lookups
    ]
    if len(entries) == 1 and user is None:
        log_one(entries[0])
    else:  # a bulk request: its rows already share one statement. The Redis buffer's
        # records carry no user, so a desk lookup is written at once even when alone.
        VerificationLog.objects.bulk_create(entries)
    if api_key is not None and key_use_is_stale(api_key, now):
        AssociationApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)


def key_use_is_stale(api_key, now):
    """A key's last use is kept to the nearest few minutes, so most lookups spend no query
    on it."""
    return api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION


def log_one(entry):
    """Buffer one lookup in Redis, or write it at once when there is no Redis to buffer in."""
    redis = redis_client()
    if redis is None:
        entry.save(force_insert=True)  # one statement, no transaction around it
        return
    entry.buffered_id = uuid.uuid4()
    try:
        length, queue_now = push(redis, entry)
    except Exception:  # noqa: BLE001 - Redis is down: the table takes the entry at once
        logger.warning("Verification log buffer unavailable; writing the lookup directly")
        # The push may have reached Redis before its reply was lost: if it is moved later,
        # its id makes that write (or this one) a no-op.
        VerificationLog.objects.bulk_create([entry], ignore_conflicts=True)
        return
    if queue_now:
        queue_flush()
    # At 200, 400, … and not on every lookup past 200: while PostgreSQL is down, lookups are
    # still answered from the cache and the move is tried again every 200 of them. One
    # chunk at most: a backlog is for the task and the command, not for a lookup's request.
    if length % settings.VERIFICATION_LOG_FLUSH_AT == 0:
        flush_quietly(max_chunks=1)


def redis_client():
    """The raw Redis client behind the default cache, or None when the cache is not Redis."""
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    return client.get_client(write=True)


def push(redis, entry):
    """Append a lookup to the buffer, in one round trip: (the buffer's length, whether this
    lookup should queue the timed move)."""
    record = json.dumps(
        [
            entry.buffered_id.hex,
            entry.at.isoformat(),
            entry.channel,
            entry.api_key_id,
            entry.ip_address,
            entry.code,
            entry.result,
        ]
    )
    deferred = default_task_backend.supports_defer  # the immediate backend cannot wait
    with redis.pipeline(transaction=False) as pipe:
        pipe.rpush(cache.make_key(BUFFER), record)
        if deferred:
            seconds = settings.VERIFICATION_LOG_FLUSH_SECONDS
            pipe.set(cache.make_key(FLUSH_QUEUED), 1, nx=True, ex=seconds)
        replies = pipe.execute()
    return replies[0], deferred and bool(replies[1])


def queue_flush():
    """Queue one move a little later, so a quiet site's lookups reach the table too. It runs
    after the once-per-interval mark has expired, so any lookup buffered after the move read
    the list queues the next one."""
    from .tasks import flush_verification_log  # here: the task module imports this one

    delay = timedelta(seconds=settings.VERIFICATION_LOG_FLUSH_SECONDS + 5)
    try:
        flush_verification_log.using(run_after=timezone.now() + delay).enqueue()
    except Error:
        logger.exception("Could not queue the verification log flush")


def flush_quietly(**options):
    """Move the buffer (see flush_buffered_lookups), logging a failure instead of raising
    it (False): the entries stay in Redis for the next mover."""
    try:
        flush_buffered_lookups(**options)
    except Exception:  # noqa: BLE001 - the caller goes on; the batch waits
        logger.exception("Moving the verification log buffer failed; it will be retried")
        return False
    return True


def flush_for_reading():
    """Move what is waiting before the log is read (a few chunks at most, inside a request).
    The number of lookups still waiting, or None when Redis cannot be reached."""
    if not flush_quietly(max_chunks=READ_CHUNKS, wait=LOCK_WAIT_SECONDS):
        return None
    try:
        return waiting_lookups()
    except Exception:  # noqa: BLE001 - as above
        logger.exception("Could not count the verification log buffer")
        return None


def waiting_lookups():
    """How many lookups wait in the Redis buffer (0 without Redis)."""
    redis = redis_client()
    return redis.llen(cache.make_key(BUFFER)) if redis is not None else 0


def flush_buffered_lookups(max_chunks=None, wait=0):
    """Move buffered lookups into the table, oldest first, until the buffer has caught up
    (or `max_chunks` chunks); the number moved. Waits up to `wait` seconds for another
    mover, then returns 0; returns 0 at once without Redis."""
    redis = redis_client()
    if redis is None:
        return 0
    lock = redis.lock(cache.make_key(MOVER_LOCK), timeout=MOVER_LOCK_SECONDS)
    if not lock.acquire(blocking=wait > 0, blocking_timeout=wait or None):
        return 0
    buffer = cache.make_key(BUFFER)
    moved = chunks = 0
    try:
        while max_chunks is None or chunks < max_chunks:
            records = redis.lrange(buffer, 0, MOVE_CHUNK - 1)
            if not records:
                break
            moved += write_batch(records)
            chunks += 1
            # Only the lock's holder may trim: renewing it proves this mover still holds it
            # (a move slower than the lock's life lets the next mover in).
            lock.reacquire()
            redis.ltrim(buffer, len(records), -1)  # new lookups arrive at the other end
            if len(records) < MOVE_CHUNK:
                break  # caught up with the lookups coming in
    except LockNotOwnedError:
        logger.warning("The verification log mover's lock expired; the next mover repeats")
    finally:
        with suppress(LockError):  # already lost, as above
            lock.release()
    return moved


def write_batch(records):
    """Write buffered records to the table; records already there are skipped, and a record
    the table refuses is logged and dropped instead of holding back the rest."""
    rows = [parsed for parsed in map(parse_record, records) if parsed is not None]
    key_ids = {row.api_key_id for row in rows if row.api_key_id is not None}
    if key_ids:
        existing = set(
            AssociationApiKey.objects.filter(pk__in=key_ids).values_list("pk", flat=True)
        )
        for row in rows:
            if row.api_key_id not in existing:
                row.api_key_id = None  # a key deleted since; the lookup itself is kept
    try:
        with transaction.atomic():
            VerificationLog.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    except (DataError, IntegrityError, ValueError):
        for row in rows:  # one at a time, to find the one the table refuses
            try:
                with transaction.atomic():
                    VerificationLog.objects.bulk_create([row], ignore_conflicts=True)
            except (DataError, IntegrityError, ValueError):
                logger.exception("Dropping a verification log record the table refuses")
    return len(rows)


def parse_record(record):
    """A buffered record as an unsaved log row, or None (logged) if it cannot be read."""
    try:
        buffered_id, at, channel, api_key_id, ip, code, result = json.loads(record)
        return VerificationLog(
            buffered_id=uuid.UUID(buffered_id),
            at=datetime.fromisoformat(at),
            channel=channel,
            api_key_id=api_key_id,
            ip_address=valid_ip(ip) or None,
            code=loggable(code),
            result=result,
        )
    except (AttributeError, TypeError, ValueError):
        logger.error("Dropping an unreadable verification log record: %r", record[:200])
        return None
