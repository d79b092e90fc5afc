"""CE hours towards the learner's next licence renewal, shown on the dashboard.

Counted: the learner's valid (not revoked) certificates whose completion date falls inside
the renewal period running today (accounts.renewal): the licence period ending on the
renewal date the learner gave, or, without one, the last `renewal_period_months` months.
"""

from dataclasses import dataclass
from decimal import Decimal

from accounts.renewal import RenewalPeriod
from cms.charts import meter
from cms.text import ce_amount, long_date


@dataclass(frozen=True)
class CeProgress:
    period: RenewalPeriod
    earned: Decimal
    target: int | None
    counted: tuple  # the certificates that count, newest first

    @property
    def remaining(self):
        """CE hours still needed to reach the target (0 once reached), or None without one."""
        return None if self.target is None else max(self.target - self.earned, Decimal(0))

    @property
    def reached(self):
        return self.target is not None and self.earned >= self.target

    @property
    def meter(self):
        """The meter to draw (cms.charts.Meter), or None without a target."""
        return meter(self.earned, self.target) if self.target else None


def valid_hours(certificates):
    """The CE hours of those of the certificates that are not revoked."""
    return sum((c.ce_hours for c in certificates if not c.is_revoked), start=Decimal(0))


def counts_towards(certificate, period):
    """Whether a certificate's CE hours count in the period: valid, and completed in it."""
    return not certificate.is_revoked and period.start <= certificate.completed_on <= period.end


def ce_progress(user, certificates, today):
    """The learner's CE hours in the renewal period running `today`, from `certificates`
    (the learner's certificates, already fetched: this makes no query)."""
    period = user.renewal_period(today)
    counted = tuple(c for c in certificates if counts_towards(c, period))
    return CeProgress(
        period=period,
        earned=valid_hours(counted),
        target=user.ce_hours_required,
        counted=counted,
    )


def meter_texts(progress):
    """The words of the CE meter (cms/includes/chart_meter.html): its title, caption and
    description, and the amounts that the chart and its table both print."""
    period, target = progress.period, ce_amount(progress.target)
    earned, remaining = ce_amount(progress.earned), ce_amount(progress.remaining)
    span = f"{long_date(period.start)} to {long_date(period.end)}"
    if period.due_on:
        title = "CE hours this licence period"
        where = f"this licence period ({span})"
        needed = f"{remaining} still needed by {long_date(period.end)}"
    else:
        title = f"CE hours in the last {period.months} months"
        where = f"in the last {period.months} months ({span})"
        needed = f"{remaining} still needed"
    return {
        "title": title,
        "caption": f"CE hours from valid certificates completed {where}, against the {target} "
        "your board requires.",
        "description": f"Meter: {earned} earned of the {target} required; {needed}.",
        "earned": earned,
        "target": target,
        "remaining": remaining,
        "due": long_date(period.end) if period.due_on else "",
    }
