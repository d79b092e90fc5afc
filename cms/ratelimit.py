"""Fixed-window rate limits kept in the cache.

With REDIS_URL set the cache is Redis, so a limit is shared by every app server; in the
embedded default it is local memory, per process. If the cache cannot be reached, every limit
here fails open: the request is served and the failure is logged. The site keeps serving when
Redis is down, and the limit that protects accounts, the login lockout, is kept in the
database by django-axes and still holds (docs/reliability.md).
"""

import functools
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int


def hit(bucket, limit, window=60, now=None):
    """Count one request in `bucket`; refuse it when the window already has `limit`."""
    now = now if now is not None else time.time()
    window_start = int(now // window) * window
    key = f"ratelimit:{bucket}:{window_start}"
    try:
        try:
            count = cache.incr(key)  # one round trip once the window has begun
        except ValueError:  # the window's first request (or two at once: add decides)
            count = 1 if cache.add(key, 1, timeout=window + 5) else cache.incr(key)
    except Exception:  # noqa: BLE001 - fail open, see the module docstring
        count = None
    if count is None:  # the cache is down (or ignores its errors and answers nothing)
        logger.error("Rate limit cache unavailable; allowing the request to %s", bucket)
        return Decision(True, 0)
    retry_after = max(1, int(window_start + window - now))
    return Decision(count <= limit, retry_after)


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
