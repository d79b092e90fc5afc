"""Hostile requests, one kind each: each gets a clear 4xx message (JSON `detail` under
/api/) and changes nothing."""

import json

from django.test import Client
from django.urls import reverse

import pytest

from accounts.models import User
from certificates.models import VerificationLog

BULK = "/api/v1/certificates/verify"
CREDENTIAL = "/api/v1/credentials/verify"


def api_post(client, url, body, content_type="application/json"):
    return client.post(url, body, content_type=content_type)


def assert_clear_json_refusal(response, status=None):
    assert 400 <= response.status_code < 500, response.status_code
    if status:
        assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_bulk_request_of_1001_codes_is_refused_and_not_logged(client, db):
    response = api_post(client, BULK, {"codes": ["ABCD-EFGH-JKMN-PQRS"] * 1001})
    assert_clear_json_refusal(response, 422)
    assert "1000" in response.json()["detail"] or "1,000" in response.json()["detail"]
    assert VerificationLog.objects.count() == 0


def test_an_oversized_api_body_is_refused(client, db, settings):
    body = json.dumps({"codes": ["X" * 1000] * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1000)})
    response = api_post(client, BULK, body)
    assert_clear_json_refusal(response, 400)
    assert VerificationLog.objects.count() == 0


def test_an_oversized_form_is_refused(client, db, settings):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "big@example.com", "legal_name": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
    )
    assert response.status_code == 400
    assert not User.objects.exists()


def test_too_many_form_fields_are_refused(client, db, settings):
    fields = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("accounts:signup"), fields)
    assert response.status_code == 400
    assert not User.objects.exists()


@pytest.mark.parametrize("url", [BULK, CREDENTIAL])
def test_invalid_utf8_in_an_api_body_is_refused(client, db, url):
    response = api_post(client, url, b'{"codes": ["\xff\xfe\xfd"]}')
    assert_clear_json_refusal(response)
    assert VerificationLog.objects.count() == 0


def test_invalid_utf8_in_a_form_is_answered_as_a_bad_form(client, db):
    response = client.post(
        reverse("accounts:signup"),
        b"email=%FF%FE%40example.com&legal_name=%C3%28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not User.objects.exists()


@pytest.mark.parametrize("path", ["/verify/%FF%FE/", "/api/v1/certificates/%FF%FE", "/%C3%28/"])
def test_invalid_utf8_in_a_path_is_a_client_error(client, db, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500
    if path.startswith("/api/"):
        assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        "{",
        "[]",
        "null",
        '"a credential"',
        '{"@context": 5}',
        '{"proof": {"proofValue": "z' + "1" * 5000 + '"}}',
        "[" * 100_000 + "]" * 100_000,  # nesting deep enough to exhaust a recursive parser
        json.dumps({"credentialSubject": {"name": "x" * 1_000_000}}),
    ],
    ids=["truncated", "array", "null", "string", "bad-context", "long-proof", "deep", "huge"],
)
def test_malformed_or_huge_credentials_are_refused(client, db, body):
    response = api_post(client, CREDENTIAL, body)
    assert response.status_code < 500
    data = response.json()
    if response.status_code == 200:  # well-formed JSON object: checked, and it fails
        assert data["verified"] is False
    else:
        assert data["detail"]


def test_a_tampered_csrf_token_is_refused_with_a_clear_page(db):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:signup"))
    response = client.post(
        reverse("accounts:signup"),
        {"email": "x@example.com", "csrfmiddlewaretoken": "tampered" * 8},
    )
    assert response.status_code == 403
    assert "the form had expired or was sent from another site" in response.text
    assert not User.objects.exists()


def test_the_api_needs_no_csrf_token(db):
    """The API takes no cookies, so it needs no CSRF token; the site's forms do."""
    client = Client(enforce_csrf_checks=True)
    response = api_post(client, BULK, {"codes": []})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["9" * 40, "-1", "١", "1.5", " 7 ", "0x10"])
def test_id_choices_refuse_what_the_database_cannot_look_up(db, value):
    from certificates.admin_views import RosterForm

    form = RosterForm({"course": value, "format": "csv"})
    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["course"][0]
