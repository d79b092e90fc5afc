"""The revocation status list: a signed Bitstring Status List credential.

One list of 131,072 bits (16 KB before compression, as the spec's privacy floor asks), bit 0
left-most. Every certificate gets a random, unused index when its credential is first made;
revoking sets its bit. The signed list is cached and dropped from the cache at each revocation.
"""

import base64
import gzip
import secrets

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.links import absolute_url

from .credentials import VC_V2_CONTEXT, sign
from .models import Certificate

LIST_ID = "1"
LIST_BITS = 131_072
CACHE_KEY = f"status-list:{LIST_ID}"
INDEX_TRIES = 20


def list_url():
    return absolute_url(f"/credentials/status/{LIST_ID}")


def assign_index(certificate):
    """Give the certificate a random free index in the list (kept for good); return it."""
    if certificate.status_list_index is not None:
        return certificate.status_list_index
    for _ in range(INDEX_TRIES):
        index = secrets.randbelow(LIST_BITS)
        try:
            with transaction.atomic():
                updated = Certificate.objects.filter(
                    pk=certificate.pk, status_list_index__isnull=True
                ).update(status_list_index=index)
        except IntegrityError:
            continue  # taken by another certificate: draw again
        certificate.refresh_from_db(fields=["status_list_index"])
        if updated or certificate.status_list_index is not None:
            return certificate.status_list_index
    raise RuntimeError("The status list has no free index; start a second list.")


def status_entry(certificate):
    index = assign_index(certificate)
    return {
        "id": f"{list_url()}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url(),
    }


def encode_bits(indexes, size=LIST_BITS):
    """GZIP-compressed, base64url (no padding) bitstring with a multibase 'u' prefix."""
    data = bytearray(size // 8)
    for index in indexes:
        data[index // 8] |= 0x80 >> (index % 8)  # bit 0 is the left-most bit
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(data), mtime=0)).decode().rstrip("=")


def decode_bits(encoded):
    """The raw bytes of an encoded list."""
    if not encoded.startswith("u"):
        raise ValueError("The encoded list is not multibase base64url.")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_is_set(raw, index):
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


def revoked_indexes():
    return list(
        Certificate.objects.filter(
            status=Certificate.REVOKED, status_list_index__isnull=False
        ).values_list("status_list_index", flat=True)
    )


def status_list_credential():
    """The signed status list credential, from the cache when it is current."""
    cached = cache.get(CACHE_KEY)
    if cached:
        return cached
    from .openbadges import issuer_id, verification_method_id
    from .signing_keys import current_private_key, publish

    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = {
        "@context": [VC_V2_CONTEXT],
        "id": list_url(),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": now,
        "credentialSubject": {
            "id": f"{list_url()}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(revoked_indexes()),
        },
    }
    private_key = current_private_key()
    signed = sign(unsigned, private_key, verification_method_id(publish(private_key)), now)
    cache.set(CACHE_KEY, signed, timeout=60 * 60)
    return signed


def forget_status_list():
    """Drop the cached list, so the next request signs one with the latest revocations."""
    cache.delete(CACHE_KEY)
