"""Verification codes: 80 random bits in Crockford's base32, shown in groups of four.

Crockford's alphabet leaves out I, L, O and U, so nothing reads ambiguously; when a person
types a code, I and L are read as 1 and O as 0, case does not matter, and separators
(hyphens, spaces) are ignored.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 16 x 5 bits = 80 bits of entropy
GROUP = 4
_SEPARATORS = re.compile(r"[\s\-_.]")
_TYPO = str.maketrans({"I": "1", "L": "1", "O": "0"})
_STORED = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


class MalformedCode(ValueError):
    """The text cannot be a verification code."""


def new_code():
    """A fresh random code in its stored form (no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text):
    """The stored form of a code as typed: upper case, no separators, typos mapped."""
    if not isinstance(text, str) or len(text) > 64:
        raise MalformedCode(
            "A verification code is 16 letters and digits, like ABCD-EFGH-JKMN-PQRS."
        )
    code = _SEPARATORS.sub("", text).upper().translate(_TYPO)
    if not _STORED.fullmatch(code):
        raise MalformedCode(
            "A verification code is 16 letters and digits, like ABCD-EFGH-JKMN-PQRS."
        )
    return code


def display(code):
    """The readable form: four groups of four separated by hyphens."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
