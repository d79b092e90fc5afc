"""Verification look-ups are kept in the cache and dropped at revocation: a repeat look-up
costs only its audit-log row, and a revocation shows on the very next look-up."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.issuing import revoke_certificate
from certificates.lookup import find_certificate


def queries(client, method, url, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, **kwargs)
    return response, [q["sql"] for q in ctx.captured_queries]


def test_a_repeat_api_lookup_costs_only_the_audit_row(client, certificate):
    url = f"/api/v1/certificates/{certificate.display_code}"
    client.get(url)
    response, sql = queries(client, "get", url)
    assert response.status_code == 200
    assert len(sql) == 1 and sql[0].startswith("INSERT")


def test_revocation_shows_on_the_next_lookup(
    client, certificate, admin_user, django_capture_on_commit_callbacks
):
    url = f"/api/v1/certificates/{certificate.display_code}"
    assert client.get(url).json()["status"] == "valid"
    page = f"/verify/{certificate.display_code}/"
    assert "Issued in error." not in client.get(page).text
    with django_capture_on_commit_callbacks(execute=True):
        revoke_certificate(certificate, admin_user, "Issued in error.")
    assert client.get(url).json()["status"] == "revoked"
    assert client.get(url).json()["revocation_reason"] == "Issued in error."
    assert "Issued in error." in client.get(page).text


def test_any_saved_change_drops_the_kept_copy(certificate):
    assert find_certificate(certificate.code).learner_name == certificate.learner_name
    certificate.learner_name = "Corrected Name"
    certificate.save()
    assert find_certificate(certificate.code).learner_name == "Corrected Name"


def test_a_repeat_bulk_lookup_fetches_nothing_again(client, certificate):
    body = {"codes": [certificate.display_code, "ABCD-EFGH-JKMN-PQRS"]}
    client.post("/api/v1/certificates/verify", body, content_type="application/json")
    response, sql = queries(
        client, "post", "/api/v1/certificates/verify", data=body, content_type="application/json"
    )
    assert [r["found"] for r in response.json()["results"]] == [True, False]
    # the unknown code is looked up again (codes not found are not kept), plus the log rows
    assert sum("certificates_certificate" in q and q.startswith("SELECT") for q in sql) == 1


def test_codes_not_found_are_not_kept(client, db):
    from django.core.cache import cache

    from certificates.lookup import cache_key

    client.get("/api/v1/certificates/ABCD-EFGH-JKMN-PQRS")
    assert cache.get(cache_key("ABCDEFGHJKMNPQRS")) is None


def test_a_repeat_api_lookup_answers_from_the_kept_answer(client, certificate, monkeypatch):
    """The API's answer (public_facts as JSON) is kept beside the certificate: a repeat lookup
    neither unpickles the certificate nor builds or serializes its facts again."""
    from certificates import lookup

    url = f"/api/v1/certificates/{certificate.display_code}"
    first = client.get(url).json()
    built = []
    monkeypatch.setattr(lookup, "public_facts", lambda c: built.append(c) or {})
    monkeypatch.setattr(lookup, "find_certificate", lambda code: built.append(code))
    assert client.get(url).json() == first
    assert built == []


def test_a_saved_change_shows_in_the_api_at_once(client, certificate):
    url = f"/api/v1/certificates/{certificate.display_code}"
    assert client.get(url).json()["learner_name"] == certificate.learner_name
    certificate.learner_name = "Corrected Name"
    certificate.save()
    assert client.get(url).json()["learner_name"] == "Corrected Name"
