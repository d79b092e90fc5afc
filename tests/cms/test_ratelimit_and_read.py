"""hit_and_get: a rate-limit count and a cache read together, in one round trip to Redis
(decision 0209; one script since decision 0211), with the same counts and answers as hit()
and cache.get() one after the other; and the same two, one after the other, where the cache
is not Redis or fails."""

from concurrent.futures import ThreadPoolExecutor

from django.core.cache import cache, caches
from django.test import override_settings

import pytest

from cms import ratelimit
from cms.ratelimit import hit, hit_and_get, window_key
from tests.services import (
    UNREACHABLE_REDIS_URL,
    redis_cache_settings,
    redis_round_trips,
    require_redis,
)

NOW = 1_800_000_030.0  # 30 s into a minute


@pytest.fixture(params=["redis", "local memory"])
def store(request):
    """The default cache as production has it (Redis), and as the embedded default has it."""
    if request.param == "local memory":
        yield request.param
        return
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        yield request.param
        cache.clear()


def test_it_counts_with_hit_and_reads_the_value(store):
    cache.set("kept", {"status": "valid"}, 60)
    assert hit("caller", 3, now=NOW).allowed  # hit() and hit_and_get() share one count
    decision, value = hit_and_get("caller", 3, "kept", now=NOW)
    assert decision.allowed and value == {"status": "valid"}
    assert hit_and_get("caller", 3, "missing", now=NOW + 1) == (ratelimit.Decision(True, 29), None)
    refused, value = hit_and_get("caller", 3, "kept", now=NOW + 2)
    assert not refused.allowed and refused.retry_after == 28
    assert value == {"status": "valid"}  # read, though the caller must not see it
    assert not hit("caller", 3, now=NOW + 3).allowed
    assert hit_and_get("caller", 3, "kept", now=NOW + 30)[0].allowed  # a new window


def test_the_window_count_expires_with_its_window():
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        hit_and_get("caller", 3, "kept", window=60, now=NOW)
        client = ratelimit.shared_redis()
        assert 60 < client.ttl(cache.make_key(window_key("caller", 60, NOW))) <= 65
        cache.clear()


def test_with_redis_it_is_one_round_trip():
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        cache.set("kept", "facts", 60)
        hit("warm", 3, now=NOW)  # the server learns the script (once per server start)
        with redis_round_trips() as sent:
            assert hit_and_get("caller", 3, "kept", now=NOW)[1] == "facts"
        with redis_round_trips() as sent_by_hit:  # hit() counts the same way, without a read
            assert hit("other caller", 3, now=NOW).allowed
        cache.clear()
    assert len(sent) == 1 and len(sent_by_hit) == 1


def test_a_redis_that_lost_the_script_is_sent_it_again():
    """After a restart (or SCRIPT FLUSH) the server no longer knows the script: the count
    goes on, from where the window's counter stands."""
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        cache.set("kept", "facts", 60)
        assert hit_and_get("caller", 3, "kept", now=NOW) == (ratelimit.Decision(True, 30), "facts")
        ratelimit.shared_redis().script_flush()
        assert hit_and_get("caller", 3, "kept", now=NOW + 1)[1] == "facts"
        assert hit("caller", 3, now=NOW + 2).allowed
        assert not hit("caller", 3, now=NOW + 3).allowed
        cache.clear()


def test_concurrent_requests_each_get_their_own_count():
    """Forty requests at once in one window: counts 1 to 40, each once, and the counter
    expires with the window (the first request sets it, inside the same script)."""
    counter = window_key("crowd", 60, NOW)

    def count(_):
        return ratelimit.count_and_read(counter, None, 60)[0]

    with override_settings(CACHES=redis_cache_settings(require_redis())):
        with ThreadPoolExecutor(max_workers=8) as pool:
            counts = sorted(pool.map(count, range(40)))
        assert counts == list(range(1, 41))
        assert 60 < ratelimit.shared_redis().ttl(cache.make_key(counter)) <= 65
        cache.clear()


def test_an_unreachable_redis_counts_in_this_process(caplog):
    with override_settings(CACHES=redis_cache_settings(UNREACHABLE_REDIS_URL)):
        answers = [hit_and_get("caller", 2, "kept", now=NOW) for _ in range(3)]
    assert [decision.allowed for decision, _ in answers] == [True, True, False]
    assert [value for _, value in answers] == [None] * 3
    assert "counting caller in this process" in caplog.text
    caches["local"].clear()
