"""The verification log loses nothing (issue 18, defect 3): every answered lookup is in the
table when its answer leaves, whatever Redis does (restart, flush, no persistence), and the
upgrade moves what the old Redis buffer still held."""

import json
import os
import shutil
import socket
import subprocess  # starts a private redis-server for the fault test  # nosec B404
import time
import uuid

from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

import pytest

from certificates.models import VerificationLog
from tests.services import redis_cache_settings, require_redis

UNKNOWN = "ABCD-EFGH-JKMN-PQRS"


def answered(response):
    return response.status_code in {200, 404}


@pytest.fixture
def redis_cache(db):
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        yield


def test_each_lookup_is_in_the_table_when_answered(client, certificate, redis_cache):
    code = certificate.display_code
    assert client.get(f"/api/v1/certificates/{code}").status_code == 200
    assert VerificationLog.objects.count() == 1
    assert client.get(f"/verify/{UNKNOWN}/").status_code == 404
    assert VerificationLog.objects.count() == 2
    response = client.post(
        "/api/v1/certificates/verify", {"codes": [code, UNKNOWN]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert list(VerificationLog.objects.order_by("pk").values_list("channel", "result")) == [
        ("api", "valid"),
        ("page", "not_found"),
        ("bulk", "valid"),
        ("bulk", "not_found"),
    ]


def test_one_lookup_costs_one_insert(client, certificate, redis_cache, django_assert_num_queries):
    code = certificate.display_code
    client.get(f"/api/v1/certificates/{code}")  # the certificate is now in the cache
    with django_assert_num_queries(1) as captured:
        assert client.get(f"/api/v1/certificates/{code}").status_code == 200
    assert captured.captured_queries[0]["sql"].upper().startswith("INSERT")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own with no persistence at all, to stop and restart."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed (apt-get install redis-server)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.binary = binary
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - fixed program and arguments, no shell
            [self.binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def kill(self):
        self.process.kill()  # no shutdown save: whatever it held is gone
        self.process.wait()


@pytest.fixture
def private_redis(db):
    server = PrivateRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


def test_stopping_a_redis_without_persistence_loses_no_lookup(client, certificate, private_redis):
    """Lookups before, while and after Redis is down (killed, then back empty): every
    lookup that was answered is a row."""
    code = certificate.display_code
    paths = [f"/api/v1/certificates/{code}", f"/verify/{code}/", f"/verify/{UNKNOWN}/"]
    with override_settings(CACHES=redis_cache_settings(private_redis.url)):
        answers = 0
        for phase in ("up", "down", "back"):
            if phase == "down":
                private_redis.kill()
            if phase == "back":
                private_redis.start()
            for i in range(30):
                answers += answered(client.get(paths[i % len(paths)]))
    assert answers == 90  # the site answers without its cache
    assert VerificationLog.objects.count() == answers


def test_a_flushed_cache_loses_no_lookup(client, certificate, redis_cache):
    for i in range(10):
        client.get(f"/api/v1/certificates/{certificate.display_code}")
        if i % 3 == 0:
            cache.clear()
    assert VerificationLog.objects.count() == 10


def record(buffered_id, code, at="2026-11-30T10:00:00+00:00"):
    return json.dumps([buffered_id, at, "api", None, "203.0.113.9", code, "not_found"])


# serialized_rollback: the tests after it that restore the database find it as they expect.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upgrade_moves_what_the_old_buffer_held():
    """Migrating past certificates 0011 writes the lookups a running site still held in the
    old Redis buffer, each once (a record already written by the old mover is skipped), and
    empties the buffer."""
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        executor = MigrationExecutor(connection)
        executor.migrate([("certificates", "0010_verification_desk")])
        try:
            already = uuid.uuid4().hex
            old = MigrationExecutor(connection).loader.project_state(
                ("certificates", "0010_verification_desk")
            )
            OldLog = old.apps.get_model("certificates", "VerificationLog")
            OldLog.objects.create(
                buffered_id=uuid.UUID(already), channel="api", code="WRITTEN", result="valid"
            )
            redis = cache.client.get_client(write=True)
            buffer = cache.make_key("verification-log:buffer")
            redis.rpush(
                buffer,
                record(already, "WRITTEN"),
                record(uuid.uuid4().hex, "LEFT-ONE"),
                record(uuid.uuid4().hex, "LEFT-TWO"),
                "not json",
            )
        finally:
            executor = MigrationExecutor(connection)
            executor.loader.build_graph()
            executor.migrate(executor.loader.graph.leaf_nodes())
        assert redis.llen(buffer) == 0
    assert sorted(VerificationLog.objects.values_list("code", flat=True)) == [
        "LEFT-ONE",
        "LEFT-TWO",
        "WRITTEN",
    ]
    moved = VerificationLog.objects.get(code="LEFT-ONE")
    assert (moved.channel, moved.result, moved.ip_address) == ("api", "not_found", "203.0.113.9")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_under_load_a_redis_stop_loses_no_lookup(live_server, certificate, private_redis):
    """Four clients verify at once through the live server while Redis without persistence
    is killed and started again, empty: every lookup answered is a row."""
    import threading
    import urllib.error
    import urllib.request

    paths = [f"/api/v1/certificates/{certificate.display_code}", f"/api/v1/certificates/{UNKNOWN}"]
    answers = []
    stop = threading.Event()

    def verify_in_a_loop(n):
        while not stop.is_set():
            try:
                with urllib.request.urlopen(live_server.url + paths[n % 2], timeout=10) as reply:  # noqa: S310 - the test server
                    status = reply.status
            except urllib.error.HTTPError as error:
                status = error.code
            answers.append(status)

    with override_settings(
        CACHES=redis_cache_settings(private_redis.url), API_RATE_LIMIT_ANONYMOUS=10**9
    ):
        clients = [threading.Thread(target=verify_in_a_loop, args=(n,)) for n in range(4)]
        for thread in clients:
            thread.start()
        time.sleep(1.5)
        private_redis.kill()
        time.sleep(1.5)
        private_redis.start()
        time.sleep(1.5)
        stop.set()
        for thread in clients:
            thread.join()
    answered_count = sum(1 for status in answers if status in {200, 404})
    assert answered_count > 20
    assert VerificationLog.objects.count() == answered_count
