"""Abuse limits: login lockout (django-axes), rate limits on sign-up, password reset and the
verify page, shared through Redis, and what happens when Redis is down."""

from datetime import timedelta

from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import pytest
from axes.models import AccessAttempt

from accounts.models import User
from cms.ratelimit import hit
from tests.factories import UserFactory
from tests.services import UNREACHABLE_REDIS_URL, redis_cache_settings, require_redis

LOGIN = reverse("accounts:login")
SIGNUP = reverse("accounts:signup")
RESET = reverse("accounts:password_reset")
PASSWORD = "a-long-password-1"


def signup_data(n):
    return {
        "email": f"new{n}@example.com",
        "legal_name": f"New Learner {n}",
        "licence_number": f"MA{60000 + n}",
        "licence_state": "Florida",
        "ncbtmb_number": "",
        "password1": "kneading-knots-2026",
        "password2": "kneading-knots-2026",
    }


def fail_login(client, email, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": "wrong-password"}, REMOTE_ADDR=ip)


@pytest.fixture
def member(db):
    return UserFactory(email="member@example.com", password=PASSWORD)


def test_an_account_locks_after_five_failures_even_from_many_addresses(client, member):
    for n in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert fail_login(client, member.email, ip=f"10.0.1.{n}").status_code == 400
    locked = fail_login(client, member.email.upper(), ip="10.0.1.99")  # same account
    assert locked.status_code == 429
    # Now even the right password, from a fresh address, is refused, and nobody signs in.
    right = client.post(
        LOGIN, {"username": member.email, "password": PASSWORD}, REMOTE_ADDR="10.0.2.1"
    )
    assert right.status_code == 429
    assert int(right["Retry-After"]) == 15 * 60
    assert b"Sign-in paused" in right.content
    assert "_auth_user_id" not in client.session


def test_an_address_locks_after_five_failures_across_accounts(client, member):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        fail_login(client, f"nobody{n}@example.com", ip="10.0.3.3")
    refused = client.post(
        LOGIN, {"username": member.email, "password": PASSWORD}, REMOTE_ADDR="10.0.3.3"
    )
    assert refused.status_code == 429
    # Another address is not affected.
    allowed = client.post(
        LOGIN, {"username": member.email, "password": PASSWORD}, REMOTE_ADDR="10.0.3.4"
    )
    assert allowed.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, member):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        fail_login(client, member.email)
    assert AccessAttempt.objects.exists()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    ok = client.post(
        LOGIN, {"username": member.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert ok.status_code == 302


def test_the_wagtail_admin_login_is_locked_too(client, admin_user):
    url = reverse("wagtailadmin_login")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(
            url, {"username": admin_user.email, "password": "nope"}, REMOTE_ADDR="10.9.9.9"
        )
    response = client.post(
        url, {"username": admin_user.email, "password": "nope"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429


def test_guesses_per_account_per_hour_stay_well_under_a_hundred():
    cool_off_hours = django_settings.AXES_COOLOFF_TIME.total_seconds() / 3600
    guesses_per_hour = django_settings.AXES_FAILURE_LIMIT / cool_off_hours
    assert guesses_per_hour <= 20


def test_sign_up_is_limited_per_address_and_the_refusal_changes_nothing(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (3, 3600)}
    for n in range(3):
        assert client.post(SIGNUP, signup_data(n), REMOTE_ADDR="10.1.0.1").status_code == 302
        client.logout()
    refused = client.post(SIGNUP, signup_data(99), REMOTE_ADDR="10.1.0.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert b"Please try again in" in refused.content
    assert not User.objects.filter(email="new99@example.com").exists()
    # Reading the form is not limited, and another address may still sign up.
    assert client.get(SIGNUP, REMOTE_ADDR="10.1.0.1").status_code == 200
    assert client.post(SIGNUP, signup_data(100), REMOTE_ADDR="10.1.0.2").status_code == 302


def test_password_reset_is_limited_per_address(client, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 3600)}
    for _ in range(2):
        client.post(RESET, {"email": "someone@example.com"}, REMOTE_ADDR="10.2.0.1")
    refused = client.post(RESET, {"email": member.email}, REMOTE_ADDR="10.2.0.1")
    assert refused.status_code == 429
    assert mail.outbox == []


def test_password_reset_emails_to_one_address_are_capped_whoever_asks(client, member, settings):
    limit = settings.RATE_LIMITS["password_reset_email"][0]
    for n in range(limit + 2):
        response = client.post(RESET, {"email": member.email.upper()}, REMOTE_ADDR=f"10.3.0.{n}")
        # The page never tells whether an email went out.
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == limit


def test_the_verify_page_is_limited_per_address(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify_page": (2, 60)}
    url = reverse("certificates:verify_code", args=["ABCD-EFGH-JKMN-PQRS"])
    assert client.get(url, REMOTE_ADDR="10.4.0.1").status_code == 404
    assert client.get(url, REMOTE_ADDR="10.4.0.1").status_code == 404
    refused = client.get(url, REMOTE_ADDR="10.4.0.1")
    assert refused.status_code == 429 and "Retry-After" in refused
    assert client.get(url, REMOTE_ADDR="10.4.0.2").status_code == 404


def test_limits_are_shared_by_every_app_server_through_redis(db):
    """Two app servers are two cache clients of the same Redis: counts add up."""
    url = require_redis()
    config = redis_cache_settings(url)
    with override_settings(CACHES=config):
        server_a = caches.create_connection("default")
        server_b = caches.create_connection("default")
        assert server_a is not server_b
        for _ in range(3):
            assert hit("shared", 5, window=60, now=1000.0).allowed
        # the same counter, read through another client
        assert server_b.get("ratelimit:shared:960") == 3
        server_a.incr("ratelimit:shared:960", 2)
        assert not hit("shared", 5, window=60, now=1000.0).allowed
        caches["default"].clear()


@override_settings(CACHES=redis_cache_settings(UNREACHABLE_REDIS_URL))
def test_with_redis_down_forms_work_pages_serve_and_the_lockout_holds(client, member, home):
    # The rate-limited forms still work (limits count per process meanwhile)...
    assert client.post(SIGNUP, signup_data(7), REMOTE_ADDR="10.5.0.1").status_code == 302
    client.logout()
    verify = reverse("certificates:verify_code", args=["ABCD-EFGH-JKMN-PQRS"])
    assert client.get(verify).status_code == 404
    # ...pages are served...
    assert client.get("/").status_code == 200
    # ...and the login lockout, kept in the database, still holds.
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        fail_login(client, member.email, ip="10.5.0.2")
    locked = client.post(
        LOGIN, {"username": member.email, "password": PASSWORD}, REMOTE_ADDR="10.5.0.3"
    )
    assert locked.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged entry on the left is skipped
        (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer entries than proxies: not trusted
        (1, "garbage", ""),  # not an address (the request went around the proxy)
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    from django.test import RequestFactory

    from cms.ratelimit import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == expected


def test_a_forwarded_address_that_is_not_one_still_gets_the_login_form(client, member, settings):
    """Behind a proxy, a request that went around it can send any X-Forwarded-For; the
    lockout records the failure without an address instead of failing (a 500 on
    PostgreSQL, whose address column refuses such text)."""
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        LOGIN,
        {"username": member.email, "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR="garbage",
    )
    assert response.status_code == 400  # the form's refusal, as for any wrong password
    assert AccessAttempt.objects.get().failures_since_start == 1
