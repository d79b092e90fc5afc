"""Sign and verify W3C Verifiable Credentials 2.0 / Open Badges 3.0 credentials.

Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (Ed25519 over RDFC-1.0
canonical N-Quads). Pure Python, no Django models, no network: JSON-LD contexts are bundled in
``contexts/``. See :mod:`.proofs` for :func:`sign` and :func:`verify`.
"""

from .jsonld import (
    CID_V1_CONTEXT,
    OB_V3P0_CONTEXT,
    VC_V2_CONTEXT,
    ContextNotBundled,
    UnsignableDocument,
    canonize,
    document_loader,
    expand_strict,
    refuse_control_characters,
)
from .multikey import (
    MultikeyError,
    decode_private_key,
    decode_public_key,
    encode_private_key,
    encode_public_key,
)
from .proofs import CHECKS, Check, VerificationResult, sign, verify

__all__ = [
    "CHECKS",
    "CID_V1_CONTEXT",
    "OB_V3P0_CONTEXT",
    "VC_V2_CONTEXT",
    "Check",
    "ContextNotBundled",
    "MultikeyError",
    "UnsignableDocument",
    "VerificationResult",
    "canonize",
    "decode_private_key",
    "decode_public_key",
    "document_loader",
    "encode_private_key",
    "encode_public_key",
    "expand_strict",
    "refuse_control_characters",
    "sign",
    "verify",
]
