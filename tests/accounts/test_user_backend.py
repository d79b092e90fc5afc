"""accounts.backends.UserBackend: each signed-in request reads its user with one statement
written in SQL, and keeps ModelBackend's rules (inactive or deleted users are signed out, a
password change ends other sessions)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.backends import user_sql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_a_signed_in_request_reads_its_user_in_one_sql_statement(client, member):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert response.wsgi_request.user == member
    assert response.wsgi_request.user.email == member.email
    reads = [q["sql"] for q in queries if "accounts_user" in q["sql"]]
    assert reads[0] == user_sql() % member.pk


def test_an_account_made_inactive_is_signed_out(client, member):
    member.is_active = False
    member.save()
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_deleted_account_is_signed_out(client, member):
    member.delete()
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_password_change_ends_the_other_sessions(client, member):
    member.set_password("a brand new passphrase 2026")
    member.save()
    response = client.get("/accounts/profile/")
    assert not response.wsgi_request.user.is_authenticated


def test_signing_in_with_the_form_uses_this_backend(client):
    user = UserFactory()
    user.set_password("correct horse battery 2026")
    user.save()
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": "correct horse battery 2026"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "accounts.backends.UserBackend"
