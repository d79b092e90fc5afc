"""Finding certificates by verification code, and the facts the public may see.

Found certificates are kept in the cache by code (Redis, shared, in production), so a
verification costs no lookup query, and so is the API's answer: the certificate's status and
its public facts as the JSON the API sends (building the facts and unpickling the certificate
was a fifth of an API lookup's CPU; serializing them again for each lookup, a few per cent
more). A certificate's copies are dropped whenever it is saved and when it is revoked (an
update that sends no signal), so a revocation shows on the next look-up. Codes not found are
not kept: a new certificate is found at once.
"""

import json

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder

from .codes import MalformedCode, normalize
from .models import Certificate

CACHE_SECONDS = 60 * 60


def cache_key(code):
    return f"certificate:{code}"


def answer_key(code):
    """The facts hold absolute URLs, so the site's address is part of their key."""
    return f"certificate-answer:{code}:{settings.WAGTAILADMIN_BASE_URL}"


def forget_certificate(code):
    cache.delete_many([cache_key(code), answer_key(code)])


def find_certificate(text):
    """The certificate for a code as typed, or None. Raises MalformedCode for non-codes."""
    code = normalize(text)
    certificate = cache.get(cache_key(code))
    if certificate is None:
        certificate = Certificate.objects.filter(code=code).first()
        if certificate is not None:
            cache.set(cache_key(code), certificate, CACHE_SECONDS)
    return certificate


def keep_answer(code):
    """api_answer() of the certificate for a normalized code, kept under answer_key(code) for
    the next lookup (the API reads it there first: api.admit_and_find); None when no
    certificate has the code."""
    certificate = find_certificate(code)
    if certificate is None:
        return None
    answer = api_answer(certificate)
    cache.set(answer_key(code), answer, CACHE_SECONDS)
    return answer


def api_answer(certificate):
    """(status, JSON body): what the API answers for a certificate, public_facts() as JSON,
    and the status its log row records."""
    return certificate.status, json.dumps(public_facts(certificate), cls=DjangoJSONEncoder)


def find_many(texts):
    """{input: (status, certificate or None, message)} for many codes in one query."""
    normalized = {}
    for text in texts:
        try:
            normalized[text] = normalize(text)
        except MalformedCode as error:
            normalized[text] = error
    codes = {v for v in normalized.values() if isinstance(v, str)}
    kept = cache.get_many([cache_key(code) for code in codes])
    found = {certificate.code: certificate for certificate in kept.values()}
    missing = codes - found.keys()
    if missing:
        fetched = {c.code: c for c in Certificate.objects.filter(code__in=missing)}
        cache.set_many({cache_key(code): c for code, c in fetched.items()}, CACHE_SECONDS)
        found.update(fetched)
    return normalized, found


def public_facts(certificate):
    """What verification shows (page and API): DESIGN.md section 5."""
    facts = {
        "code": certificate.display_code,
        "status": certificate.status,
        "learner_name": certificate.learner_name,
        "course_title": certificate.course_title,
        "course_type": certificate.course_type,
        "ce_hours": format(certificate.ce_hours.normalize(), "f"),
        "completed_on": certificate.completed_on.isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "provider_name": certificate.provider_name,
        "provider_number": certificate.provider_number,
        "instructors": [
            {"name": name, "credentials": credentials}
            for name, credentials in certificate.instructors
        ],
        "verification_url": certificate.verification_url(),
        "credential_url": certificate.credential_url(),
    }
    if certificate.is_revoked:
        facts["revoked_at"] = certificate.revoked_at.isoformat()
        facts["revocation_reason"] = certificate.revocation_reason
    return facts
