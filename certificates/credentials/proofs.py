"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite.

Implements "Data Integrity EdDSA Cryptosuites v1.0", section 3.3 (eddsa-rdfc-2022):

* transformation: the unsecured document (no ``proof``) canonicalised with RDFC-1.0;
* proof configuration: the proof options with the document's ``@context``, canonicalised;
* hashing: ``SHA-256(canonical proof configuration) + SHA-256(canonical document)``;
* serialisation: an Ed25519 signature over those 64 bytes, multibase base58-btc encoded as the
  proof's ``proofValue``.

Before signing and before verifying, the document and the proof configuration must pass
:func:`~certificates.credentials.jsonld.expand_strict` and
:func:`~certificates.credentials.jsonld.refuse_control_characters`, so nothing in them is left
out of the signature. Only a single proof is supported (no proof sets or chains).
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .jsonld import UnsignableDocument, canonize, expand_strict, refuse_control_characters
from .multikey import MultikeyError, multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
SIGNATURE_LENGTH = 64

# The checks verify() runs, in order; it stops at the first that fails.
CHECK_PROOF_PRESENT = "proof_present"
CHECK_PROOF_WELL_FORMED = "proof_well_formed"
CHECK_CRYPTOSUITE = "cryptosuite"
CHECK_DOCUMENT_SIGNABLE = "document_signable"
CHECK_VERIFICATION_METHOD_KNOWN = "verification_method_known"
CHECK_SIGNATURE_VALID = "signature_valid"
CHECKS = (
    CHECK_PROOF_PRESENT,
    CHECK_PROOF_WELL_FORMED,
    CHECK_CRYPTOSUITE,
    CHECK_DOCUMENT_SIGNABLE,
    CHECK_VERIFICATION_METHOD_KNOWN,
    CHECK_SIGNATURE_VALID,
)

# XML Schema dateTimeStamp: a dateTime with a required time zone.
_DATE_TIME_STAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.ASCII
)
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")

PublicKeyResolver = Callable[[str], Ed25519PublicKey | None]


@dataclass(frozen=True)
class Check:
    """One named verification check and its outcome."""

    name: str
    passed: bool
    reason: str = ""


@dataclass(frozen=True)
class VerificationResult:
    """The checks :func:`verify` ran, in order; it stops at the first failure."""

    checks: tuple[Check, ...]

    @property
    def verified(self) -> bool:
        """True only when every check, ending with the signature, passed."""
        return len(self.checks) == len(CHECKS) and all(check.passed for check in self.checks)

    @property
    def failed_check(self) -> str | None:
        """The name of the check that failed, or None."""
        failure = next((check for check in self.checks if not check.passed), None)
        return failure.name if failure else None

    @property
    def reason(self) -> str | None:
        """Why verification failed (the first failing check's reason), or None if verified."""
        failure = next((check for check in self.checks if not check.passed), None)
        return failure.reason if failure else None


