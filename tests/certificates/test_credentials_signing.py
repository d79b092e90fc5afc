"""Signing and verifying VC 2.0 / Open Badges 3.0 credentials with eddsa-rdfc-2022.

The test vector is the one published by the W3C in the vc-di-eddsa repository
(https://github.com/w3c/vc-di-eddsa, folder TestVectors/: keyPair.json, unsigned.json and
eddsa-rdfc-2022/*), copied here verbatim. No test touches the database or the network.
"""

import copy
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.credentials import jsonld, multikey, proofs
from certificates.credentials.jsonld import (
    OB_V3P0_CONTEXT,
    VC_V2_CONTEXT,
    ContextNotBundled,
    UnsignableDocument,
    canonize,
    document_loader,
    expand_strict,
    refuse_control_characters,
)
from certificates.credentials.multikey import (
    MultikeyError,
    base58btc_decode,
    base58btc_encode,
    decode_private_key,
    decode_public_key,
    encode_private_key,
    encode_public_key,
)
from certificates.credentials.proofs import sign, verify

# --- W3C vc-di-eddsa test vector, TestVectors/keyPair.json -------------------------------------
VECTOR_PUBLIC_KEY_MULTIBASE = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_PRIVATE_KEY_MULTIBASE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"

# TestVectors/unsigned.json
VECTOR_UNSIGNED = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}

VECTOR_VERIFICATION_METHOD = (
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
)

# TestVectors/eddsa-rdfc-2022/proofConfigDataInt.json
VECTOR_PROOF_CONFIG = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2023-02-24T23:36:38Z",
    "verificationMethod": VECTOR_VERIFICATION_METHOD,
    "proofPurpose": "assertionMethod",
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
}

# TestVectors/eddsa-rdfc-2022/canonDocDataInt.txt
VECTOR_CANONICAL_DOCUMENT = (
    '<did:example:abcdefgh> <https://www.w3.org/ns/credentials/examples#alumniOf> "The School of Examples" .\n'  # noqa: E501
    "<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .\n"  # noqa: E501
    "<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/ns/credentials/examples#AlumniCredential> .\n"  # noqa: E501
    '<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://schema.org/description> "A minimum viable example of an Alumni Credential." .\n'  # noqa: E501
    '<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://schema.org/name> "Alumni Credential" .\n'  # noqa: E501
    "<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://www.w3.org/2018/credentials#credentialSubject> <did:example:abcdefgh> .\n"  # noqa: E501
    "<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://www.w3.org/2018/credentials#issuer> <https://vc.example/issuers/5678> .\n"  # noqa: E501
    '<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://www.w3.org/2018/credentials#validFrom> "2023-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n'  # noqa: E501
)

# TestVectors/eddsa-rdfc-2022/proofCanonDataInt.txt
VECTOR_CANONICAL_PROOF_CONFIG = (
    '_:c14n0 <http://purl.org/dc/terms/created> "2023-02-24T23:36:38Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n'  # noqa: E501
    "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#DataIntegrityProof> .\n"  # noqa: E501
    '_:c14n0 <https://w3id.org/security#cryptosuite> "eddsa-rdfc-2022"^^<https://w3id.org/security#cryptosuiteString> .\n'  # noqa: E501
    "_:c14n0 <https://w3id.org/security#proofPurpose> <https://w3id.org/security#assertionMethod> .\n"  # noqa: E501
    "_:c14n0 <https://w3id.org/security#verificationMethod> <did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2> .\n"  # noqa: E501
)

# TestVectors/eddsa-rdfc-2022/docHashDataInt.txt, proofHashDataInt.txt, combinedHashDataInt.txt
VECTOR_DOCUMENT_HASH = "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
VECTOR_PROOF_CONFIG_HASH = "bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0"
VECTOR_COMBINED_HASH = VECTOR_PROOF_CONFIG_HASH + VECTOR_DOCUMENT_HASH

