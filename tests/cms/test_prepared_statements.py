"""On PostgreSQL, query parameters are bound by the server and the statements a connection
repeats are prepared, so PostgreSQL parses and plans them once (decision 0208)."""

from django.db import connection

import pytest

from accounts.models import User
from tests.concurrency import needs_postgresql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def prepared(text):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{text}%"],
        )
        return cursor.fetchone()[0]


def test_a_statement_run_five_times_is_prepared_by_the_server():
    needs_postgresql()
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    user = UserFactory()
    marker = "accounts_user"
    before = prepared(marker)
    for _ in range(6):
        assert User.objects.filter(pk=user.pk, email=user.email).exists()
    assert prepared(marker) > before
