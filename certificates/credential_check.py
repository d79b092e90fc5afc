"""Checking a credential someone submits: format, issuer, proof, status and dates.

Each check is reported by name, so a verifier sees exactly what failed and why. Keys and the
status come from our own database, never from URLs inside the submitted document.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from .credentials import VC_V2_CONTEXT
from .models import Certificate
from .openbadges import check_proof, issuer_id
from .status_list import LIST_BITS, list_url

CHECK_ORDER = ("format", "issuer", "proof", "status", "dates")


@dataclass
class Report:
    checks: list = field(default_factory=list)

    def add(self, name, passed, detail):
        self.checks.append({"check": name, "passed": passed, "detail": detail})

    @property
    def verified(self):
        return len(self.checks) == len(CHECK_ORDER) and all(c["passed"] for c in self.checks)


def _check_format(credential):
    contexts = credential.get("@context")
    types = credential.get("type")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2_CONTEXT:
        return False, "The first @context must be the VC 2.0 context."
    if not isinstance(types, list) or not {"VerifiableCredential", "OpenBadgeCredential"} <= set(
        types
    ):
        return False, "The type must include VerifiableCredential and OpenBadgeCredential."
    if not isinstance(credential.get("credentialSubject"), dict):
        return False, "The credential has no credentialSubject."
    return True, "An Open Badges 3.0 credential."


def _check_issuer(credential):
    issuer = credential.get("issuer")
    found = issuer.get("id") if isinstance(issuer, dict) else issuer
    if found != issuer_id():
        return False, f"Issued by {found!r}, not by this provider ({issuer_id()})."
    return True, "Issued by this provider."


def _check_proof(credential):
    result = check_proof(credential)
    if result.verified:
        return True, "The signature matches a key this provider publishes."
    failed = next((c for c in result.checks if not c.passed), None)
    return False, failed.reason if failed else "The proof did not verify."


def _check_status(credential):
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("statusListCredential") != list_url():
        return False, "The credential has no status entry in this provider's status list."
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        return False, "The status list index is not a number."
    if not 0 <= index < LIST_BITS:
        return False, "The status list index is out of range."
    certificate = Certificate.objects.filter(status_list_index=index).first()
    if certificate is None:
        return False, "No certificate has this status list index."
    if certificate.is_revoked:
        return False, (
            f"Revoked on {certificate.revoked_at:%Y-%m-%d}: {certificate.revocation_reason}"
        )
    return True, "Not revoked."


def _parse(value):
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _check_dates(credential, now):
    valid_from = _parse(credential.get("validFrom"))
    if valid_from is None:
        return False, "validFrom is missing or not a date-time with a time zone."
    if valid_from > now:
        return False, "The credential is not valid yet."
    if "validUntil" in credential:
        valid_until = _parse(credential["validUntil"])
        if valid_until is None or valid_until <= now:
            return False, "The credential has expired (validUntil)."
    return True, "Within its validity period."


def check_credential(credential, now=None):
    """Run every check on a submitted credential; stop at the first that fails."""
    now = now or timezone.now()
    report = Report()
    steps = (
        ("format", _check_format),
        ("issuer", _check_issuer),
        ("proof", _check_proof),
        ("status", _check_status),
        ("dates", lambda c: _check_dates(c, now)),
    )
    for name, step in steps:
        passed, detail = step(credential)
        report.add(name, passed, detail)
        if not passed:
            break
    return report
