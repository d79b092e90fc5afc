import copy

from django.core.management import call_command

import pytest

from certificates.models import SigningKey
from certificates.openbadges import check_proof, signed_credential


@pytest.fixture(autouse=True)
def own_key_file(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_KEY_FILE = str(tmp_path / "key.txt")


def test_credential_is_signed_and_verifies(client, certificate):
    response = client.get(f"/credentials/{certificate.display_code.lower()}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    credential = response.json()
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    (proof,) = credential["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    subject = credential["credentialSubject"]
    email_id = subject["identifier"][0]
    assert email_id["hashed"] and email_id["identityHash"].startswith("sha256$")
    assert certificate.user.email not in response.text
    assert subject["achievement"]["creditsAvailable"] == 1
    assert check_proof(credential).verified
    # The same credential is served every time.
    assert client.get(f"/credentials/{certificate.display_code}.json").json() == credential


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"]["achievement"].update(creditsAvailable=10),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["credentialSubject"]["identifier"][1].update(identityHash="Someone Else"),
        lambda c: c["proof"][0].update(proofValue=c["proof"][0]["proofValue"][:-2] + "zz"),
        lambda c: c["proof"][0].update(verificationMethod="https://evil.example/issuer#key-1"),
        lambda c: c.pop("proof"),
    ],
)
def test_any_change_breaks_the_proof(certificate, tamper):
    credential = copy.deepcopy(signed_credential(certificate))
    tamper(credential)
    result = check_proof(credential)
    assert not result.verified


def test_issuer_profile_keeps_old_keys_after_rotation(client, certificate):
    old = signed_credential(certificate)
    call_command("rotate_signing_key")
    profile = client.get("/credentials/issuer").json()
    assert len(profile["verificationMethod"]) == SigningKey.objects.count() == 2
    for method in profile["verificationMethod"]:
        assert method["type"] == "Multikey" and method["controller"] == profile["id"]
        assert method["id"] in profile["assertionMethod"]
    assert check_proof(old).verified


def test_rotation_refuses_an_environment_key(settings, db):
    from django.core.management.base import CommandError

    settings.CREDENTIAL_SIGNING_KEY = "z3u2whatever"
    with pytest.raises(CommandError, match="CREDENTIAL_SIGNING_KEY"):
        call_command("rotate_signing_key")


def test_credential_errors_are_json(client, db):
    assert client.get("/credentials/ABCD-EFGH-JKMN-PQRS.json").status_code == 404
    bad = client.get("/credentials/nonsense.json")
    assert bad.status_code == 422 and bad.json()["detail"]


def test_status_list_is_signed_16kb_and_flips_at_revocation(client, certificate, admin_user):
    from certificates.issuing import revoke_certificate
    from certificates.status_list import bit_is_set, decode_bits

    credential = client.get(f"/credentials/{certificate.display_code}.json").json()
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    index = int(entry["statusListIndex"])
    status = client.get("/credentials/status/1").json()
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert check_proof(status).verified
    raw = decode_bits(status["credentialSubject"]["encodedList"])
    assert len(raw) >= 16 * 1024
    assert not bit_is_set(raw, index)
    with_revocation = revoke_certificate(certificate, admin_user, "Issued in error")
    assert with_revocation.is_revoked
    from django.core.cache import cache

    cache.delete("status-list:1")  # on_commit does this outside the test transaction
    raw = decode_bits(
        client.get("/credentials/status/1").json()["credentialSubject"]["encodedList"]
    )
    assert bit_is_set(raw, index)
    assert sum(bin(byte).count("1") for byte in raw) == 1
    assert client.get("/credentials/status/2").status_code == 404


def test_bit_order_is_left_most_first():
    from certificates.status_list import decode_bits, encode_bits

    raw = decode_bits(encode_bits([0, 9], size=16))
    assert raw == bytes([0b10000000, 0b01000000])


def verify_api(client, credential):
    return client.post("/api/v1/credentials/verify", credential, content_type="application/json")


def test_credential_verify_api_passes_a_good_credential(client, certificate):
    credential = signed_credential(certificate)
    data = verify_api(client, credential).json()
    assert data["verified"] is True
    assert [c["check"] for c in data["checks"]] == ["format", "issuer", "proof", "status", "dates"]


@pytest.mark.parametrize(
    ("tamper", "failed_check"),
    [
        (lambda c: c["credentialSubject"]["achievement"].update(name="Other course"), "proof"),
        (lambda c: c.update(issuer={"id": "https://evil.example/issuer"}), "issuer"),
        (lambda c: c.update(type=["VerifiableCredential"]), "format"),
        (
            lambda c: c["proof"][0].update(verificationMethod=c["issuer"]["id"] + "#key-unknown"),
            "proof",
        ),
        (lambda c: c.pop("credentialStatus"), "proof"),
        (lambda c: c.update(foo="bar"), "proof"),
    ],
)
def test_credential_verify_api_reports_what_failed(client, certificate, tamper, failed_check):
    credential = copy.deepcopy(signed_credential(certificate))
    tamper(credential)
    data = verify_api(client, credential).json()
    assert data["verified"] is False
    last = data["checks"][-1]
    assert last["check"] == failed_check and not last["passed"] and last["detail"]


def test_credential_verify_api_says_revoked(client, certificate, admin_user):
    from certificates.issuing import revoke_certificate

    credential = signed_credential(certificate)
    revoke_certificate(certificate, admin_user, "Duplicate record")
    data = verify_api(client, credential).json()
    assert data["verified"] is False
    assert data["checks"][-1]["check"] == "status"
    assert "Duplicate record" in data["checks"][-1]["detail"]


@pytest.mark.parametrize("body", ["[1, 2]", "{not json", '"text"'])
def test_credential_verify_api_refuses_non_objects(client, db, body):
    response = client.post("/api/v1/credentials/verify", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
