"""Fixed-window rate limits in the cache: Redis when REDIS_URL is set (shared by every app
server), local memory otherwise. If the cache cannot be reached, the limit fails open: the
request is served and the failure is logged, because verification is read-only."""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

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
        cache.add(key, 0, timeout=window + 5)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - fail open, see the module docstring
        logger.exception("Rate limit cache unavailable; allowing the request")
        return Decision(True, 0)
    retry_after = max(1, int(window_start + window - now))
    return Decision(count <= limit, retry_after)


def api_limit(api_key):
    """Requests per minute for a caller: higher with an association key."""
    if api_key is not None:
        return settings.API_RATE_LIMIT_KEYED
    return settings.API_RATE_LIMIT_ANONYMOUS


def client_ip(request):
    # Behind a load balancer, configure it to set REMOTE_ADDR (docs/deploy.md).
    return request.META.get("REMOTE_ADDR", "")
