"""The API's hygiene (issue 17): a bulk request looks up and logs each distinct code once,
request bodies are JSON only, guessed API keys meet the rate limit, and the OpenAPI document
says how to authenticate."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from certificates.api_keys import create_api_key, revoke_api_key
from certificates.batch_dedupe import distinct_codes
from certificates.models import VerificationLog

BULK = "/api/v1/certificates/verify"
CREDENTIAL = "/api/v1/credentials/verify"
UNKNOWN = "ABCD-EFGH-JKMN-PQRS"
KEY_SCHEMES = [{"ApiKeyBearer": []}, {"ApiKeyHeader": []}, {}]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def bulk(client, codes, **headers):
    return client.post(BULK, {"codes": codes}, content_type="application/json", **headers)


# De-duplication


def test_distinct_codes_group_texts_by_the_code_they_name():
    texts = ["abcd-efgh-jkmn-pqrs", "x", "ABCDEFGHJKMNPQRS", "x", "X", " ABCD EFGH JKMN PQRS "]
    batch = distinct_codes(texts)
    assert batch.firsts == ["abcd-efgh-jkmn-pqrs", "x", "X"]
    assert batch.positions == [0, 1, 0, 1, 2, 0]
    assert batch.spread(["a", "b", "c"]) == ["a", "b", "a", "b", "c", "a"]


def test_a_code_sent_1000_times_is_looked_up_and_logged_once(client, db):
    with CaptureQueriesContext(connection) as ctx:
        response = bulk(client, [UNKNOWN] * 1000)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 1000
    assert all(r == {**results[0], "code": UNKNOWN} for r in results)
    assert results[0]["found"] is False
    assert VerificationLog.objects.count() == 1
    lookups = [q for q in ctx.captured_queries if "certificates_certificate" in q["sql"]]
    assert len(lookups) == 1


def test_one_certificate_typed_many_ways_is_logged_once_with_one_result_each(client, certificate):
    same = [certificate.display_code, certificate.code.lower(), f" {certificate.code} "]
    codes = [same[0], "nope", same[1], UNKNOWN, same[2], "nope"]
    results = bulk(client, codes).json()["results"]
    assert [r["code"] for r in results] == codes
    assert [r["found"] for r in results] == [True, False, True, False, True, False]
    assert {r["certificate"]["code"] for r in results if r["found"]} == {certificate.display_code}
    logged = list(VerificationLog.objects.order_by("id").values_list("code", "result"))
    assert logged == [
        (certificate.display_code, "valid"),
        ("nope", "malformed"),
        (UNKNOWN, "not_found"),
    ]


# JSON bodies only

NOT_JSON = [
    ("application/x-www-form-urlencoded", f"codes={UNKNOWN}"),
    ("text/plain", f'{{"codes": ["{UNKNOWN}"]}}'),
    ("multipart/form-data; boundary=xyz", f'--xyz\r\n\r\n{{"codes": ["{UNKNOWN}"]}}\r\n'),
    ("application/jsonp", f'{{"codes": ["{UNKNOWN}"]}}'),
    ("", f'{{"codes": ["{UNKNOWN}"]}}'),
]


@pytest.mark.parametrize("url", [BULK, CREDENTIAL])
@pytest.mark.parametrize(("content_type", "body"), NOT_JSON)
def test_a_body_that_is_not_json_is_refused_with_415_and_changes_nothing(
    client, db, url, content_type, body
):
    with CaptureQueriesContext(connection) as ctx:
        response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 415
    assert response["Content-Type"].startswith("application/json")
    assert "application/json" in response.json()["detail"]
    assert len(ctx) == 0  # no lookup, no log row, no key check
    assert VerificationLog.objects.count() == 0


def test_json_with_a_charset_is_json(client, db):
    response = client.generic(
        "POST",
        BULK,
        f'{{"codes": ["{UNKNOWN}"]}}',
        content_type="Application/JSON; charset=utf-8",
    )
    assert response.status_code == 200
    assert VerificationLog.objects.count() == 1


# Guessing keys


@pytest.mark.parametrize("header", ["HTTP_X_API_KEY", "HTTP_AUTHORIZATION"])
def test_wrong_keys_count_against_the_address_and_end_in_429(client, db, settings, header):
    settings.API_RATE_LIMIT_ANONYMOUS = 3
    _, key = create_api_key("Florida Board")
    guesses = [key[:-4] + "AAAA", "nmt_00000000_guess", "nmt_x_y", key[:-4] + "BBBB"]
    if header == "HTTP_AUTHORIZATION":
        guesses = [f"Bearer {guess}" for guess in guesses]
    statuses = [
        client.get(f"/api/v1/certificates/{UNKNOWN}", **{header: guess}).status_code
        for guess in guesses
    ]
    assert statuses == [401, 401, 401, 429]
    refused = client.get(f"/api/v1/certificates/{UNKNOWN}", **{header: guesses[0]})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Too many requests" in refused.json()["detail"]
    # The same address without a key is over its limit too; the real key has its own.
    assert client.get(f"/api/v1/certificates/{UNKNOWN}").status_code == 429
    assert client.get(f"/api/v1/certificates/{UNKNOWN}", HTTP_X_API_KEY=key).status_code == 404
    assert VerificationLog.objects.count() == 1  # only the real key's lookup


def test_a_revoked_key_counts_as_a_failed_attempt(client, db, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 1
    record, key = create_api_key("Old partner")
    revoke_api_key(record)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    first = client.post(BULK, {"codes": [UNKNOWN]}, content_type="application/json", **auth)
    assert first.status_code == 401 and "revoked" in first.json()["detail"]
    second = client.post(BULK, {"codes": [UNKNOWN]}, content_type="application/json", **auth)
    assert second.status_code == 429 and second["Retry-After"]
    assert VerificationLog.objects.count() == 0


def test_a_key_in_the_x_api_key_header_gets_the_keyed_limit(client, db, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 1
    settings.API_RATE_LIMIT_KEYED = 3
    record, key = create_api_key("NCBTMB")
    statuses = [bulk(client, [UNKNOWN], HTTP_X_API_KEY=key).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert set(VerificationLog.objects.values_list("api_key", flat=True)) == {record.pk}


# The OpenAPI document


def test_openapi_names_both_key_schemes_and_allows_anonymous_calls(client, db):
    for _ in range(2):  # the document is built per request: nothing accumulates
        document = client.get("/api/v1/openapi.json").json()
        schemes = document["components"]["securitySchemes"]
        assert schemes["ApiKeyHeader"] == {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": schemes["ApiKeyHeader"]["description"],
        }
        assert schemes["ApiKeyBearer"]["type"] == "http"
        assert schemes["ApiKeyBearer"]["scheme"] == "bearer"
        operations = [
            (path, method, operation)
            for path, methods in document["paths"].items()
            for method, operation in methods.items()
        ]
        assert len(operations) == 3
        for path, method, operation in operations:
            assert operation["security"] == KEY_SCHEMES, (path, method)
            assert {"401", "429"} <= set(operation["responses"])
            if method == "post":
                assert "415" in operation["responses"], path
