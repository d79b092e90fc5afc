"""NCBTMB's home-study rule of thumb for CE hours, applied to course content.

About 12,000 words read, or 1 hour of video or audio, make one CE hour.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import strip_tags

WORDS_PER_CE_HOUR = 12_000
MEDIA_MINUTES_PER_CE_HOUR = 60

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def count_words(text):
    """Count the words in plain text or HTML (tags are not words)."""
    return len(_WORD.findall(strip_tags(text or "")))


def _block_text_and_minutes(block):
    kind = block.block_type
    value = block.value
    if kind == "text":
        return value.source, 0
    if kind == "callout":
        return f"{value['title']} {value['body'].source}", 0
    if kind == "figure":
        return value["caption"], 0
    if kind == "video":
        # A transcript is an alternative to watching, so only the running time counts.
        return value["title"], value["duration_minutes"] or 0
    return "", 0


def stream_reading_load(stream_value):
    """Return (words, media minutes) of a module body StreamField value."""
    words = 0
    minutes = 0
    for block in stream_value:
        text, block_minutes = _block_text_and_minutes(block)
        words += count_words(text)
        minutes += block_minutes
    return words, minutes


@dataclass(frozen=True)
class CEHourEstimate:
    words: int
    media_minutes: int

    @property
    def hours(self):
        """Estimated CE hours, to two decimals."""
        raw = (
            Decimal(self.words) / WORDS_PER_CE_HOUR
            + Decimal(self.media_minutes) / MEDIA_MINUTES_PER_CE_HOUR
        )
        return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def compare(self, claimed_hours):
        """Say how the claimed CE hours stand against the estimate, in a word."""
        if claimed_hours is None:
            return "unknown"
        claimed = Decimal(claimed_hours)
        if self.hours == 0:
            return "no content"
        ratio = claimed / self.hours
        if ratio > Decimal("1.25"):
            return "more than the content supports"
        if ratio < Decimal("0.75"):
            return "less than the content supports"
        return "in line with the content"


def estimate_for_modules(modules):
    """Add up the reading load of module pages into one CE-hour estimate."""
    words = 0
    minutes = 0
    for module in modules:
        module_words, module_minutes = stream_reading_load(module.body)
        words += module_words + count_words(module.summary)
        minutes += module_minutes
    return CEHourEstimate(words=words, media_minutes=minutes)
