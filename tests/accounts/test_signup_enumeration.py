"""Sign-up tells nobody whether an address already has an account (issue 18, defect 8)."""

import re

from django.core import mail
from django.urls import reverse

import pytest

from accounts.models import User
from tests.accounts.test_account_flows import GOOD, SIGNUP
from tests.factories import UserFactory

SENT = reverse("accounts:signup_sent")


@pytest.fixture
def owner(db):
    return UserFactory(email="therapist@example.com", legal_name="Original Owner")


def outcome(response):
    """What a stranger sees of a sign-up: status, where it leads, and that page's text."""
    assert response.status_code == 302
    return response.status_code, response.url


def test_a_taken_address_looks_like_a_new_account(client, owner):
    taken = client.post(SIGNUP, {**GOOD, "email": "Therapist@Example.com"})
    new = client.post(SIGNUP, {**GOOD, "email": "someone.new@example.com"})
    assert outcome(taken) == outcome(new) == (302, SENT)
    assert "_auth_user_id" not in client.session  # neither signs in
    assert client.get(taken.url).text == client.get(new.url).text
    # One email to each address: a notice to the owner, a confirmation link to the new one.
    assert [message.to for message in mail.outbox] == [
        ["therapist@example.com"],
        ["someone.new@example.com"],
    ]


def test_a_taken_address_creates_and_changes_nothing(client, owner):
    before = User.objects.values().get(pk=owner.pk)
    client.post(SIGNUP, {**GOOD, "email": owner.email.upper(), "password1": "new-pass-word-2026"})
    assert User.objects.count() == 1
    assert User.objects.values().get(pk=owner.pk) == before


def test_the_owner_is_told_how_to_sign_in_or_reset(client, owner):
    client.post(SIGNUP, {**GOOD, "email": owner.email})
    (notice,) = mail.outbox
    assert "already have an account" in notice.subject
    assert "tried to create an account" in notice.body
    assert reverse("accounts:login") in notice.body
    assert reverse("accounts:password_reset") in notice.body
    assert "tried to create an account" in notice.alternatives[0][0]


def test_notices_to_one_address_are_capped(client, owner, settings):
    limit = settings.RATE_LIMITS["signup_notice"][0]
    for n in range(limit + 3):
        response = client.post(SIGNUP, {**GOOD, "email": owner.email}, REMOTE_ADDR=f"10.5.0.{n}")
        assert response.url == SENT
    assert len(mail.outbox) == limit


def test_a_new_account_is_made_signed_out_and_its_link_signs_in(client, db):
    response = client.post(SIGNUP, GOOD)
    assert response.url == SENT
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="therapist@example.com")
    assert user.email_confirmed_at is None
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group()
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirmed = client.post("/" + path)
    assert confirmed.url == "/dashboard/"
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    # Used again, the link confirms nothing new and signs nobody in.
    client.logout()
    again = client.post("/" + path)
    assert again.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_the_sent_page_keeps_a_safe_next_page_only(client, db):
    response = client.post(SIGNUP, {**GOOD, "next": "/courses/"})
    assert response.url == f"{SENT}?next=%2Fcourses%2F"
    assert 'href="/accounts/login/?next=/courses/"' in client.get(response.url).text
    response = client.post(
        SIGNUP, {**GOOD, "email": "other@example.com", "next": "https://evil.example/"}
    )
    assert response.url == SENT