# TestVectors/eddsa-rdfc-2022/sigHexDataInt.txt and sigBTC58DataInt.txt
VECTOR_SIGNATURE_HEX = (
    "4d8e53c2d5b3f2a7891753eb16ca993325bdb0d3cfc5be1093d0a18426f5ef85"
    "78cadc0fd4b5f4dd0d1ce0aefd15ab120b7a894d0eb094ffda4e6553cd1ed50d"
)
VECTOR_PROOF_VALUE = (
    "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"
)

# TestVectors/eddsa-rdfc-2022/signedDataInt.json
VECTOR_SIGNED = {
    **VECTOR_UNSIGNED,
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": VECTOR_VERIFICATION_METHOD,
        "proofPurpose": "assertionMethod",
        "proofValue": VECTOR_PROOF_VALUE,
    },
}

# --- An Open Badges 3.0 credential signed with a throwaway key ---------------------------------
ISSUER = "https://example.org/credentials/issuer"
KEY_ID = ISSUER + "#key-1"
CREATED = "2024-05-01T12:00:00Z"
ISSUER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))

OPEN_BADGE = {
    "@context": [VC_V2_CONTEXT, OB_V3P0_CONTEXT],
    "id": "https://example.org/credentials/3732",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Example NMT Academy"},
    "validFrom": "2024-05-01T12:00:00Z",
    "name": "Certificate of completion",
    "credentialSubject": {
        "id": "urn:uuid:2a1b3c4d-0000-4000-8000-000000000001",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.org/achievements/intro-nmt",
            "type": ["Achievement"],
            "name": "Introduction to neuromuscular therapy",
            "description": "Principles of neuromuscular therapy. Évaluation & «soins».",
            "criteria": {"narrative": "Completed all modules and passed the final quiz."},
            "creditsAvailable": 1.5,
        },
    },
}


def vector_key() -> Ed25519PrivateKey:
    return decode_private_key(VECTOR_PRIVATE_KEY_MULTIBASE)


def resolve_vector_key(method_id):
    if method_id == VECTOR_VERIFICATION_METHOD:
        return decode_public_key(VECTOR_PUBLIC_KEY_MULTIBASE)
    return None


def resolve_issuer_key(method_id):
    return ISSUER_KEY.public_key() if method_id == KEY_ID else None


def signed_badge() -> dict:
    return sign(OPEN_BADGE, ISSUER_KEY, KEY_ID, CREATED)


