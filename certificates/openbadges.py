"""Open Badges 3.0 credentials for certificates, and the issuer profile that verifies them."""

import hashlib
import secrets
from decimal import Decimal

from django.db import transaction

from cms.links import absolute_url

from .credentials import (
    CID_V1_CONTEXT,
    OB_V3P0_CONTEXT,
    VC_V2_CONTEXT,
    decode_public_key,
    sign,
    verify,
)
from .models import Certificate, SigningKey
from .signing_keys import current_private_key, publish
from .status_list import status_entry

CONTEXTS = [VC_V2_CONTEXT, OB_V3P0_CONTEXT]
# Verifiers read the issuer profile as JSON-LD in safe mode, as a controller document: the CID
# context defines its verificationMethod, assertionMethod, Multikey, controller and
# publicKeyMultibase. Credentials keep CONTEXTS: their signatures cover their @context.
ISSUER_PROFILE_CONTEXTS = [*CONTEXTS, CID_V1_CONTEXT]
# The learner's name as an IdentityObject: an extension identityType, as the OB 3.0 spec's own
# example does; plain "name" fails 1EdTech's schema where IdentifierTypeEnum lacks it.
NAME_IDENTITY_TYPE = "ext:name"


def issuer_id():
    return absolute_url("/credentials/issuer")


def verification_method_id(key):
    return f"{issuer_id()}#{key.key_id}"


def recipient_identity(email):
    """(salt, identity hash) for a recipient email, as Open Badges hashes it."""
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return salt, f"sha256${digest}"


def _number(value):
    # Whole numbers as integers: JSON-LD processors disagree on floats like 1.0.
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def issuer_summary(certificate):
    issuer = {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": certificate.provider_name,
        "url": absolute_url("/"),
    }
    if certificate.provider_email:
        issuer["email"] = certificate.provider_email
    return issuer


def achievement_description(certificate):
    """The course in a sentence or two, with its instructors when the certificate names them
    (OB 3.0 has no instructor property; the description is where a reader, or a wallet,
    finds them)."""
    text = (
        f"{certificate.course_type} continuing education course for massage therapists, "
        f"{certificate.ce_hours.normalize()} CE hours, from {certificate.provider_name}."
    )
    instructors = certificate.instructor_names()
    if instructors:
        label = "Instructors" if len(instructors) > 1 else "Instructor"
        text += f" {label}: {'; '.join(instructors)}."
    return text


def unsigned_credential(certificate):
    """The credential's claims, built from the certificate's snapshot only."""
    hours = _number(certificate.ce_hours)
    return {
        "@context": CONTEXTS,
        "id": certificate.credential_url(),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_summary(certificate),
        "validFrom": certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": f"{certificate.title}: {certificate.course_title}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": certificate.recipient_email_hash,
                    "salt": certificate.recipient_salt,
                },
                {
                    "type": "IdentityObject",
                    "identityType": NAME_IDENTITY_TYPE,
                    "hashed": False,
                    "identityHash": certificate.learner_name,
                },
            ],
            "creditsEarned": hours,
            "achievement": {
                "id": absolute_url(f"/credentials/achievements/{certificate.course_code}"),
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": certificate.course_title,
                "description": achievement_description(certificate),
                "criteria": {
                    "narrative": "Read every module, pass each module quiz and the final "
                    "exam, and submit the course evaluation."
                },
                "creditsAvailable": hours,
            },
        },
    }


def signed_credential(certificate):
    """The certificate's signed credential: made and stored the first time it is asked for."""
    if certificate.credential:
        return certificate.credential
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.credential:
            return locked.credential
        private_key = current_private_key()
        key = publish(private_key)
        unsigned = unsigned_credential(locked)
        unsigned["credentialStatus"] = status_entry(locked)
        credential = sign(
            unsigned,
            private_key,
            verification_method_id(key),
            locked.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        # A set of one proof: VC 2.0 allows either form, 1EdTech's OB 3.0 schema asks for a list.
        credential["proof"] = [credential["proof"]]
        Certificate.objects.filter(pk=locked.pk).update(credential=credential)
    certificate.credential = credential
    return credential


def issuer_profile():
    """The issuer profile with every public key that has signed, current or retired."""
    from wagtail.models import Site

    from cms.models import ProviderSettings

    provider = ProviderSettings.for_site(Site.objects.get(is_default_site=True))
    publish(current_private_key())
    keys = list(SigningKey.objects.order_by("created_at"))
    profile = {
        "@context": ISSUER_PROFILE_CONTEXTS,
        "id": issuer_id(),
        "type": ["Profile"],
        "name": provider.provider_name,
        "url": absolute_url("/"),
        "verificationMethod": [
            {
                "id": verification_method_id(key),
                "type": "Multikey",
                "controller": issuer_id(),
                "publicKeyMultibase": key.public_key_multibase,
            }
            for key in keys
        ],
        "assertionMethod": [verification_method_id(key) for key in keys],
    }
    if provider.email:
        profile["email"] = provider.email
    return profile


def resolve_public_key(verification_method):
    """The published key a verification method names, if it is one of ours."""
    prefix = issuer_id() + "#"
    if not verification_method.startswith(prefix):
        return None
    key = SigningKey.objects.filter(key_id=verification_method[len(prefix) :]).first()
    return decode_public_key(key.public_key_multibase) if key else None


def check_proof(credential):
    """Verify a credential's proof against our published keys (a VerificationResult)."""
    return verify(credential, resolve_public_key)
