"""Module progress and seat time, kept on the server.

Seat time is wall-clock time (docs: DESIGN.md section 4): a learner is credited for at most
one module at a time, so the reading time credited to them, summed over all modules of all
courses, never exceeds the time that passed.

Each learner has one seat clock (`SeatClock.last_credit_at`): when their reading time was
last credited, for any module. A credit measures its gap from the later of that clock and the
module's `last_activity_at` (its first view, or its own last credit) up to now, so a gap never
reaches back before the learner's last credit anywhere; no clock yet means no credit yet:

- a heartbeat from the reading page (sent only while the tab is visible) credits the gap, at
  most one heartbeat interval; a gap shorter than 80 % of the interval credits nothing and
  changes nothing (a heartbeat too soon after the previous one, or after a credit to another
  module: another tab);
- without JavaScript, the completion request credits the gap (for a page read straight
  through: the time since its first view, or since the learner's last credit if that is
  later), at most what the module still needs to reach its minimum.

A credit moves the seat clock and the module's `last_activity_at` to now, in one transaction:
the clock by a conditional UPDATE on the value the gap was measured from (the learner's first
credit creates the clock; the primary key keeps one of two concurrent first credits), the
module row by a conditional UPDATE on the values it was read with. Of two concurrent requests
(two tabs, for two modules or the same one) only one credits a stretch of time; the other
measures again from what the first wrote, and finds nothing left to credit. Time not credited
(a hidden tab, a sleeping laptop, the part of a long pause above a cap) is not carried over.
"""

import math
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from cms.sql import one_instance, quoted_names, select_list

from .enrollment import enrollment_for
from .models import Enrollment, ModuleProgress, SeatClock
from .signals import module_completed

TOO_FAST = 0.8
# A credit that loses a race measures again from what the winner wrote; it almost always
# finds nothing left to credit, so a second round is rare and a third rarer still.
CREDIT_ROUNDS = 3


def minimum_seconds(module, course):
    """Seat time a module needs before it can be marked complete."""
    if not course.require_seat_time:
        return 0
    return math.ceil(module.estimated_minutes * 60 * settings.SEAT_TIME_SCALE)


def record_view(enrollment, module, now=None):
    """The learner's progress row for a module, created at the first view."""
    now = now or timezone.now()
    progress = ModuleProgress.objects.filter(enrollment=enrollment, module=module).first()
    if progress:
        return progress
    try:
        with transaction.atomic():
            return ModuleProgress.objects.create(
                enrollment=enrollment, module=module, first_viewed_at=now, last_activity_at=now
            )
    except IntegrityError:
        return ModuleProgress.objects.get(enrollment=enrollment, module=module)


def _seat_clock_of(user_id):
    """The learner's seat clock as a subquery: None when they have none yet."""
    return Subquery(SeatClock.objects.filter(pk=user_id).values("last_credit_at")[:1])


def learner_progress(user, module, course, for_credit=True):
    """The learner's enrollment in the course and progress row for the module, the row made
    at the first view; (None, None) when not enrolled. One query once the row exists: module
    pages, heartbeats and completions ask on every request.

    A request that credits time (`for_credit`: heartbeats, completions) reads the learner's
    seat clock in the same query. The module page only shows the row (`for_credit=False`),
    and reads it with `reading_progress`."""
    if not user.is_authenticated:
        return None, None
    if for_credit:
        progress = (
            ModuleProgress.objects.select_related("enrollment")
            .filter(enrollment__user=user, enrollment__course_id=course.id, module=module)
            .annotate(seat_clock_at=_seat_clock_of(user.pk))
            .first()
        )
    else:
        progress = reading_progress(user, module, course)
    if progress is not None:
        return progress.enrollment, progress
    enrollment = enrollment_for(user, course)
    if enrollment is None:
        return None, None
    return enrollment, record_view(enrollment, module)


def reading_progress(user, module, course):
    """The learner's progress row for the module with its enrollment (holding only its id,
    user and course), or None: one query, written in SQL. Every signed-in module page asks
    it, and through the ORM compiling the join cost more CPU than the rest of the read
    (0.7 against 0.12 ms; decision 0199)."""
    row = one_instance(ModuleProgress, reading_progress_sql(), [user.pk, course.id, module.id])
    if row is not None:
        names = ["id", "user_id", "course_id"]
        values = [row.enrollment_id, user.pk, course.id]
        row.enrollment = Enrollment.from_db(connection.alias, names, values)
        row.enrollment.user = user
    return row


