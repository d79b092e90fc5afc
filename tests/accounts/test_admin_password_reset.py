"""Wagtail's admin password reset obeys the site's limits and mails admin users only
(issue 18, defect 1)."""

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

import pytest

from accounts.forms import AdminPasswordResetForm
from courses.roles import INSTRUCTORS
from tests.factories import UserFactory

ADMIN_RESET = "/admin/password_reset/"
SITE_RESET = reverse("accounts:password_reset")


@pytest.fixture
def editor(catalog):
    user = UserFactory(email="editor@example.com")
    user.groups.add(Group.objects.get(name=INSTRUCTORS))
    return user


def test_the_admin_reset_is_ours(client, db):
    assert reverse("wagtailadmin_password_reset") == ADMIN_RESET
    assert client.get(ADMIN_RESET).status_code == 200


def test_admin_reset_emails_to_one_address_are_capped_whoever_asks(client, editor, settings):
    limit = settings.RATE_LIMITS["password_reset_email"][0]
    for n in range(limit + 11):  # the probe sent 14
        response = client.post(ADMIN_RESET, {"email": editor.email}, REMOTE_ADDR=f"10.7.0.{n}")
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_password_reset_done")
    assert len(mail.outbox) == limit
    assert mail.outbox[0].to == [editor.email]


def test_the_cap_is_shared_with_the_sites_form(client, editor, settings):
    limit = settings.RATE_LIMITS["password_reset_email"][0]
    for n in range(limit):
        client.post(SITE_RESET, {"email": editor.email}, REMOTE_ADDR=f"10.8.0.{n}")
    client.post(ADMIN_RESET, {"email": editor.email.upper()}, REMOTE_ADDR="10.8.1.1")
    assert len(mail.outbox) == limit


def test_admin_reset_requests_are_limited_per_client_address(client, editor, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 3600)}
    for _ in range(2):
        client.post(ADMIN_RESET, {"email": "someone@example.com"}, REMOTE_ADDR="10.9.0.1")
    refused = client.post(ADMIN_RESET, {"email": editor.email}, REMOTE_ADDR="10.9.0.1")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert mail.outbox == []


def test_the_admin_reset_does_not_mail_learners(client, learner, editor, admin_user):
    response = client.post(ADMIN_RESET, {"email": learner.email})
    # The same answer as for an admin user: it tells nobody who has an account.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_password_reset_done")
    assert mail.outbox == []
    client.post(ADMIN_RESET, {"email": editor.email})
    client.post(ADMIN_RESET, {"email": admin_user.email})
    assert [message.to for message in mail.outbox] == [[editor.email], [admin_user.email]]


def test_the_form_offers_admin_users_only(learner, editor, admin_user):
    form = AdminPasswordResetForm()
    assert list(form.get_users(learner.email)) == []
    assert list(form.get_users(editor.email)) == [editor]
    assert list(form.get_users(admin_user.email)) == [admin_user]


def test_learners_still_reset_on_the_site(client, learner):
    client.post(SITE_RESET, {"email": learner.email})
    assert [message.to for message in mail.outbox] == [[learner.email]]
