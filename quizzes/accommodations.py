"""Accommodations: what one learner is allowed on one quiz once an administrator's grants are
added to the quiz's own settings.

Grants are records (`quizzes.models.Accommodation`, never edited or deleted) and add up:

- extra attempts: the sum over all grants, on top of the quiz's limit (a quiz with no limit
  stays without one);
- time: the largest multiplier granted applies to the quiz's time limit;
- an earlier retry: a grant made after the learner's last attempt, with a "may start from"
  time, lets the next attempt start then instead of after the quiz's minimum delay. A grant
  made before the last attempt was used for that attempt and does not waive later delays.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .models import Accommodation


@dataclass(frozen=True)
class Allowance:
    """A learner's limits on one quiz, accommodations included."""

    max_attempts: int  # 0 = no limit
    time_limit_minutes: int | None
    retry_delay_minutes: int
    grants: tuple[Accommodation, ...] = ()

    def next_start(self, last_submitted_at: datetime | None) -> datetime | None:
        """The earliest time the next attempt may start, or None for "now"."""
        if last_submitted_at is None or not self.retry_delay_minutes:
            return None
        ready = last_submitted_at + timedelta(minutes=self.retry_delay_minutes)
        early = [
            g.retry_from for g in self.grants if g.retry_from and g.granted_at > last_submitted_at
        ]
        return min([ready, *early])


def combine(quiz, grants):
    """The allowance of a quiz with these grants (plain data in, plain data out)."""
    grants = tuple(grants)
    extra = sum(g.extra_attempts for g in grants)
    multiplier = max((g.time_multiplier for g in grants), default=Decimal(1))
    time_limit = quiz.time_limit_minutes
    if time_limit:
        time_limit = math.ceil(time_limit * multiplier)
    return Allowance(
        max_attempts=quiz.max_attempts + extra if quiz.max_attempts else 0,
        time_limit_minutes=time_limit,
        retry_delay_minutes=quiz.retry_delay_minutes,
        grants=grants,
    )


def allowance(user, quiz):
    """The learner's allowance on the quiz, from its settings and every grant (one query)."""
    return combine(quiz, Accommodation.objects.filter(user=user, quiz=quiz).order_by("granted_at"))


def describe(grant):
    """What a grant gives, in a learner's words."""
    parts = []
    if grant.extra_attempts:
        noun = "attempt" if grant.extra_attempts == 1 else "attempts"
        parts.append(f"{grant.extra_attempts} extra {noun}")
    if grant.time_multiplier > 1:
        parts.append(f"time limit ×{grant.time_multiplier.normalize()}")
    if grant.retry_from:
        parts.append("an earlier next attempt")
    return ", ".join(parts)
