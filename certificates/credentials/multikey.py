"""Ed25519 keys as Multikey strings (multibase base58-btc with a multicodec header).

A public key is ``z`` + base58btc(0xed 0x01 + 32 key bytes), the ``publicKeyMultibase`` of a
``Multikey`` verification method; a secret key is ``z`` + base58btc(0x80 0x26 + 32 seed bytes).
Verification methods are plain URLs such as ``https://example.org/credentials/issuer#key-1``;
nothing here depends on ``did:key``.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

BASE58BTC_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58BTC_INDEX = {character: index for index, character in enumerate(BASE58BTC_ALPHABET)}

MULTIBASE_BASE58BTC_PREFIX = "z"
ED25519_PUB_HEADER = b"\xed\x01"  # multicodec ed25519-pub (0xed) as an unsigned varint
ED25519_PRIV_HEADER = b"\x80\x26"  # multicodec ed25519-priv (0x1300) as an unsigned varint
ED25519_KEY_LENGTH = 32


class MultikeyError(ValueError):
    """A multibase or Multikey string that cannot be decoded."""


def base58btc_encode(data: bytes) -> str:
    """Encode bytes with the Bitcoin base58 alphabet (leading zero bytes become ``1``)."""
    zeros = len(data) - len(data.lstrip(b"\x00"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58BTC_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Decode a Bitcoin-alphabet base58 string; raises :class:`MultikeyError` if invalid."""
    if not isinstance(text, str):
        raise MultikeyError("base58 input must be a string")
    number = 0
    for character in text:
        try:
            number = number * 58 + _BASE58BTC_INDEX[character]
        except KeyError:
            raise MultikeyError(f"{character!r} is not a base58btc character") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * zeros + body


def multibase_encode(data: bytes) -> str:
    """Multibase-encode bytes as base58-btc (the ``z`` prefix)."""
    return MULTIBASE_BASE58BTC_PREFIX + base58btc_encode(data)


def multibase_decode(text: str) -> bytes:
    """Decode a base58-btc multibase string (``z`` prefix); other bases are refused."""
    if not isinstance(text, str) or not text.startswith(MULTIBASE_BASE58BTC_PREFIX):
        raise MultikeyError("expected a multibase base58-btc string starting with 'z'")
    if len(text) == 1:
        raise MultikeyError("empty multibase value")
    return base58btc_decode(text[1:])


def _decode_with_header(text: str, header: bytes, what: str) -> bytes:
    """Decode a multibase string and strip its multicodec ``header``, checking the length."""
    data = multibase_decode(text)
    if not data.startswith(header):
        raise MultikeyError(f"not an {what}: the multicodec header is not {header.hex()}")
    key = data[len(header) :]
    if len(key) != ED25519_KEY_LENGTH:
        raise MultikeyError(f"an {what} has {ED25519_KEY_LENGTH} bytes, this one has {len(key)}")
    return key


def encode_public_key(public_key: Ed25519PublicKey) -> str:
    """Return the Multikey ``publicKeyMultibase`` of an Ed25519 public key."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_encode(ED25519_PUB_HEADER + raw)


def decode_public_key(public_key_multibase: str) -> Ed25519PublicKey:
    """Parse a Multikey ``publicKeyMultibase`` (``z6Mk...``) into an Ed25519 public key."""
    raw = _decode_with_header(public_key_multibase, ED25519_PUB_HEADER, "Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw)


def encode_private_key(private_key: Ed25519PrivateKey) -> str:
    """Return the secret-key multibase (``z3u2...``) of an Ed25519 private key.

    The result is the key itself: keep it out of logs, fixtures and the database.
    """
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_encode(ED25519_PRIV_HEADER + raw)


def decode_private_key(secret_key_multibase: str) -> Ed25519PrivateKey:
    """Parse a secret-key multibase (multicodec 0x1300 header) into an Ed25519 private key."""
    raw = _decode_with_header(secret_key_multibase, ED25519_PRIV_HEADER, "Ed25519 secret key")
    return Ed25519PrivateKey.from_private_bytes(raw)


def verification_method(
    verification_method_id: str, controller: str, public_key: Ed25519PublicKey
) -> dict:
    """Return the ``Multikey`` verification method object to publish for ``public_key``.

    For the issuer's controller document (its ``assertionMethod``); ``verification_method_id``
    is the URL a proof's ``verificationMethod`` names, e.g.
    ``https://example.org/credentials/issuer#key-1``.
    """
    return {
        "id": verification_method_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": encode_public_key(public_key),
    }
