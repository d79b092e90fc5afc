"""Real services for the tests that need them: Redis (and PostgreSQL, see concurrency.py).

Outside CI a missing service skips the test; in CI (CI=true) it fails, because CI must run
everything."""

import contextlib
import os
import uuid
from unittest import mock

from django.conf import settings

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def require_redis():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


def redis_cache_settings(url, prefix=None):
    """CACHES as production builds them (cms/settings/base.py), with a private key prefix."""
    from cms.redis_breaker import redis_cache

    prefix = prefix or f"test-{uuid.uuid4().hex}"
    return {
        "default": redis_cache(url, key_prefix=prefix),
        "kept-shared": redis_cache(url, key_prefix=f"kept-{prefix}"),
        "kept": settings.KEPT_CACHE,
        "local": settings.LOCAL_CACHE,
        "page-copies": settings.PAGE_COPIES_CACHE,
    }


def clear_caches():
    """Empty the shared cache and this process's own copies: rate-limit counts, kept pages,
    and the generation number read last (the rows a rolled-back test kept under it are gone)."""
    from django.core.cache import cache, caches

    from cms.page_cache import forget_generation

    cache.clear()
    caches["local"].clear()
    caches["page-copies"].clear()
    forget_generation()


@contextlib.contextmanager
def redis_round_trips():
    """A list of the packets this process sends to Redis while the block runs: one per
    round trip (a pipeline is one)."""
    from redis.connection import Connection

    sent, send = [], Connection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        sent.append(command)
        return send(connection, command, *args, **kwargs)

    with mock.patch.object(Connection, "send_packed_command", counted):
        yield sent
