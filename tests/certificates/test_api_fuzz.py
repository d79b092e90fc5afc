"""Schemathesis, in-process, against the API's own OpenAPI document: no server errors."""

from django.core.cache import cache

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from cms.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 10**9
    cache.clear()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_never_fails_on_any_input(case):
    response = case.call()
    assert response.status_code < 500, response.text
    assert response.headers["content-type"][0].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert body.get("detail"), body
