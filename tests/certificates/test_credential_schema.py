"""Freshly issued credentials against 1EdTech's Open Badges 3.0 AchievementCredential JSON
Schema (bundled in tests/certificates/schemas/, see its README), and the issuer profile as a
controller document that JSON-LD safe mode accepts."""

import json
from pathlib import Path

import jsonschema
import pytest

from certificates import openbadges
from certificates.credentials import CID_V1_CONTEXT, expand_strict
from certificates.openbadges import check_proof, signed_credential

SCHEMA = Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"


@pytest.fixture(autouse=True)
def own_key_file(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_KEY_FILE = str(tmp_path / "key.txt")


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(validator, document):
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_a_fresh_credential_passes_the_ob3_schema(validator, certificate):
    credential = signed_credential(certificate)
    assert schema_errors(validator, credential) == []


def test_the_learner_name_uses_an_extension_identity_type(validator, certificate):
    identifiers = signed_credential(certificate)["credentialSubject"]["identifier"]
    assert [i["identityType"] for i in identifiers] == ["emailAddress", "ext:name"]
    assert identifiers[1]["identityHash"] == certificate.learner_name


def test_the_schema_catches_a_bad_identity_type(validator, certificate):
    # Proof that the test above can fail: a value that is neither in IdentifierTypeEnum nor an
    # ext: extension is refused.
    credential = json.loads(json.dumps(signed_credential(certificate)))
    credential["credentialSubject"]["identifier"][1]["identityType"] = "legalName"
    assert any("identityType" in error for error in schema_errors(validator, credential))


def test_the_issuer_profile_defines_every_term_it_uses(client, certificate):
    profile = client.get("/credentials/issuer").json()
    assert profile["@context"][-1] == CID_V1_CONTEXT
    # Our strict expansion refuses any term that no context defines, as safe mode does.
    expanded = expand_strict(profile)
    node = expanded[0]
    sec = "https://w3id.org/security#"
    assert [m["@id"] for m in node[sec + "assertionMethod"]] == [
        m["id"] for m in profile["verificationMethod"]
    ]
    method = node[sec + "verificationMethod"][0]
    assert method["@type"] == [sec + "Multikey"]
    assert method[sec + "controller"] == [{"@id": profile["id"]}]
    assert sec + "publicKeyMultibase" in method


def test_a_credential_issued_before_the_change_still_verifies(client, certificate, monkeypatch):
    # Credentials already stored keep identityType "name" and are never re-signed.
    monkeypatch.setattr(openbadges, "NAME_IDENTITY_TYPE", "name")
    old = signed_credential(certificate)
    assert old["credentialSubject"]["identifier"][1]["identityType"] == "name"
    assert check_proof(old).verified
    response = client.post("/api/v1/credentials/verify", old, content_type="application/json")
    assert response.json()["verified"] is True
