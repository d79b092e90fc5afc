from django.contrib.auth import authenticate
from django.db import IntegrityError
from django.test import RequestFactory
from django.urls import reverse

import pytest

from accounts.models import User


def test_email_is_the_login_and_case_does_not_matter(db):
    user = User.objects.create_user("Therapist@Example.com", "a-long-password-1", legal_name="T")
    assert user.email == "therapist@example.com"
    request = RequestFactory().post("/accounts/login/")
    assert (
        authenticate(request, username="THERAPIST@example.com", password="a-long-password-1")
        == user
    )


def test_emails_are_unique_whatever_their_case(db):
    User.objects.create_user("a@example.com", "pw-123456789012")
    with pytest.raises(IntegrityError):
        User.objects.create(email="A@EXAMPLE.COM")


def test_legal_name_is_the_full_name():
    user = User(email="x@example.com", legal_name="Maria José Alvarez", first_name="Maria")
    assert user.get_full_name() == "Maria José Alvarez"
    assert user.get_short_name() == "Maria"


def test_superuser_has_admin_rights(db):
    admin = User.objects.create_superuser("root@example.com", "pw-123456789012")
    assert admin.is_staff and admin.is_superuser


def test_admin_can_create_a_user_with_legal_name_and_licence(client, admin_user):
    client.force_login(admin_user)
    url = reverse("wagtailusers_users:add")
    assert "legal_name" in client.get(url).text
    response = client.post(
        url,
        {
            "email": "new.therapist@example.com",
            "first_name": "New",
            "last_name": "Therapist",
            "legal_name": "New Q. Therapist",
            "licence_number": "MA12345",
            "licence_state": "Florida",
            "ncbtmb_number": "123456",
            "password1": "a-very-long-password-2026",
            "password2": "a-very-long-password-2026",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    user = User.objects.get(email="new.therapist@example.com")
    assert (user.legal_name, user.licence_number, user.licence_state) == (
        "New Q. Therapist",
        "MA12345",
        "Florida",
    )


def test_admin_user_form_refuses_a_short_password(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "short@example.com",
            "first_name": "S",
            "last_name": "P",
            "password1": "short",
            "password2": "short",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
    assert not User.objects.filter(email="short@example.com").exists()
