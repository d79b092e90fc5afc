"""GET /api/v1/certificates/{code}: the caller is counted together with the certificate read
(one round trip to Redis, decision 0209), and the facts it answers with, sent without a
second validation per request, are what the published OpenAPI document promises."""

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

import pytest
import schemathesis

from certificates.issuing import revoke_certificate
from certificates.models import VerificationLog
from cms.wsgi import application
from tests.services import redis_cache_settings, redis_round_trips, require_redis

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def lookup(code):
    """The published operation, called in process, its answer checked against the document
    by Schemathesis: status, content type and body schema."""
    case = schema["/api/v1/certificates/{code}"]["GET"].Case(path_parameters={"code": code})
    response = case.call()
    case.validate_response(response)
    return response


@pytest.mark.parametrize("revoked", [False, True])
def test_the_answer_is_what_the_openapi_document_promises(
    certificate, admin_user, revoked, connection_kept_across_requests
):
    if revoked:
        revoke_certificate(certificate, admin_user, "Issued in error")
    for _ in range(2):  # built from the certificate, then the kept facts
        body = lookup(certificate.code).json()
        assert body["code"] == certificate.display_code
        assert body["status"] == ("revoked" if revoked else "valid")
        assert ("revocation_reason" in body) is revoked


def test_a_malformed_code_counts_against_the_limit(client, db, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 2
    statuses = [client.get("/api/v1/certificates/not-a-code").status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


def test_a_refused_lookup_reads_nothing_and_logs_nothing(client, certificate, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 1
    assert client.get(f"/api/v1/certificates/{certificate.code}").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        refused = client.get(f"/api/v1/certificates/{certificate.code}")
    assert refused.status_code == 429 and "Too many requests" in refused.json()["detail"]
    assert len(queries) == 0
    assert VerificationLog.objects.count() == 1


def test_with_redis_a_kept_lookup_is_one_round_trip_and_one_statement(client, certificate):
    url = f"/api/v1/certificates/{certificate.code}"
    with override_settings(CACHES=redis_cache_settings(require_redis())):
        assert client.get(url).status_code == 200  # keeps the facts
        with redis_round_trips() as sent, CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        cache.clear()
    assert response.status_code == 200 and response.json()["code"] == certificate.display_code
    assert len(sent) == 1  # the count and the facts, pipelined
    assert len(queries) == 1 and "INSERT INTO" in queries[0]["sql"]  # the log row
