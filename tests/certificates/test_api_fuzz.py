"""Schemathesis, in-process, against the API's own OpenAPI document: no server errors.

Schemathesis makes one test per operation in the document; the last test checks that each of
them was tried with at least MAX_EXAMPLES cases and prints the number of cases
(docs/reliability.md records it).
"""

from django.core.cache import cache

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from cms.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
MAX_EXAMPLES = 100  # generated per operation; Schemathesis adds its coverage cases
CASES = {}  # operation label -> the status of each response, over this run


@pytest.fixture(autouse=True)
def in_process(settings, connection_kept_across_requests):
    """No rate limit, and the test's database connection kept open across requests."""
    settings.API_RATE_LIMIT_ANONYMOUS = 10**9
    cache.clear()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_never_fails_on_any_input(case):
    response = case.call()
    CASES.setdefault(case.operation.label, []).append(response.status_code)
    assert response.status_code < 500, response.text
    assert response.headers["content-type"][0].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert body.get("detail"), body


def test_every_operation_got_its_cases_and_none_failed(request, capsys):
    """Over the run: each operation fuzzed above was tried in full, with no server error."""
    items = request.session.items
    ran = {
        item.operation_label
        for item in items[: items.index(request.node)]
        if item.originalname == "test_api_never_fails_on_any_input"
    }
    if not ran:
        pytest.skip("the API fuzz test did not run before this test")
    assert set(CASES) == ran
    too_few = {label: len(s) for label, s in CASES.items() if len(s) < MAX_EXAMPLES}
    assert not too_few
    server_errors = {label: s for label, s in CASES.items() if any(code >= 500 for code in s)}
    assert not server_errors
    total = sum(len(statuses) for statuses in CASES.values())
    with capsys.disabled():
        print(f"\nSchemathesis cases tried on the API: {total} ({len(ran)} operations)")
