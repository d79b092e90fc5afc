import re

from django.core import mail
from django.urls import reverse

import pytest

from accounts.models import User
from cms.settings import base as base_settings

SIGNUP = "/accounts/signup/"
GOOD = {
    "email": "Therapist@Example.com",
    "legal_name": "Jordan  Q.  Rivera",
    "licence_number": "MA60123",
    "licence_state": "Florida",
    "ncbtmb_number": "",
    "password1": "kneading-knots-2026",
    "password2": "kneading-knots-2026",
}


def test_production_hashing_puts_argon2_first():
    assert base_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_signup_creates_the_account_signed_out(client, db):
    """Sign-up signs nobody in (issue 18: a taken address must look the same); the emailed
    link does (tests/accounts/test_signup_enumeration.py)."""
    response = client.post(SIGNUP, GOOD)
    assert response.status_code == 302
    assert response.url == "/accounts/signup/sent/"
    user = User.objects.get()
    assert user.email == "therapist@example.com"
    assert user.legal_name == "Jordan Q. Rivera"
    assert (user.licence_number, user.licence_state) == ("MA60123", "Florida")
    assert user.check_password("kneading-knots-2026")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password1": "short", "password2": "short"}, "password1", "at least 12 characters"),
        ({"password2": "different-password-99"}, "password2", "two passwords differ"),
        ({"password1": "123456789012345", "password2": "123456789012345"}, "password1", "numeric"),
        ({"legal_name": "   "}, "legal_name", "legal name"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"licence_state": ""}, "licence_state", "state or jurisdiction"),
        ({"licence_number": ""}, "licence_number", "licence number"),
    ],
)
def test_bad_signups_say_what_is_wrong_and_save_nothing(client, db, changes, field, message):
    response = client.post(SIGNUP, {**GOOD, **changes})
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message.lower() in error.lower() for error in errors), errors
    assert f'id="id_{field}_error"' in response.text
    assert not User.objects.exists()


def test_signup_with_an_email_already_used_creates_nothing(client, db):
    User.objects.create_user("therapist@example.com", "x" * 12)
    response = client.post(SIGNUP, {**GOOD, "email": "Therapist@Example.com"})
    assert response.status_code == 302  # as for a new address (test_signup_enumeration.py)
    assert "already exists" not in client.get(response.url).text
    assert User.objects.count() == 1


def test_login_by_email_any_case_and_back_to_next(client, learner):
    response = client.post(
        "/accounts/login/",
        {
            "username": learner.email.upper(),
            "password": "correct-horse-battery",
            "next": "/courses/",
        },
    )
    assert response.status_code == 302
    assert response.url == "/courses/"


def test_login_with_a_wrong_password_says_so(client, learner):
    response = client.post(
        "/accounts/login/", {"username": learner.email, "password": "wrong-password-here"}
    )
    assert response.status_code == 400
    assert "don&#x27;t match an account" in response.text
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(client, learner):
    client.force_login(learner)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, learner):
    response = client.post("/accounts/password-reset/", {"email": learner.email.upper()})
    assert response.url == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "fresh-start-password", "new_password2": "fresh-start-password"},
    )
    assert response.url == "/accounts/password-reset/done/"
    learner.refresh_from_db()
    assert learner.check_password("fresh-start-password")


def test_password_reset_for_an_unknown_email_reveals_nothing(client, db):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response.url == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_profile_edit_saves_and_validates(client, learner):
    client.force_login(learner)
    data = {
        "email": learner.email,
        "legal_name": "Sam Legal",
        "licence_number": "",
        "licence_state": "",
        "ncbtmb_number": "998877",
    }
    assert client.post("/accounts/profile/", data).status_code == 302
    learner.refresh_from_db()
    assert (learner.legal_name, learner.ncbtmb_number) == ("Sam Legal", "998877")
    User.objects.create_user("taken@example.com", "x" * 12)
    response = client.post("/accounts/profile/", {**data, "email": "TAKEN@example.com"})
    assert response.status_code == 400
    learner.refresh_from_db()
    assert learner.email != "taken@example.com"


def test_profile_needs_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_closing_an_account_removes_personal_data_and_keeps_records(client, learner, course):
    from courses.enrollment import enroll
    from courses.models import Enrollment

    enroll(learner, course)
    client.force_login(learner)
    url = reverse("accounts:delete_account")
    response = client.post(url, {"password": "wrong-password", "confirm": "on"})
    assert response.status_code == 400
    assert User.objects.get(pk=learner.pk).is_active

    response = client.post(url, {"password": "correct-horse-battery", "confirm": "on"})
    assert response.status_code == 302
    closed = User.objects.get(pk=learner.pk)
    assert not closed.is_active and closed.closed_at
    assert closed.legal_name == closed.licence_number == closed.first_name == ""
    assert closed.email.endswith("@closed.invalid")
    assert not closed.has_usable_password()
    assert Enrollment.objects.filter(user=closed).count() == 1
    assert "_auth_user_id" not in client.session
    # The address is free to sign up again as a new person.
    assert client.post(SIGNUP, {**GOOD, "email": learner.email}).status_code == 302
