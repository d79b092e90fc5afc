"""Finding certificates by verification code, and the facts the public may see."""

from .codes import MalformedCode, normalize
from .models import Certificate


def find_certificate(text):
    """The certificate for a code as typed, or None. Raises MalformedCode for non-codes."""
    return Certificate.objects.filter(code=normalize(text)).first()


def find_many(texts):
    """{input: (status, certificate or None, message)} for many codes in one query."""
    normalized = {}
    for text in texts:
        try:
            normalized[text] = normalize(text)
        except MalformedCode as error:
            normalized[text] = error
    codes = {v for v in normalized.values() if isinstance(v, str)}
    found = {c.code: c for c in Certificate.objects.filter(code__in=codes)}
    return normalized, found


def public_facts(certificate):
    """What verification shows (page and API): DESIGN.md section 5."""
    facts = {
        "code": certificate.display_code,
        "status": certificate.status,
        "learner_name": certificate.learner_name,
        "course_title": certificate.course_title,
        "course_type": certificate.course_type,
        "ce_hours": str(certificate.ce_hours.normalize()),
        "completed_on": certificate.completed_on.isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "provider_name": certificate.provider_name,
        "provider_number": certificate.provider_number,
        "verification_url": certificate.verification_url(),
        "credential_url": certificate.credential_url(),
    }
    if certificate.is_revoked:
        facts["revoked_at"] = certificate.revoked_at.isoformat()
        facts["revocation_reason"] = certificate.revocation_reason
    return facts
