"""Text from outside that must be safe to store or query."""

import re
import unicodedata
from decimal import Decimal

from django.utils import dateformat

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def without_control_characters(text, replacement=" "):
    """The text with control characters replaced (PostgreSQL refuses NUL in text)."""
    return _CONTROL.sub(replacement, str(text))


def invisible_characters(text):
    """The characters of a text that print nothing or change how the rest prints: control
    characters (Unicode category Cc) and format characters (Cf: bidi controls such as U+202E,
    which prints a name reversed, and zero-width spaces and joiners), in order, once each."""
    found = []
    for character in str(text):
        if unicodedata.category(character) in {"Cc", "Cf"} and character not in found:
            found.append(character)
    return found


def without_invisible_characters(text):
    """The text without its control and format characters (see invisible_characters)."""
    return "".join(c for c in str(text) if unicodedata.category(c) not in {"Cc", "Cf"})


def code_points(characters):
    """Characters as their code points, for messages: "U+202E, U+200B"."""
    return ", ".join(f"U+{ord(c):04X}" for c in characters)


def ce_amount(hours):
    """CE hours as written everywhere on the site and on certificates: NCBTMB's unit "CEs"
    (never "CEUs"), singular for exactly one: "1 CE", "2.5 CEs", "0 CEs". Up to two
    decimals, without trailing zeros."""
    if hours is None or hours == "":
        return ""
    number = f"{Decimal(str(hours)):.2f}".rstrip("0").rstrip(".")
    return f"{number} {ce_unit(hours)}"


def ce_unit(hours):
    """ "CE" for exactly one hour, "CEs" for any other amount."""
    return "CE" if Decimal(str(hours)) == 1 else "CEs"


def long_date(day):
    """A date as pages write it (the `date:"j F Y"` of the templates): "30 November 2026"."""
    return dateformat.format(day, "j F Y")
