"""Association API keys: issued once, stored hashed, checked in constant time."""

import hashlib
import hmac
import re
import secrets

from django.utils import timezone

from wagtail.log_actions import log

from .models import AssociationApiKey

KEY_PREFIX = "nmt"
PREFIX_FORM = re.compile(r"[0-9a-f]{8}")  # secrets.token_hex(4): checked before any query


def _hash(secret):
    # Keys are 256 random bits, so a plain SHA-256 is enough (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


KEY_CREATE = "nmt.api_key.create"
KEY_REVOKE = "nmt.api_key.revoke"


def create_api_key(name, created_by=None):
    """Create a key for an association; return (record, full key shown once)."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    record = AssociationApiKey.objects.create(
        name=name, prefix=prefix, key_hash=_hash(secret), created_by=created_by
    )
    log(record, KEY_CREATE, user=created_by, data={"name": name})
    return record, f"{KEY_PREFIX}_{prefix}_{secret}"


class InvalidApiKey(ValueError):
    pass


def authenticate_key(text):
    """The active key record for a presented key; raises InvalidApiKey otherwise."""
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not PREFIX_FORM.fullmatch(parts[1]):
        raise InvalidApiKey("The API key is not in the expected form.")
    record = AssociationApiKey.objects.filter(prefix=parts[1]).first()
    if record is None or not hmac.compare_digest(record.key_hash, _hash(parts[2])):
        raise InvalidApiKey("The API key is not valid.")
    if not record.is_active:
        raise InvalidApiKey("The API key has been revoked.")
    return record


def revoke_api_key(record, by=None):
    revoked = AssociationApiKey.objects.filter(pk=record.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        log(record, KEY_REVOKE, user=by, data={"name": record.name})
