"""Fixed-window rate limits kept in the cache.

With REDIS_URL set the cache is Redis, so a limit is shared by every app server; in the
embedded default it is local memory, per process. If the shared cache cannot be reached
(Redis down or hung: cms/redis_breaker.py pauses it), each app server process counts on its
own in the `local` cache alias, so a limit still holds, at worst once per process (with N
processes a client gets at most N times the limit). The site keeps serving when Redis is
down, and the limit that protects accounts, the login lockout, is kept in the database by
django-axes and still holds (docs/reliability.md).
"""

import functools
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.shortcuts import render

from django_redis import get_redis_connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int


def hit(bucket, limit, window=60, now=None):
    """Count one request in `bucket`; refuse it when the window already has `limit`."""
    return hit_and_get(bucket, limit, None, window, now)[0]


def hit_and_get(bucket, limit, key, window=60, now=None):
    """hit(), and with a `key` the value cached under it: (Decision, value or None). On Redis
    the count and the read are one round trip (the verify API's count and certificate read:
    decision 0209)."""
    now = now if now is not None else time.time()
    count_key = window_key(bucket, window, now)
    count, value = count_and_read(count_key, key, window)
    if count is None:  # the shared cache is down (or ignores its errors and answers nothing)
        logger.warning("Rate limit cache unavailable; counting %s in this process", bucket)
        count = count_in(caches["local"], count_key, window)
    if count is None:  # not even local memory answers: serve rather than refuse everyone
        logger.error("No rate limit cache; allowing the request to %s", bucket)
        return Decision(True, 0), value
    return decision(count, limit, window, now), value


def window_key(bucket, window, now):
    """The cache key counting `bucket`'s requests in the window that holds `now`."""
    return f"ratelimit:{bucket}:{int(now // window) * window}"


def decision(count, limit, window, now):
    """The answer for the request that made the window's count `count`."""
    retry_after = max(1, int((now // window + 1) * window - now))
    return Decision(count <= limit, retry_after)


def count_and_read(count_key, key, window):
    """(the count under `count_key` plus one, the value under `key` or None), from the
    default cache; the count is None when the cache cannot be reached.

    On Redis, one command: the COUNT_AND_READ script counts, starts a new window's expiry and
    reads, atomically (django-redis stores integers as they are, so the counter is an
    ordinary cache value). Elsewhere (local memory), count_in() and cache.get().
    """
    client = shared_redis()
    if client is None:
        return count_in(cache, count_key, window), (cache.get(key) if key else None)
    keys = [cache.make_key(count_key)]
    if key:
        keys.append(cache.make_key(key))
    try:
        count, *value = count_and_read_script(client)(keys=keys, args=[window + 5])
    except Exception:  # noqa: BLE001 - an unreachable cache is a fallback, not an error page
        return None, None
    return count, (decoded(value[0]) if value else None)


# KEYS[1]: the window's counter; KEYS[2], if given: a value to read. ARGV[1]: the counter's
# lifetime in seconds, set by the window's first request. Decision 0211: one command costs
# this process about half the Python work of the three-command pipeline it replaced.
COUNT_AND_READ = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
if #KEYS == 1 then
    return {count}
end
return {count, redis.call('GET', KEYS[2])}
"""


@functools.lru_cache(maxsize=8)
def count_and_read_script(client):
    """COUNT_AND_READ for a Redis client (redis-py's Script: EVALSHA, and the script sent
    again whenever the server has lost it, as after a restart)."""
    return client.register_script(COUNT_AND_READ)


def shared_redis():
    """The default cache's Redis client, or None when the cache is not Redis."""
    try:
        return get_redis_connection("default")
    except NotImplementedError:  # the embedded default: local memory
        return None


def decoded(value):
    """A value read from Redis as django-redis stored it (None for a missing key)."""
    return None if value is None else cache.client.decode(value)


def count_in(store, key, window):
    """Add one to the count under `key` in this local-memory cache and return it; None when
    the cache cannot be reached."""
    try:
        try:
            return store.incr(key)
        except ValueError:  # the window's first request (or two at once: add decides)
            return 1 if store.add(key, 1, timeout=window + 5) else store.incr(key)
    except Exception:  # noqa: BLE001 - an unreachable cache is a fallback, not an error page
        return None


def hit_scope(scope, key, now=None):
    """Count one request against a named limit in settings.RATE_LIMITS: (requests, seconds)."""
    limit, window = settings.RATE_LIMITS[scope]
    return hit(f"{scope}:{key}", limit, window, now=now)


def valid_ip(text):
    """`text` as an IP address, or "" when it is not one."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""


def client_ip(request):
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies it is the X-Forwarded-For
    entry the outermost trusted proxy added (entries further left can be forged). An entry
    that is not an IP address (a request that went around the proxy can send anything) gives
    "": such requests share one rate-limit bucket and are recorded without an address."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return valid_ip(forwarded[-proxies])
    return valid_ip(request.META.get("REMOTE_ADDR", ""))


def too_many_requests(request, decision, what):
    """The 429 page: says what was limited and when to try again."""
    response = render(
        request,
        "429.html",
        {"retry_after": decision.retry_after, "what": what},
        status=429,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


def rate_limited(scope, what, methods=("POST",)):
    """View decorator: at most settings.RATE_LIMITS[scope] requests per client address for
    the given methods; over it, the 429 page (nothing else runs, so nothing changes)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                decision = hit_scope(scope, client_ip(request))
                if not decision.allowed:
                    return too_many_requests(request, decision, what)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