def is_date_time_stamp(value: Any) -> bool:
    """True if ``value`` is an XML Schema ``dateTimeStamp`` string (time zone required)."""
    if not isinstance(value, str) or not _DATE_TIME_STAMP.match(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def proof_configuration(unsecured_document: dict, proof_options: dict) -> dict:
    """Return the proof configuration: the proof options with the document's ``@context``.

    Raises :class:`UnsignableDocument` unless the options name ``DataIntegrityProof`` and
    ``eddsa-rdfc-2022`` and any ``created`` is a dateTimeStamp (spec section 3.3.5).
    """
    if proof_options.get("type") != PROOF_TYPE or proof_options.get("cryptosuite") != CRYPTOSUITE:
        raise UnsignableDocument(f"proof options must be a {PROOF_TYPE} using {CRYPTOSUITE}")
    if "created" in proof_options and not is_date_time_stamp(proof_options["created"]):
        raise UnsignableDocument(
            f"proof 'created' {proof_options['created']!r} is not an XML Schema dateTimeStamp "
            "(e.g. 2024-05-01T12:00:00Z)"
        )
    config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    config["@context"] = copy.deepcopy(unsecured_document["@context"])
    return config


def check_signable(document: dict) -> None:
    """Run the strict-expansion and control-character checks on a document or proof config.

    Raises :class:`UnsignableDocument` (or its subclass ``ContextNotBundled``) with the reason.
    """
    refuse_control_characters(document)
    expand_strict(document)


def hash_data(unsecured_document: dict, proof_config: dict) -> bytes:
    """Return ``SHA-256(canonical proof config) + SHA-256(canonical document)`` (64 bytes).

    Both inputs are canonicalised with RDFC-1.0; run :func:`check_signable` on them first.
    """
    transformed_document_hash = hashlib.sha256(canonize(unsecured_document).encode()).digest()
    proof_config_hash = hashlib.sha256(canonize(proof_config).encode()).digest()
    return proof_config_hash + transformed_document_hash


def sign(
    credential: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
) -> dict:
    """Return a copy of ``credential`` with an ``eddsa-rdfc-2022`` Data Integrity ``proof``.

    ``verification_method`` is the URL of the public key (e.g.
    ``https://example.org/credentials/issuer#key-1``) and ``created`` an XML Schema
    dateTimeStamp such as ``2024-05-01T12:00:00Z``. Raises :class:`UnsignableDocument` if the
    credential already has a proof, has no ``@context``, uses a context that is not bundled, has
    a term no context defines (or anything else JSON-LD would drop), or contains a control
    character. The input is not modified.
    """
    if not isinstance(credential, dict):
        raise UnsignableDocument("a credential must be a JSON object")
    if "proof" in credential:
        raise UnsignableDocument(
            "the credential already has a proof; proof sets are not supported"
        )
    if "@context" not in credential:
        raise UnsignableDocument("the credential has no @context")
    if not isinstance(verification_method, str) or not _ABSOLUTE_URL.match(verification_method):
        raise UnsignableDocument(f"verification method {verification_method!r} is not a URL")
    if not isinstance(private_key, Ed25519PrivateKey):
        raise TypeError("private_key must be an Ed25519PrivateKey")

    unsecured = copy.deepcopy(credential)
    proof_options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    config = proof_configuration(unsecured, proof_options)
    check_signable(unsecured)
    check_signable(config)

    signature = private_key.sign(hash_data(unsecured, config))
    return {**unsecured, "proof": {**proof_options, "proofValue": multibase_encode(signature)}}


def _proof_problem(proof: dict) -> str | None:
    """Why ``proof`` is not a well-formed Data Integrity proof we can check, or None."""
    if proof.get("type") != PROOF_TYPE:
        return f"proof type is {proof.get('type')!r}, expected {PROOF_TYPE!r}"
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return f"proofPurpose is {proof.get('proofPurpose')!r}, expected {PROOF_PURPOSE!r}"
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not _ABSOLUTE_URL.match(method):
        return f"verificationMethod {method!r} is not a URL"
    if "created" in proof and not is_date_time_stamp(proof["created"]):
        return f"created {proof['created']!r} is not an XML Schema dateTimeStamp"
    if "expires" in proof and not is_date_time_stamp(proof["expires"]):
        return f"expires {proof['expires']!r} is not an XML Schema dateTimeStamp"
    if "proofValue" not in proof:
        return "the proof has no proofValue"
    try:
        signature = multibase_decode(proof["proofValue"])
    except MultikeyError as error:
        return f"proofValue cannot be decoded: {error}"
    if len(signature) != SIGNATURE_LENGTH:
        return f"proofValue holds {len(signature)} bytes, an Ed25519 signature has 64"
    return None


def verify(credential: dict, resolve_public_key: PublicKeyResolver) -> VerificationResult:
    """Verify the ``eddsa-rdfc-2022`` proof of ``credential``.

    ``resolve_public_key(verification_method_id)`` returns the issuer's Ed25519 public key for
    that verification method URL, or None if it is not known. Runs the checks in
    :data:`CHECKS` order and stops at the first failure, whose reason the result carries. This
    verifies the proof only: validity dates, status and the issuer's identity are for the
    caller. It does not raise for a bad credential; it reports it.
    """
    checks: list[Check] = []

    def passed(name: str) -> None:
        checks.append(Check(name, True))

    def failed(name: str, reason: str) -> VerificationResult:
        checks.append(Check(name, False, reason))
        return VerificationResult(tuple(checks))

    if not isinstance(credential, dict) or "proof" not in credential:
        return failed(CHECK_PROOF_PRESENT, "the credential has no proof")
    proof = credential["proof"]
    if isinstance(proof, list):
        if len(proof) != 1:
            return failed(
                CHECK_PROOF_PRESENT,
                f"the credential has {len(proof)} proofs; only a single proof is supported",
            )
        proof = proof[0]
    if not isinstance(proof, dict):
        return failed(CHECK_PROOF_PRESENT, "the proof is not a JSON object")
    passed(CHECK_PROOF_PRESENT)

    problem = _proof_problem(proof)
    if problem is None and "@context" not in credential:
        problem = "the credential has no @context"
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    proof_options = {key: value for key, value in proof.items() if key != "proofValue"}
    if problem is None and "@context" in proof_options:
        # Spec 3.3.2 step 4: the document's @context must start with the proof's @context.
        proof_context = proof_options["@context"]
        proof_context = proof_context if isinstance(proof_context, list) else [proof_context]
        document_context = unsecured["@context"]
        document_context = (
            document_context if isinstance(document_context, list) else [document_context]
        )
        if document_context[: len(proof_context)] != proof_context:
            problem = "the credential's @context does not start with the proof's @context"
        else:
            unsecured["@context"] = proof_options["@context"]
    if problem is not None:
        return failed(CHECK_PROOF_WELL_FORMED, problem)
    passed(CHECK_PROOF_WELL_FORMED)

    if proof.get("cryptosuite") != CRYPTOSUITE:
        return failed(
            CHECK_CRYPTOSUITE,
            f"cryptosuite is {proof.get('cryptosuite')!r}, only {CRYPTOSUITE!r} is supported",
        )
    passed(CHECK_CRYPTOSUITE)

    try:
        config = proof_configuration(unsecured, proof_options)
        check_signable(unsecured)
        check_signable(config)
        data = hash_data(unsecured, config)
    except UnsignableDocument as error:
        return failed(CHECK_DOCUMENT_SIGNABLE, str(error))
    passed(CHECK_DOCUMENT_SIGNABLE)

    method = proof["verificationMethod"]
    public_key = resolve_public_key(method)
    if public_key is None:
        return failed(
            CHECK_VERIFICATION_METHOD_KNOWN, f"verification method {method} is not known"
        )
    if not isinstance(public_key, Ed25519PublicKey):
        return failed(
            CHECK_VERIFICATION_METHOD_KNOWN,
            f"verification method {method} is not an Ed25519 key",
        )
    passed(CHECK_VERIFICATION_METHOD_KNOWN)

    try:
        public_key.verify(multibase_decode(proof["proofValue"]), data)
    except InvalidSignature:
        return failed(
            CHECK_SIGNATURE_VALID,
            "the signature does not match: the credential or its proof was changed after "
            "signing, or it was signed with a different key",
        )
    passed(CHECK_SIGNATURE_VALID)
    return VerificationResult(tuple(checks))
