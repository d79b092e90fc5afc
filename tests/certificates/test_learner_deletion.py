"""An administrator deleting a learner in the Wagtail admin keeps the records the provider
must keep for six years: the account is closed and anonymised instead."""

from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from accounts.models import User
from certificates.models import Certificate
from quizzes.models import CourseCompletion
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_deleting_a_learner_with_records_closes_the_account_and_keeps_them(
    admin_client, certificate, learner
):
    email = learner.email
    response = admin_client.post(reverse("wagtailusers_users:delete", args=[learner.pk]))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.closed_at and not learner.is_active and learner.email != email
    assert Certificate.objects.filter(user=learner).count() == 1
    assert CourseCompletion.objects.filter(enrollment__user=learner).count() == 1
    entry = ModelLogEntry.objects.get(action="nmt.account.close")
    assert entry.object_id == str(learner.pk)


def test_deleting_a_user_without_records_deletes_them(admin_client, db):
    stray = UserFactory(email="typo@example.com")
    response = admin_client.post(reverse("wagtailusers_users:delete", args=[stray.pk]))
    assert response.status_code == 302
    assert not User.objects.filter(pk=stray.pk).exists()


def test_bulk_delete_keeps_records_too(admin_client, certificate, learner):
    stray = UserFactory(email="typo@example.com")
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "delete"])
    response = admin_client.post(f"{url}?id={learner.pk}&id={stray.pk}", {"next": "/admin/users/"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=stray.pk).exists()
    learner.refresh_from_db()
    assert learner.closed_at is not None
    assert Certificate.objects.filter(user=learner).exists()


def test_the_confirmation_page_still_shows(admin_client, certificate, learner):
    response = admin_client.get(reverse("wagtailusers_users:delete", args=[learner.pk]))
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.closed_at is None
