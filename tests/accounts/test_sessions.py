"""Sessions end 12 hours after sign-in and after a period without activity; the reading
heartbeat counts as activity."""

import time

from django.urls import reverse

import pytest

from accounts.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from courses.enrollment import enroll
from courses.models import ModulePage
from tests.factories import UserFactory

PASSWORD = "a-long-password-1"


@pytest.fixture
def signed_in(client, db):
    user = UserFactory(email="reader@example.com", password=PASSWORD)
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return user


def shift(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_signing_in_stamps_the_session(client, signed_in):
    session = client.session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 5
    assert session[LAST_SEEN_AT] == session[SIGNED_IN_AT]


def test_a_session_ends_twelve_hours_after_sign_in_even_when_active(client, signed_in):
    shift(client, signed_in_at=12 * 3600 + 1, last_seen_at=10)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert b"12 hours have passed since you signed in" in page.content


def test_a_session_ends_after_an_hour_without_activity(client, signed_in, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 60 * 60
    shift(client, signed_in_at=3 * 3600, last_seen_at=3600 + 1)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_active_session_lives_on(client, signed_in):
    shift(client, signed_in_at=11 * 3600, last_seen_at=59 * 60)
    assert client.get("/dashboard/").status_code == 200
    assert abs(client.session[LAST_SEEN_AT] - time.time()) < 5


def test_the_reading_heartbeat_counts_as_activity(client, signed_in, course):
    enroll(signed_in, course)
    module = ModulePage.objects.child_of(course).first()
    client.get(module.url)
    shift(client, last_seen_at=50 * 60)
    response = client.post(module.url + "heartbeat/")
    assert response.status_code == 200
    assert abs(client.session[LAST_SEEN_AT] - time.time()) < 5


def test_an_expired_session_posting_changes_nothing(client, signed_in, course):
    shift(client, signed_in_at=13 * 3600)
    response = client.post(reverse("accounts:profile"), {"legal_name": "Someone Else"})
    assert response.status_code == 302
    signed_in.refresh_from_db()
    assert signed_in.legal_name != "Someone Else"


def test_the_session_cookie_itself_lasts_twelve_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


def test_the_editing_bar_shows_for_editors_only(client, home, admin_user, learner):
    for user, shown in ((admin_user, True), (learner, False)):
        user.set_password(PASSWORD)
        user.save()
        client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
        assert ("wagtail-userbar" in client.get("/").text) is shown, user
        client.post(reverse("accounts:logout"))