@cache
def reading_progress_sql():
    """The statement reading_progress sends, built once per process (as accounts.backends'
    user_sql is)."""
    progress_table, p = quoted_names(ModuleProgress)
    enrollment_table, e = quoted_names(Enrollment)
    return (
        f"SELECT {select_list(ModuleProgress, 'p')} FROM {progress_table} p"  # noqa: S608  # nosec B608
        f" JOIN {enrollment_table} e"
        f" ON p.{p['enrollment']} = e.{e['id']}"
        f" WHERE e.{e['user']} = %s AND e.{e['course']} = %s AND p.{p['module']} = %s"
    )


def _reload(progress, user_id):
    """Read the module row's credit and the learner's seat clock again, in one query."""
    fresh = (
        ModuleProgress.objects.filter(pk=progress.pk)
        .annotate(seat_clock_at=_seat_clock_of(user_id))
        .values("seconds_credited", "last_activity_at", "completed_at", "seat_clock_at")
        .get()
    )
    for name, value in fresh.items():
        setattr(progress, name, value)


class _Lost(Exception):
    """The module row changed since it was read: undo the clock's move."""


def _write_credit(progress, user_id, clock, seconds, now):
    """Move the seat clock from `clock` to now and add the seconds to the module row, both or
    neither; False if another request moved either first."""
    try:
        with transaction.atomic():
            if clock is None:
                SeatClock.objects.create(user_id=user_id, last_credit_at=now)
            elif not SeatClock.objects.filter(pk=user_id, last_credit_at=clock).update(
                last_credit_at=now
            ):
                return False
            if not ModuleProgress.objects.filter(
                pk=progress.pk,
                last_activity_at=progress.last_activity_at,
                seconds_credited=progress.seconds_credited,
            ).update(seconds_credited=progress.seconds_credited + seconds, last_activity_at=now):
                raise _Lost
    except (IntegrityError, _Lost):  # IntegrityError: a concurrent first credit made the clock
        return False
    return True


def _credit(progress, now, at_most, at_least=0):
    """Credit the time since the later of the learner's seat clock and the module's last
    activity, at most `at_most(progress)` seconds and nothing if under `at_least`; return the
    seconds credited.

    The seat clock comes from `learner_progress`'s query when the progress row was read
    there (used once); otherwise it is read here, with the row."""
    user_id = progress.enrollment.user_id
    if "seat_clock_at" not in progress.__dict__:
        _reload(progress, user_id)
    for _ in range(CREDIT_ROUNDS):
        clock = progress.__dict__.pop("seat_clock_at")
        since = (
            progress.last_activity_at if clock is None else max(clock, progress.last_activity_at)
        )
        gap = (now - since).total_seconds()
        if gap < at_least:
            return 0
        seconds = int(min(gap, at_most(progress)))
        if seconds <= 0:
            return 0
        if _write_credit(progress, user_id, clock, seconds, now):
            progress.seconds_credited += seconds
            progress.last_activity_at = now
            return seconds
        _reload(progress, user_id)  # another request credited first: measure again
    return 0


def record_heartbeat(progress, now=None):
    """Credit a heartbeat from the reading page; return the seconds credited."""
    now = now or timezone.now()
    interval = settings.SEAT_TIME_HEARTBEAT_SECONDS
    return _credit(progress, now, at_most=lambda _: interval, at_least=interval * TOO_FAST)


@dataclass(frozen=True)
class CompletionResult:
    completed: bool
    newly_completed: bool
    remaining_seconds: int

    @property
    def remaining_minutes(self):
        return math.ceil(self.remaining_seconds / 60)


def remaining_seconds(progress, module, course):
    return max(0, minimum_seconds(module, course) - progress.seconds_credited)


def mark_complete(progress, module, course, now=None):
    """Record the module complete if its seat time is met; say how much is left otherwise."""
    now = now or timezone.now()
    if progress.completed_at:
        return CompletionResult(True, False, 0)
    minimum = minimum_seconds(module, course)
    if progress.seconds_credited < minimum:
        _credit(progress, now, at_most=lambda current: minimum - current.seconds_credited)
    left = remaining_seconds(progress, module, course)
    if left > 0:
        return CompletionResult(False, False, left)
    won = ModuleProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        completed_at=now
    )
    progress.refresh_from_db(fields=["completed_at"])
    if won:
        module_completed.send(sender=ModuleProgress, progress=progress)
    return CompletionResult(True, bool(won), 0)
