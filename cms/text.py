"""Text from outside that must be safe to store or query."""

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def without_control_characters(text, replacement=" "):
    """The text with control characters replaced (PostgreSQL refuses NUL in text)."""
    return _CONTROL.sub(replacement, str(text))
