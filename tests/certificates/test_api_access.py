from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from certificates.api_keys import InvalidApiKey, authenticate_key, create_api_key
from certificates.models import AssociationApiKey, VerificationLog
from cms.ratelimit import hit
from tests.spreadsheets import csv_rows

CODE = "ABCD-EFGH-JKMN-PQRS"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_keys_are_stored_hashed_and_checked(db):
    record, key = create_api_key("Florida Board")
    assert key.startswith(f"nmt_{record.prefix}_")
    assert key.split("_", 2)[2] not in record.key_hash
    assert authenticate_key(key) == record
    for bad in ("", "nmt_x", key + "x", "abc_" + key[4:]):
        with pytest.raises(InvalidApiKey):
            authenticate_key(bad)


def test_rate_limit_window():
    assert all(hit("t", 3, window=60, now=120.0).allowed for _ in range(3))
    refused = hit("t", 3, window=60, now=150.0)
    assert not refused.allowed and refused.retry_after == 30
    assert hit("t", 3, window=60, now=181.0).allowed  # a new window


def test_two_first_requests_of_a_window_at_once_are_both_counted(monkeypatch):
    """The window's key is missing for both; one creates it, the other counts on it."""
    from django.core.cache import cache

    real_add, raced = cache.add, []

    def add_after_a_rival(key, value, timeout):
        if not raced:  # another server's request creates the key first
            raced.append(real_add(key, value, timeout))
        return real_add(key, value, timeout)

    monkeypatch.setattr(cache, "add", add_after_a_rival)
    assert hit("race", 1, window=60, now=60.0).allowed is False  # counted second
    assert raced == [True]


def test_anonymous_callers_get_429_with_retry_after(client, db, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 2
    statuses = [client.get(f"/api/v1/certificates/{CODE}").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    response = client.get(f"/api/v1/certificates/{CODE}")
    assert int(response["Retry-After"]) >= 1
    assert "Too many requests" in response.json()["detail"]


def test_keyed_callers_get_the_higher_limit(client, db, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 1
    settings.API_RATE_LIMIT_KEYED = 5
    _, key = create_api_key("NCBTMB")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    statuses = [client.get(f"/api/v1/certificates/{CODE}", **auth).status_code for _ in range(5)]
    assert statuses == [404] * 5
    assert client.get(f"/api/v1/certificates/{CODE}", **auth).status_code == 429


def test_a_bad_or_revoked_key_is_401(client, db):
    record, key = create_api_key("Old partner")
    assert (
        client.get(f"/api/v1/certificates/{CODE}", HTTP_X_API_KEY="nmt_bad_key").status_code == 401
    )
    AssociationApiKey.objects.filter(pk=record.pk).update(revoked_at="2026-01-01T00:00Z")
    response = client.get(f"/api/v1/certificates/{CODE}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_keyed_lookup_stays_within_three_queries(client, db):
    _, key = create_api_key("NCBTMB")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client.get(f"/api/v1/certificates/{CODE}", **auth)  # records last use
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/api/v1/certificates/{CODE}", **auth)
    assert len(ctx) <= 3


def test_every_lookup_is_logged(client, db):
    record, key = create_api_key("Ohio Board")
    client.get(f"/api/v1/certificates/{CODE}", HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get("/api/v1/certificates/bad")
    client.post(
        "/api/v1/certificates/verify", {"codes": [CODE, "x"]}, content_type="application/json"
    )
    client.get(f"/verify/{CODE}/")
    logs = list(VerificationLog.objects.order_by("id").values_list("channel", "result", "api_key"))
    assert logs == [
        ("api", "not_found", record.pk),
        ("api", "malformed", None),
        ("bulk", "not_found", None),
        ("bulk", "malformed", None),
        ("page", "not_found", None),
    ]
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_admin_manages_keys_and_reads_the_log(client, admin_user):
    client.force_login(admin_user)
    url = reverse("api_key_admin")
    assert client.post(url, {"create": "1", "name": ""}).status_code == 400
    response = client.post(url, {"create": "1", "name": "Texas Board"})
    assert "will not be shown again" in response.text
    record = AssociationApiKey.objects.get()
    client.post(url, {"revoke": record.pk})
    record.refresh_from_db()
    assert not record.is_active
    client.get(f"/verify/{CODE}/")
    log_url = reverse("audit_log_admin")
    assert CODE in client.get(log_url).text
    rows = csv_rows(client.get(log_url, {"export": "csv"}))
    assert rows[0] == ["at", "channel", "association", "ip address", "code", "result", "user"]
    assert rows[1][4] == CODE


def test_instructors_cannot_manage_keys(client, instructor):
    client.force_login(instructor)
    assert client.get(reverse("api_key_admin")).status_code in (302, 403)
    assert client.get(reverse("audit_log_admin")).status_code in (302, 403)


def test_audit_log_csv_defuses_formulas_typed_as_codes(client, admin_user):
    client.get("/verify/=HYPERLINK(1)/")
    client.force_login(admin_user)
    rows = csv_rows(client.get(reverse("audit_log_admin"), {"export": "csv"}))
    assert rows[1][4] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("code", ["ab\x00cd", "\x00" * 100, "line\nbreak"])
def test_control_characters_in_codes_are_refused_and_logged_safely(client, db, code):
    response = client.post(
        "/api/v1/certificates/verify", {"codes": [code]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["found"] is False
    logged = VerificationLog.objects.get().code
    assert "\x00" not in logged and len(logged) <= 64
