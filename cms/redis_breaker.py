"""A circuit breaker for every Redis connection this process opens.

A Redis that is down answers at once (connection refused), but a hung one (it accepts the
connection and never answers) makes every command wait out its socket timeout, and a page
asks the cache several times. So after one connection error or timeout, this process stops
talking to that Redis server for BREAKER_SECONDS: every command fails at once with a
ConnectionError, which django-redis (IGNORE_EXCEPTIONS) reads as a miss. The first command
after the pause tries again; if it fails, the pause starts over.

It works at the level of redis-py's connection class (the `connection_class` of the
connection pool, set through django-redis's CONNECTION_POOL_KWARGS in the settings), so
every user of the default cache benefits: the page cache, sessions (cached_db, which then
read the database), rate limits (which count locally meanwhile: cms/ratelimit.py), the
certificate look-up cache and any raw client taken from the cache. Only public methods of
redis-py's Connection are extended.
"""

import functools
import logging
import threading
import time

from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

BREAKER_SECONDS = 15.0


class CircuitBreaker:
    """Open (refusing) for `seconds` after a failure; shared by the process's connections."""

    def __init__(self, seconds=BREAKER_SECONDS, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.open_until = 0.0
        self.lock = threading.Lock()

    def is_open(self):
        return self.clock() < self.open_until

    def trip(self, error):
        with self.lock:
            already_open = self.is_open()
            self.open_until = self.clock() + self.seconds
        if not already_open:
            logger.error(
                "Redis failed (%s); not calling it for %.0f s",
                error.__class__.__name__,
                self.seconds,
            )

    def reset(self):
        self.open_until = 0.0


FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)
BREAKERS = {}  # one per Redis server this process talks to
BREAKERS_LOCK = threading.Lock()


def breaker_for(address):
    """The breaker for one Redis server (its host and port, or its socket path)."""
    with BREAKERS_LOCK:
        return BREAKERS.setdefault(address, CircuitBreaker())


def reset_breakers():
    """Close every breaker (tests, after a fault)."""
    with BREAKERS_LOCK:
        for breaker in BREAKERS.values():
            breaker.reset()


class CircuitBreakerMixin:
    """For redis-py connection classes: refuse while the breaker is open, trip it on a
    connection error or timeout (not on a command's own error, such as a wrong type)."""

    @functools.cached_property
    def breaker(self):
        """Looked up once per connection: every command asks for it three times."""
        address = getattr(self, "path", None) or (
            getattr(self, "host", ""),
            getattr(self, "port", 0),
        )
        return breaker_for(address)

    def refuse_while_open(self):
        if self.breaker.is_open():
            raise RedisConnectionError("Redis is paused after a failure (cms/redis_breaker.py)")

    def guarded(self, call):
        self.refuse_while_open()
        try:
            return call()
        except FAILURES as error:
            self.breaker.trip(error)
            raise

    def connect(self):
        return self.guarded(super().connect)

    def send_packed_command(self, command, check_health=True):
        return self.guarded(
            lambda: super(CircuitBreakerMixin, self).send_packed_command(command, check_health)
        )

    def read_response(self, *args, **kwargs):
        return self.guarded(
            lambda: super(CircuitBreakerMixin, self).read_response(*args, **kwargs)
        )


class BreakerConnection(CircuitBreakerMixin, Connection):
    pass


class BreakerSSLConnection(CircuitBreakerMixin, SSLConnection):
    pass


class BreakerUnixDomainSocketConnection(CircuitBreakerMixin, UnixDomainSocketConnection):
    pass


def connection_class_for(url):
    """The breaker connection class for a Redis URL's scheme (redis, rediss or unix)."""
    scheme = url.split("://", 1)[0].lower()
    return {
        "rediss": BreakerSSLConnection,
        "unix": BreakerUnixDomainSocketConnection,
    }.get(scheme, BreakerConnection)


def redis_cache(url, key_prefix="nmt", timeout_seconds=0.2):
    """The default cache's settings for a Redis URL: short timeouts, failures read as
    misses, and the circuit breaker on every connection."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": timeout_seconds,
            "SOCKET_TIMEOUT": timeout_seconds,
            "CONNECTION_POOL_KWARGS": {"connection_class": connection_class_for(url)},
        },
    }
