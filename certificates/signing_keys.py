"""The issuer's signing key: from the environment in production, or a file made on first use.

Every key that has signed is published (as a `SigningKey` row) and stays published after a
rotation, so credentials signed with it keep verifying.
"""

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .credentials import decode_private_key, encode_private_key, encode_public_key
from .models import SigningKey


class SigningKeyError(RuntimeError):
    pass


def _key_file():
    return Path(settings.CREDENTIAL_KEY_FILE)


def _write_key_file(private_key):
    path = _key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(encode_private_key(private_key) + "\n")


def current_private_key():
    """The key that signs new credentials."""
    if settings.CREDENTIAL_SIGNING_KEY:
        return decode_private_key(settings.CREDENTIAL_SIGNING_KEY.strip())
    path = _key_file()
    if not path.exists():
        _write_key_file(Ed25519PrivateKey.generate())
    return decode_private_key(path.read_text().strip())


def key_id_for(public_multibase):
    return "key-" + hashlib.sha256(public_multibase.encode()).hexdigest()[:12]


def publish(private_key):
    """The published record of a key, created on first use; it becomes the current one."""
    public = encode_public_key(private_key.public_key())
    record, created = SigningKey.objects.get_or_create(
        public_key_multibase=public, defaults={"key_id": key_id_for(public)}
    )
    if created:
        SigningKey.objects.exclude(pk=record.pk).filter(retired_at__isnull=True).update(
            retired_at=timezone.now()
        )
    return record


def rotate_embedded_key():
    """Replace the key file with a new key; the old public key stays published."""
    if settings.CREDENTIAL_SIGNING_KEY:
        raise SigningKeyError(
            "The signing key comes from CREDENTIAL_SIGNING_KEY: generate a new key with "
            "--print, set it in the environment, restart, and the new key is published on "
            "first use."
        )
    current_private_key()
    publish(current_private_key())
    new_key = Ed25519PrivateKey.generate()
    _write_key_file(new_key)
    return publish(new_key)
