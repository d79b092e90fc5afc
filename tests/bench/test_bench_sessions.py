"""The benchmark's signed-in sessions (bench/server.py Sessions) hold what signing in through
the login form leaves in a session, so the bench's signed-in pages do the work a real
learner's do (a missing flag once cost every bench page a failed template lookup)."""

from importlib import import_module

from django.conf import settings

import pytest

from bench.server import Sessions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_bench_session_holds_the_keys_and_values_a_real_sign_in_leaves(client):
    learner = UserFactory()
    client.post(
        "/accounts/login/", {"username": learner.email, "password": "correct-horse-battery"}
    )
    signed_in = dict(client.session.items())

    sessions = Sessions()
    cookie, _token = sessions.cookie(learner)
    key = cookie.split(";")[0].split("=", 1)[1]
    bench = dict(import_module(settings.SESSION_ENGINE).SessionStore(session_key=key).items())
    sessions.delete_all()

    assert bench.keys() == signed_in.keys()
    for name, value in signed_in.items():
        if not name.endswith("_at"):  # the sign-in times differ by the test's own runtime
            assert bench[name] == value, name
