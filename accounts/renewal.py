"""A learner's licence renewal: the CE hours their board requires per period, and the period.

Pure date arithmetic on the facts the learner gives in the profile (accounts.User):
`ce_hours_required`, `renewal_due_on` (the day the current licence period ends) and
`renewal_period_months`. The period start is derived, never stored.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from cms.text import long_date

DEFAULT_PERIOD_MONTHS = 24
PERIOD_CHOICES = [
    (12, "12 months (every year)"),
    (24, "24 months (every 2 years)"),
    (36, "36 months (every 3 years)"),
    (48, "48 months (every 4 years)"),
]
MIN_HOURS, MAX_HOURS = 1, 200
# A renewal date further back than this is a mistake, not a period to show.
OLDEST_DUE_DATE = timedelta(days=366)


def add_months(day, months):
    """`day` moved by whole months; past the end of a shorter month it lands on its last day
    (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_ending(end, months):
    """The licence period of `months` months that ends on `end` (both days included)."""
    return add_months(end, -months) + timedelta(days=1), end


@dataclass(frozen=True)
class RenewalPeriod:
    """The stretch of time whose CE hours count towards the next renewal.

    With a renewal date: the licence period ending on it. If that date has passed, the
    period is rolled forward by whole periods to the one running today (`rolled_forward`),
    as licences renew on a fixed cycle. Without one: the last `months` months up to today
    (`due_on` is None).
    """

    start: date
    end: date
    months: int
    due_on: date | None
    rolled_forward: bool = False


def renewal_period(due_on, months, today):
    """The renewal period running `today` (see RenewalPeriod)."""
    months = months or DEFAULT_PERIOD_MONTHS
    if due_on is None:
        start, end = period_ending(today, months)
        return RenewalPeriod(start, end, months, None)
    end, cycles = due_on, 0
    while end < today:
        cycles += 1
        end = add_months(due_on, cycles * months)  # from the original date: no day drift
    start, end = period_ending(end, months)
    return RenewalPeriod(start, end, months, end, rolled_forward=cycles > 0)


def due_date_problem(due_on, months, today):
    """Why `due_on` cannot be the end of the current licence period, or None if it can."""
    if due_on < today - OLDEST_DUE_DATE:
        return (
            "That date is more than a year ago. Enter the day your current licence period "
            "ends (your next renewal), or leave it empty."
        )
    start, _ = period_ending(due_on, months or DEFAULT_PERIOD_MONTHS)
    if start > today:
        return (
            f"A {months}-month licence period ending on {long_date(due_on)} would not have "
            "started yet. "
            "Check the date and the length of the period."
        )
    return None