def leaf_paths(value, path=()):
    """Every (path, leaf) of a JSON tree; list indexes and dict keys make up the path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path, value


def set_path(document, path, value):
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def delete_path(document, path):
    target = document
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]


def changed(value):
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, float):
        return value + 1.0
    raise AssertionError(f"no mutation for {value!r}")


# --- The W3C test vector -----------------------------------------------------------------------


def test_vector_key_pair_round_trips_through_multikey():
    private_key = vector_key()
    assert encode_public_key(private_key.public_key()) == VECTOR_PUBLIC_KEY_MULTIBASE
    assert encode_private_key(private_key) == VECTOR_PRIVATE_KEY_MULTIBASE


def test_vector_canonical_document(no_network):
    canonical = canonize(VECTOR_UNSIGNED)
    assert canonical == VECTOR_CANONICAL_DOCUMENT
    assert hashlib.sha256(canonical.encode()).hexdigest() == VECTOR_DOCUMENT_HASH


def test_vector_canonical_proof_configuration(no_network):
    options = {key: value for key, value in VECTOR_PROOF_CONFIG.items() if key != "@context"}
    config = proofs.proof_configuration(VECTOR_UNSIGNED, options)
    assert config == VECTOR_PROOF_CONFIG
    canonical = canonize(config)
    assert canonical == VECTOR_CANONICAL_PROOF_CONFIG
    assert hashlib.sha256(canonical.encode()).hexdigest() == VECTOR_PROOF_CONFIG_HASH


def test_vector_combined_hash_and_signature(no_network):
    data = proofs.hash_data(VECTOR_UNSIGNED, VECTOR_PROOF_CONFIG)
    assert data.hex() == VECTOR_COMBINED_HASH
    assert vector_key().sign(data).hex() == VECTOR_SIGNATURE_HEX


def test_vector_sign_reproduces_the_published_signed_credential(no_network):
    signed = sign(
        VECTOR_UNSIGNED,
        vector_key(),
        VECTOR_PROOF_CONFIG["verificationMethod"],
        VECTOR_PROOF_CONFIG["created"],
    )
    assert signed["proof"]["proofValue"] == VECTOR_PROOF_VALUE
    assert signed == VECTOR_SIGNED
    assert list(signed["proof"]) == list(VECTOR_SIGNED["proof"])
    assert "proof" not in VECTOR_UNSIGNED


def test_vector_published_signed_credential_verifies(no_network):
    result = verify(VECTOR_SIGNED, resolve_vector_key)
    assert result.verified, result.reason
    assert [check.name for check in result.checks] == list(proofs.CHECKS)
    assert result.reason is None
    assert result.failed_check is None


def test_vector_tampered_credential_fails():
    tampered = copy.deepcopy(VECTOR_SIGNED)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    result = verify(tampered, resolve_vector_key)
    assert not result.verified
    assert result.failed_check == "signature_valid"


# --- Open Badges 3.0 round trip ----------------------------------------------------------------


def test_open_badge_sign_and_verify_round_trip(no_network):
    signed = signed_badge()
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED,
        "verificationMethod": KEY_ID,
        "proofPurpose": "assertionMethod",
        "proofValue": signed["proof"]["proofValue"],
    }
    assert signed["proof"]["proofValue"].startswith("z")
    assert "proof" not in OPEN_BADGE
    assert {key: value for key, value in signed.items() if key != "proof"} == OPEN_BADGE

    result = verify(signed, resolve_issuer_key)
    assert result.verified, result.reason


def test_open_badge_signing_is_deterministic():
    assert signed_badge() == signed_badge()


def test_open_badge_key_order_does_not_matter():
    signed = signed_badge()
    reordered = dict(reversed(list(signed.items())))
    reordered["credentialSubject"] = dict(reversed(list(signed["credentialSubject"].items())))
    assert verify(reordered, resolve_issuer_key).verified


def test_open_badge_canonical_form_uses_open_badges_vocabulary():
    canonical = canonize(OPEN_BADGE)
    ob_vocab = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
    assert f"<{ob_vocab}OpenBadgeCredential>" in canonical
    assert f"<{ob_vocab}achievement>" in canonical
    assert f"<{ob_vocab}narrative>" in canonical
    assert "Évaluation & «soins»" in canonical


# --- Verification failures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [path for path, _ in leaf_paths(OPEN_BADGE)], ids=lambda path: ".".join(map(str, path))
)
def test_changing_any_field_fails_verification(path):
    signed = signed_badge()
    original = signed
    for part in path:
        original = original[part]
    set_path(signed, path, changed(original))

    result = verify(signed, resolve_issuer_key)
    assert not result.verified
    assert result.reason
    assert result.failed_check in {"document_signable", "signature_valid"}


@pytest.mark.parametrize(
    "path",
    [
        ("name",),
        ("validFrom",),
        ("issuer", "name"),
        ("credentialSubject", "achievement", "criteria"),
        ("credentialSubject", "achievement", "creditsAvailable"),
    ],
)
def test_removing_a_field_fails_verification(path):
    signed = signed_badge()
    delete_path(signed, path)
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "signature_valid"
    assert "does not match" in result.reason


def test_adding_a_defined_field_fails_verification():
    signed = signed_badge()
    signed["description"] = "An extra, well-defined statement."
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "signature_valid"


def test_adding_an_undefined_field_after_signing_fails_verification():
    signed = signed_badge()
    signed["foo"] = "bar"
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "document_signable"
    assert "'foo'" in result.reason


def test_control_character_added_after_signing_fails_verification():
    signed = signed_badge()
    signed["name"] = "Certificate\nof completion"
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "document_signable"
    assert "U+000A" in result.reason


@pytest.mark.parametrize("field", ["created", "verificationMethod"])
def test_changing_a_signed_proof_option_fails_verification(field):
    signed = signed_badge()
    if field == "created":
        signed["proof"]["created"] = "2024-05-02T12:00:00Z"
        resolver = resolve_issuer_key
    else:
        signed["proof"]["verificationMethod"] = ISSUER + "#key-2"

        def resolver(method_id):
            return ISSUER_KEY.public_key()

    result = verify(signed, resolver)
    assert result.failed_check == "signature_valid"


def test_altered_proof_value_fails_verification():
    signed = signed_badge()
    value = signed["proof"]["proofValue"]
    middle = len(value) // 2
    replacement = "2" if value[middle] != "2" else "3"
    signed["proof"]["proofValue"] = value[:middle] + replacement + value[middle + 1 :]
    result = verify(signed, resolve_issuer_key)
    assert not result.verified
    assert result.failed_check in {"proof_well_formed", "signature_valid"}
    assert result.reason


def test_proof_value_from_another_key_fails_verification():
    signed = signed_badge()
    forged = sign(OPEN_BADGE, OTHER_KEY, KEY_ID, CREATED)
    signed["proof"]["proofValue"] = forged["proof"]["proofValue"]
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "signature_valid"
    assert "does not match" in result.reason


@pytest.mark.parametrize(
    ("proof_value", "reason"),
    [
        ("not-multibase", "cannot be decoded"),
        ("z0OIl", "cannot be decoded"),
        ("z" + base58btc_encode(b"\x01" * 63), "63 bytes"),
    ],
)
def test_malformed_proof_value_is_reported(proof_value, reason):
    signed = signed_badge()
    signed["proof"]["proofValue"] = proof_value
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "proof_well_formed"
    assert reason in result.reason


def test_unknown_verification_method_fails_verification():
    signed = signed_badge()
    result = verify(signed, lambda method_id: None)
    assert result.failed_check == "verification_method_known"
    assert KEY_ID in result.reason
    assert [check.name for check in result.checks] == list(proofs.CHECKS[:5])


def test_missing_proof_fails_verification():
    result = verify(copy.deepcopy(OPEN_BADGE), resolve_issuer_key)
    assert not result.verified
    assert result.failed_check == "proof_present"
    assert result.reason == "the credential has no proof"
    assert len(result.checks) == 1


@pytest.mark.parametrize(
    ("field", "value", "failed_check"),
    [
        ("type", "Ed25519Signature2020", "proof_well_formed"),
        ("proofPurpose", "authentication", "proof_well_formed"),
        ("created", "yesterday", "proof_well_formed"),
        ("cryptosuite", "eddsa-jcs-2022", "cryptosuite"),
    ],
)
def test_unsupported_or_malformed_proof_fields_are_reported(field, value, failed_check):
    signed = signed_badge()
    signed["proof"][field] = value
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == failed_check
    assert value in result.reason


def test_proof_sets_are_reported_as_unsupported():
    signed = signed_badge()
    signed["proof"] = [signed["proof"], signed["proof"]]
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "proof_present"
    assert "2 proofs" in result.reason


def test_single_proof_in_a_list_verifies():
    signed = signed_badge()
    signed["proof"] = [signed["proof"]]
    assert verify(signed, resolve_issuer_key).verified


def test_proof_context_must_prefix_document_context():
    signed = signed_badge()
    signed["proof"]["@context"] = [OB_V3P0_CONTEXT]
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "proof_well_formed"
    assert "@context" in result.reason


# --- Signing refuses what it could not sign completely ---------------------------------------


def test_sign_refuses_an_undefined_top_level_term():
    document = {**OPEN_BADGE, "foo": "bar"}
    with pytest.raises(UnsignableDocument, match="'foo'.*not defined by any @context"):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)


def test_sign_refuses_an_undefined_nested_term_and_names_its_path():
    document = copy.deepcopy(OPEN_BADGE)
    document["credentialSubject"]["achievement"]["criterion"] = "typo of criteria"
    with pytest.raises(UnsignableDocument, match=r"credentialSubject\.achievement\.criterion"):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)


def test_sign_refuses_an_undefined_type():
    document = copy.deepcopy(OPEN_BADGE)
    document["type"] = ["VerifiableCredential", "CertificateOfCompletion"]
    with pytest.raises(UnsignableDocument, match="type 'CertificateOfCompletion'"):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)


def test_sign_refuses_a_relative_identifier():
    document = {**OPEN_BADGE, "id": "credentials/3732"}
    with pytest.raises(UnsignableDocument, match="not an absolute IRI"):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)


@pytest.mark.parametrize("character", ["\x00", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f"])
def test_sign_refuses_a_control_character(character):
    document = copy.deepcopy(OPEN_BADGE)
    document["credentialSubject"]["achievement"]["name"] = f"Intro{character}NMT"
    with pytest.raises(UnsignableDocument, match=f"U\\+{ord(character):04X}"):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)


def test_refuse_control_characters_accepts_other_unicode():
    refuse_control_characters({"name": "Évaluation – «soins» \u00a0 \u2028 😀", "n": [1, True]})


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "null value"), (2.0, "not portable"), (2**60, "too large")],
)
def test_sign_refuses_values_that_would_not_be_signed_faithfully(value, message):
    document = copy.deepcopy(OPEN_BADGE)
    document["credentialSubject"]["achievement"]["creditsAvailable"] = value
    with pytest.raises(UnsignableDocument, match=message):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)


def test_sign_refuses_a_document_with_a_proof_or_without_context():
    with pytest.raises(UnsignableDocument, match="already has a proof"):
        sign(signed_badge(), ISSUER_KEY, KEY_ID, CREATED)
    document = {key: value for key, value in OPEN_BADGE.items() if key != "@context"}
    with pytest.raises(UnsignableDocument, match="no @context"):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)


@pytest.mark.parametrize("created", ["2024-05-01", "2024-05-01T12:00:00", "2024-13-01T00:00:00Z"])
def test_sign_refuses_a_created_that_is_not_a_date_time_stamp(created):
    with pytest.raises(UnsignableDocument, match="dateTimeStamp"):
        sign(OPEN_BADGE, ISSUER_KEY, KEY_ID, created)


def test_sign_refuses_a_verification_method_that_is_not_a_url():
    with pytest.raises(UnsignableDocument, match="not a URL"):
        sign(OPEN_BADGE, ISSUER_KEY, "key-1", CREATED)


def blank_node_clique(size):
    """A document whose blank nodes all point at each other: a "poison" graph for RDFC-1.0."""
    ids = [f"_:n{index}" for index in range(size)]
    return {
        "@context": [VC_V2_CONTEXT, "https://www.w3.org/ns/credentials/examples/v2"],
        "@graph": [
            {"id": node, "knows": [{"id": other} for other in ids if other != node]}
            for node in ids
        ],
    }


def test_poison_graph_is_refused_quickly():
    with pytest.raises(UnsignableDocument, match="maximum deep iterations"):
        canonize(blank_node_clique(8))
    with pytest.raises(UnsignableDocument, match="maximum deep iterations"):
        sign(blank_node_clique(8), ISSUER_KEY, KEY_ID, CREATED)
    signed = {**blank_node_clique(8), "proof": signed_badge()["proof"]}
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "document_signable"
    assert "maximum deep iterations" in result.reason


def test_identical_blank_nodes_are_still_canonicalised():
    document = copy.deepcopy(OPEN_BADGE)
    alignment = {"type": ["Alignment"], "targetName": "Module 1", "targetUrl": "https://x.org/1"}
    document["credentialSubject"]["achievement"]["alignment"] = [alignment, dict(alignment)]
    assert canonize(document).count("<https://schema.org/targetName>") == 2
    signed = sign(document, ISSUER_KEY, KEY_ID, CREATED)
    assert verify(signed, resolve_issuer_key).verified


def test_expand_strict_returns_the_expanded_document():
    expanded = expand_strict(OPEN_BADGE)
    assert expanded[0]["@id"] == OPEN_BADGE["id"]


# --- The document loader -----------------------------------------------------------------------


def test_document_loader_refuses_an_unknown_url_without_network(no_network):
    with pytest.raises(ContextNotBundled, match="https://example.com/context.jsonld"):
        document_loader("https://example.com/context.jsonld", {})


def test_unknown_context_in_a_document_is_refused_without_network(no_network):
    document = {**OPEN_BADGE, "@context": [VC_V2_CONTEXT, "https://w3id.org/security/v2"]}
    with pytest.raises(ContextNotBundled, match="https://w3id.org/security/v2"):
        expand_strict(document)
    with pytest.raises(ContextNotBundled):
        canonize(document)
    with pytest.raises(ContextNotBundled):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)
    signed = {**signed_badge(), "@context": document["@context"]}
    result = verify(signed, resolve_issuer_key)
    assert result.failed_check == "document_signable"
    assert "not bundled" in result.reason


def test_document_loader_serves_each_bundled_context_unchanged(no_network):
    for url, (filename, sha256) in jsonld.BUNDLED_CONTEXTS.items():
        data = (jsonld.CONTEXTS_DIR / filename).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha256
        remote = document_loader(url, {})
        assert remote["documentUrl"] == url
        assert "@context" in remote["document"]
        remote["document"]["@context"] = "mutated"
        assert document_loader(url, {})["document"]["@context"] != "mutated"


# --- Multikey ----------------------------------------------------------------------------------


def test_multikey_round_trip_for_a_new_key():
    private_key = Ed25519PrivateKey.generate()
    public_multibase = encode_public_key(private_key.public_key())
    assert public_multibase.startswith("z6Mk")
    assert encode_public_key(decode_public_key(public_multibase)) == public_multibase
    secret_multibase = encode_private_key(private_key)
    assert secret_multibase.startswith("z3u2")
    assert encode_private_key(decode_private_key(secret_multibase)) == secret_multibase


def test_base58btc_keeps_leading_zero_bytes():
    for data in [b"", b"\x00", b"\x00\x00\x01", b"\xff" * 40, bytes(range(64))]:
        assert base58btc_decode(base58btc_encode(data)) == data
    assert base58btc_encode(b"\x00\x00hello") == "11Cn8eVZg"


@pytest.mark.parametrize(
    "value",
    [
        VECTOR_PRIVATE_KEY_MULTIBASE,  # a secret key is not a public key
        VECTOR_PUBLIC_KEY_MULTIBASE[1:],  # no multibase prefix
        "u" + VECTOR_PUBLIC_KEY_MULTIBASE[1:],  # another multibase
        VECTOR_PUBLIC_KEY_MULTIBASE[:-2],  # truncated
        "z6MkI0",  # characters outside the alphabet
    ],
)
def test_decode_public_key_rejects_bad_input(value):
    with pytest.raises(MultikeyError):
        decode_public_key(value)


def test_verification_method_object():
    method = multikey.verification_method(KEY_ID, ISSUER, ISSUER_KEY.public_key())
    assert method == {
        "id": KEY_ID,
        "type": "Multikey",
        "controller": ISSUER,
        "publicKeyMultibase": encode_public_key(ISSUER_KEY.public_key()),
    }
