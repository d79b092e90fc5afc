"""The verification audit log: every lookup, with when, who, which code and what it found.

With a shared Redis (REDIS_URL, production), a single lookup is not written to PostgreSQL in
its own request: it is appended to a buffer list in Redis (one round trip) and moved into the
table in batches (docs/decisions.md, "Verification log buffer"). A PostgreSQL round trip per
lookup cost half the verify API's server CPU. A batch is moved

- by each lookup that brings the buffer to a multiple of settings.VERIFICATION_LOG_FLUSH_AT,
- by a task queued at most once every settings.VERIFICATION_LOG_FLUSH_SECONDS (with a task
  backend that can run tasks later, i.e. the database queue and its db_worker),
- before anyone reads the log (`flush_buffered_lookups()`, called by the audit-log screen),
- by `manage.py flush_verification_log`.

Moving is safe to repeat: every buffered entry carries its own id, stored in the unique
`buffered_id` column, so a batch that was written but not yet removed from Redis (a crash in
between) is not written twice. One mover at a time holds a Redis lock; a batch a crashed mover
left behind is moved by the next one. A backlog is written a chunk at a time, and each chunk
leaves Redis only once the mover has renewed its lock, so a mover slower than its lock never
removes what the next one is reading. If Redis cannot be reached, the lookup is written to the
table at once, as it is without Redis (the embedded default): nothing is dropped.
"""

import json
import logging
import uuid
from contextlib import suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from django_tasks import default_task_backend
from redis.exceptions import LockError, LockNotOwnedError, ResponseError

from cms.ratelimit import client_ip
from cms.text import without_control_characters

from .models import AssociationApiKey, VerificationLog

logger = logging.getLogger(__name__)

LAST_USED_PRECISION = timedelta(minutes=5)
BUFFER = "verification-log:buffer"
MOVING = "verification-log:moving"
MOVER_LOCK = "verification-log:mover"
FLUSH_QUEUED = "verification-log:flush-queued"
MOVER_LOCK_SECONDS = 60
MOVE_CHUNK = 5000  # records read and written at a time, so a long backlog needs little memory


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


def log_lookups(request, channel, lookups, api_key=None):
    """Record (code text, result) pairs for one request."""
    ip = client_ip(request) or None
    now = timezone.now()
    entries = [
        VerificationLog(
            at=now,
            channel=channel,
            api_key=api_key,
            ip_address=ip,
            code=loggable(code),
            result=result,
        )
        for code, result in lookups
    ]
    if len(entries) == 1:
        if not buffer_entry(entries[0]):
            entries[0].save(force_insert=True)  # one statement, no transaction around it
    else:  # a bulk request: its rows already share one statement
        VerificationLog.objects.bulk_create(entries)
    if api_key is not None and key_use_is_stale(api_key, now):
        AssociationApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)


def key_use_is_stale(api_key, now):
    """A key's last use is kept to the nearest few minutes, so most lookups spend no query
    on it."""
    return api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION


def redis_client():
    """The raw Redis client behind the default cache, or None when the cache is not Redis."""
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    return client.get_client(write=True)


def buffer_entry(entry):
    """Append a lookup to the Redis buffer; False when there is no Redis to append to."""
    redis = redis_client()
    if redis is None:
        return False
    record = json.dumps(
        [
            uuid.uuid4().hex,
            entry.at.isoformat(),
            entry.channel,
            entry.api_key_id,
            entry.ip_address,
            entry.code,
            entry.result,
        ]
    )
    deferred = deferred_flush_possible()
    try:
        with redis.pipeline(transaction=False) as pipe:
            pipe.rpush(cache.make_key(BUFFER), record)
            if deferred:
                pipe.set(
                    cache.make_key(FLUSH_QUEUED),
                    1,
                    nx=True,
                    ex=settings.VERIFICATION_LOG_FLUSH_SECONDS,
                )
            replies = pipe.execute()
    except Exception:  # noqa: BLE001 - Redis is down: the table takes the entry at once
        logger.warning("Verification log buffer unavailable; writing the lookup directly")
        return False
    if deferred and replies[1]:
        queue_flush()
    # At 200, 400, … and not on every lookup past 200: while PostgreSQL is down, lookups are
    # still answered from the cache and the move is tried again every 200 of them.
    if replies[0] % settings.VERIFICATION_LOG_FLUSH_AT == 0:
        flush_quietly()
    return True


def deferred_flush_possible():
    """Whether the task backend can run a move later (the database queue can; the immediate
    backend of the embedded default cannot, and then size and readers trigger the moves)."""
    return default_task_backend.supports_defer


def queue_flush():
    """Queue one move a little later, so a quiet site's lookups reach the table too."""
    from .tasks import flush_verification_log  # here: the task module imports this one

    run_after = timezone.now() + timedelta(seconds=settings.VERIFICATION_LOG_FLUSH_SECONDS)
    try:
        flush_verification_log.using(run_after=run_after).enqueue()
    except DatabaseError:
        logger.exception("Could not queue the verification log flush")


def flush_quietly():
    """Move the buffer, logging a failure instead of raising it (False): the entries stay
    in Redis for the next mover."""
    try:
        flush_buffered_lookups()
    except Exception:  # noqa: BLE001 - the lookup was answered; the batch waits
        logger.exception("Moving the verification log buffer failed; it will be retried")
        return False
    return True


def flush_buffered_lookups():
    """Move every buffered lookup into the table; the number moved. Returns 0 at once when
    another process is moving them, or when there is no Redis buffer."""
    redis = redis_client()
    if redis is None:
        return 0
    lock = redis.lock(cache.make_key(MOVER_LOCK), timeout=MOVER_LOCK_SECONDS)
    if not lock.acquire(blocking=False):
        return 0
    moved = 0
    moving = cache.make_key(MOVING)
    try:
        for _ in range(2):  # a batch a crashed mover left, then the current buffer
            if not take_batch(redis, moving):
                break
            while records := redis.lrange(moving, 0, MOVE_CHUNK - 1):
                moved += write_batch(records)
                # Only the lock's holder may trim: renewing it proves this mover still holds
                # it (a move slower than the lock's life lets the next mover in).
                lock.reacquire()
                redis.ltrim(moving, len(records), -1)  # the list's key goes once it is empty
    except LockNotOwnedError:
        logger.warning("The verification log mover's lock expired; the next mover repeats")
    finally:
        with suppress(LockError):  # already lost, as above
            lock.release()
    return moved


def take_batch(redis, moving):
    """True when a batch waits under `moving`: one a crashed mover left, or the buffer,
    renamed in one step so that lookups logged meanwhile start a new buffer."""
    if redis.exists(moving):
        return True
    try:
        return bool(redis.renamenx(cache.make_key(BUFFER), moving))
    except ResponseError:  # no buffer: nothing was looked up since the last move
        return False


def write_batch(records):
    """Write buffered records to the table; entries already there are skipped."""
    rows = [parsed for parsed in map(parse_record, records) if parsed is not None]
    key_ids = {row.api_key_id for row in rows if row.api_key_id is not None}
    if key_ids:
        existing = set(
            AssociationApiKey.objects.filter(pk__in=key_ids).values_list("pk", flat=True)
        )
        for row in rows:
            if row.api_key_id not in existing:
                row.api_key_id = None  # a key deleted since; the lookup itself is kept
    VerificationLog.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
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
            ip_address=ip,
            code=code,
            result=result,
        )
    except (AttributeError, TypeError, ValueError):
        logger.error("Dropping an unreadable verification log record: %r", record[:200])
        return None
