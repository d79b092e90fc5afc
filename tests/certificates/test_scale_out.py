"""Two app servers over one PostgreSQL and one Redis: what one server does holds on the other.

Two gunicorn processes on different ports share the test database and a Redis database.
A session made by signing in on A works on B; rate-limit counts made on A and B add up; a
page copy kept by A is served by B; a publish shows on both at once, though each keeps
rendered parts in its own memory; a revocation made through A's admin shows on B's API at
once (the cached look-up is dropped for both); lookups answered by both servers are in the
audit log at once.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import override_settings

import pytest
import redis

from courses.models import ModulePage
from tests.concurrency import needs_postgresql
from tests.services import redis_cache_settings, require_redis

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REDIS_DB = 9  # this test's own Redis database, emptied before and after
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port, env):
    process = subprocess.Popen(  # noqa: S603 - the project's own gunicorn
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "cms.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()) from None
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


class Browser:
    """A cookie-keeping HTTP client; cookies for 127.0.0.1 go to either port."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 - http only
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(), error.url
        return response.status, response.headers, response.read().decode(), response.url

    def post_form(self, url, fields):
        _, _, page, _ = self.request(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(url, {**fields, "csrfmiddlewaretoken": token}, {"Referer": url})


def usable_password(*users):
    """The tests hash passwords with MD5 for speed; the servers run production settings,
    which do not accept MD5, so these users get a PBKDF2 hash of the same password."""
    for user in users:
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
        user.save(update_fields=["password"])


@pytest.fixture
def servers(certificate, tmp_path, learner, admin_user):
    needs_postgresql()
    usable_password(learner, admin_user)
    redis_url = f"{require_redis().rsplit('/', 1)[0]}/{REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.base",
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": "two-servers-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,ce.example.org",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "API_RATE_LIMIT_ANONYMOUS": "5",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # As in production: static files collected, with their manifest (docs/deploy.md).
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    ports = [free_port(), free_port()]
    processes = [start_server(port, env) for port in ports]
    try:
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        redis.Redis.from_url(redis_url).flushdb()
        connection.close()


def test_a_session_made_on_one_server_holds_on_the_other(servers, learner):
    a, b = servers
    browser = Browser()
    status, _, _, url = browser.post_form(
        f"{a}/accounts/login/", {"username": learner.email, "password": PASSWORD}
    )
    assert status == 200 and url.endswith("/dashboard/")
    status, _, page, url = browser.request(f"{b}/dashboard/")
    assert status == 200 and url == f"{b}/dashboard/"
    assert "Log out" in page


def test_rate_limit_counts_add_up_across_servers(servers, certificate):
    a, b = servers
    url = f"/api/v1/certificates/{certificate.display_code}"
    client = Browser()
    statuses = [client.request((a if n % 2 else b) + url)[0] for n in range(5)]
    assert statuses == [200] * 5
    status, headers, body, _ = client.request(a + url)
    assert status == 429 and int(headers["Retry-After"]) >= 1 and "detail" in body


def test_a_page_kept_by_one_server_is_served_by_the_other(servers, course):
    a, b = servers
    # Behind the load balancer both servers see the site's public host name.
    host = {"Host": "ce.example.org"}
    visitor = Browser()
    for _ in range(3):  # a fresh site's first view may create its settings row (a change)
        status, headers, _, _ = visitor.request(a + course.url, headers=host)
    assert status == 200 and headers["X-Page-Cache"] == "hit"
    status, headers, _, _ = Browser().request(b + course.url, headers=host)
    assert status == 200 and headers["X-Page-Cache"] == "hit"


def test_a_publish_shows_on_every_server_within_a_second(servers, course, learner, settings):
    """Each server keeps routes and page copies in its own memory and module parts in Redis
    (cms/kept.py) under the content generation, which lives in Redis: a publish anywhere
    moves it on, and each server reads it again after GENERATION_RECHECK_SECONDS (decision
    0205)."""
    a, b = servers
    module = ModulePage.objects.child_of(course).first()
    reader = Browser()
    reader.post_form(f"{b}/accounts/login/", {"username": learner.email, "password": PASSWORD})
    for _ in range(4):  # both workers of B render and keep the module's parts
        status, _, page, _ = reader.request(b + module.url)
        assert status == 200 and module.summary in page and "Log out" in page
    redis_url = f"{require_redis().rsplit('/', 1)[0]}/{REDIS_DB}"
    with override_settings(CACHES=redis_cache_settings(redis_url, prefix="nmt")):
        module.summary = "A summary published through another server."
        module.save_revision().publish()  # the signals an editor's publish sends, on any server
    time.sleep(settings.GENERATION_RECHECK_SECONDS + 0.1)  # the servers run the same settings
    for server in (a, b):
        for _ in range(4):
            status, _, page, _ = reader.request(server + module.url)
            assert status == 200 and "A summary published through another server." in page


def test_a_revocation_through_one_server_shows_on_the_other(servers, certificate, admin_user):
    a, b = servers
    api = f"/api/v1/certificates/{certificate.display_code}"
    assert '"status": "valid"' in Browser().request(b + api)[2]  # B keeps a copy
    admin = Browser()
    admin.post_form(f"{a}/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    status, _, page, _ = admin.post_form(
        f"{a}/admin/certificates/{certificate.pk}/", {"reason": "Issued to the wrong person."}
    )
    assert status == 200 and "revoked" in page
    status, _, body, _ = Browser().request(b + api)
    assert status == 200 and '"status": "revoked"' in body


def test_lookups_answered_by_both_servers_show_in_the_log(servers, admin_user):
    """Each server writes its lookups to the table as it answers them (certificates/audit.py),
    so the audit-log screen on either server shows them all."""
    from certificates.models import VerificationLog

    a, b = servers
    codes = ["ABCD-EFGH-JKMN-PQR2", "ABCD-EFGH-JKMN-PQR3"]
    for server, code in zip((a, b), codes, strict=True):
        assert Browser().request(f"{server}/api/v1/certificates/{code}")[0] == 404
    assert VerificationLog.objects.filter(code__in=codes).count() == 2  # written at once
    admin = Browser()
    admin.post_form(f"{a}/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    status, _, page, _ = admin.request(f"{a}/admin/certificates/audit-log/")
    assert status == 200 and all(code in page for code in codes)
    assert VerificationLog.objects.filter(code__in=codes, result="not_found").count() == 2


def test_the_api_docs_load_their_collected_static_files(servers, tmp_path):
    """With production settings Swagger UI's files (ninja's) are collected with the rest under
    hashed names (ManifestStaticFilesStorage), and the docs page names those: it needs no
    CDN and nothing the Content Security Policy refuses."""
    status, headers, page, _ = Browser().request(servers[0] + "/api/v1/docs")
    assert status == 200
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "cdn" not in page.lower()
    names = re.findall(r'(?:src|href)="/static/(ninja/[^"]+)"', page)
    assert {re.sub(r"\.[0-9a-f]{12}\.", ".", name) for name in names} >= {
        "ninja/swagger-ui.css",
        "ninja/swagger-ui-bundle.js",
        "ninja/swagger-ui-init.js",
    }
    for name in names:
        assert re.search(r"\.[0-9a-f]{12}\.", name), name
        assert (tmp_path / "static" / name).is_file(), name
