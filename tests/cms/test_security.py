"""Security headers: a strict CSP on public pages, a looser one the Wagtail admin needs,
framing rules, and the production settings that `check --deploy` approves."""

import json
import re

from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

import pytest
from csp.utils import build_policy

from cms.security import SiteCSPMiddleware
from courses.enrollment import enroll
from courses.models import ModulePage
from tests.processes import PRODUCTION_ENV, run_python


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


def test_public_pages_get_the_strict_policy(client, course):
    response = client.get(course.url)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_admin_gets_the_policy_it_needs_and_may_frame_its_previews(admin_client, course):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_each_policy_is_django_csps_reading_of_the_settings(client, admin_client, course, rf):
    """The header strings are built once per process from the settings by django-csp: a
    changed setting shows in a new process (a new test client), a report-only policy is sent
    when one is configured, and a response that set its own policy keeps it."""
    assert client.get(course.url)["Content-Security-Policy"] == build_policy()
    admin_policy = build_policy(config=settings.ADMIN_CONTENT_SECURITY_POLICY)
    admin_page = admin_client.get(reverse("wagtailadmin_home"))
    assert admin_page["Content-Security-Policy"] == admin_policy
    assert "Content-Security-Policy-Report-Only" not in admin_page

    report_only = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-reports/"}}
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
        response = Client().get(course.url)
    assert response["Content-Security-Policy-Report-Only"] == (
        "default-src 'self'; report-uri /csp-reports/"
    )
    assert response["Content-Security-Policy"] == build_policy()

    def own_policy(request):
        return HttpResponse(headers={"Content-Security-Policy": "sandbox"})

    response = SiteCSPMiddleware(own_policy)(rf.get("/"))
    assert response["Content-Security-Policy"] == "sandbox"


def inline_code(html):
    """Inline <script> bodies and style attributes: what the strict policy blocks."""
    scripts = [
        body
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
        if "src=" not in attrs and "application/json" not in attrs and body.strip()
    ]
    styles = re.findall(r"\sstyle=\"[^\"]*\"", html)
    return scripts + styles


def test_public_pages_hold_no_inline_script_or_style(client, course, learner):
    module = ModulePage.objects.child_of(course).first()
    anonymous = ["/", "/courses/", course.url, module.url, "/search/?q=muscle", "/verify/"]
    anonymous += [reverse("accounts:login"), reverse("accounts:signup")]
    for url in anonymous:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.text) == [], url
    enroll(learner, course)
    client.force_login(learner)
    for url in [course.url, module.url, "/dashboard/", reverse("accounts:profile")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.text) == [], url


def test_check_deploy_with_production_settings_reports_nothing(tmp_path):
    result = run_python(
        "",
        {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        args=("manage.py", "check", "--deploy", "--fail-level", "DEBUG"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


PRODUCTION_REQUESTS = """
import django, json
django.setup()
from django.test import Client
client = Client()
plain = client.get(PLAIN_PATH, HTTP_HOST="ce.example.org")
health = client.get("/healthz", HTTP_HOST="ce.example.org")
secure = client.get("/healthz", HTTP_HOST="ce.example.org", secure=True)
from django.conf import settings
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "health": health.status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "redirect": settings.SECURE_SSL_REDIRECT,
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
                settings.SESSION_COOKIE_HTTPONLY],
}))
"""


def test_production_redirects_to_https_sends_hsts_and_secures_cookies(tmp_path):
    result = run_python(
        'PLAIN_PATH = "/courses/"\n' + PRODUCTION_REQUESTS,
        {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://ce.example.org/courses/"]
    assert seen["health"] == 200  # load balancers probe over plain HTTP
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["cookies"] == [True, True, True]


@pytest.mark.parametrize("debug", ["true", "false"])
def test_local_http_without_https_keeps_cookies_usable(tmp_path, debug):
    env = {**PRODUCTION_ENV, "DEBUG": debug, "HTTPS": "false"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = run_python('PLAIN_PATH = "/healthz"\n' + PRODUCTION_REQUESTS, env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["redirect"] is False and seen["hsts"] is None
    assert seen["cookies"][:2] == [False, False]
