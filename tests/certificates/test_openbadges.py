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
    proof = credential["proof"]
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
        lambda c: c["proof"].update(proofValue=c["proof"]["proofValue"][:-2] + "zz"),
        lambda c: c["proof"].update(verificationMethod="https://evil.example/issuer#key-1"),
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
