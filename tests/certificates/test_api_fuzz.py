"""Schemathesis, in-process, against the API's own OpenAPI document: no server errors."""

from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from cms.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CASES = {"count": 0}


@pytest.fixture(autouse=True)
def in_process(settings):
    """No rate limit, and keep the test's database connection open across requests.

    Django closes connections when a request finishes; its test client switches that off,
    and so must calls straight into the WSGI application, or the test's transaction is lost.
    """
    settings.API_RATE_LIMIT_ANONYMOUS = 10**9
    cache.clear()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_never_fails_on_any_input(case):
    CASES["count"] += 1
    response = case.call()
    assert response.status_code < 500, response.text
    assert response.headers["content-type"][0].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert body.get("detail"), body


def test_report_the_number_of_cases(capsys):
    with capsys.disabled():
        print(f"\nSchemathesis cases tried on the API: {CASES['count']}")
