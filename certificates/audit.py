"""The verification audit log: every lookup, written in one query per request."""

from datetime import timedelta

from django.utils import timezone

from cms.ratelimit import client_ip
from cms.text import without_control_characters

from .models import AssociationApiKey, VerificationLog

LAST_USED_PRECISION = timedelta(minutes=5)


def loggable(text):
    """The code as typed, safe to store: control characters (NUL included, which PostgreSQL
    refuses in text) become U+FFFD, and it is cut to the column's length."""
    return without_control_characters(text, "\ufffd")[:64]


def result_of(certificate, malformed=False):
    if malformed:
        return VerificationLog.MALFORMED
    if certificate is None:
        return VerificationLog.NOT_FOUND
    return VerificationLog.REVOKED if certificate.is_revoked else VerificationLog.VALID


def log_lookups(request, channel, lookups, api_key=None):
    """Record (code text, result) pairs for one request."""
    ip = client_ip(request) or None
    entries = [
        VerificationLog(
            channel=channel, api_key=api_key, ip_address=ip, code=loggable(code), result=result
        )
        for code, result in lookups
    ]
    if len(entries) == 1:
        entries[0].save(force_insert=True)  # one statement, no transaction around it
    else:
        VerificationLog.objects.bulk_create(entries)
    if api_key is not None:
        now = timezone.now()
        # Kept to the nearest few minutes, so most requests spend no query on it.
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
            AssociationApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
