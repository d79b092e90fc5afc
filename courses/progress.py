"""Module progress and seat time, kept on the server.

Seat time is credited in two ways, both capped so that time cannot be inflated:

- heartbeats from the reading page (sent only while the tab is visible) credit the time since
  the previous activity, at most one heartbeat interval; a heartbeat that arrives sooner than
  80 % of the interval after the previous one changes nothing;
- without JavaScript, the completion request credits the time since the previous activity
  (the first view, for a page read straight through), at most the module's minimum.

Every credit is a conditional UPDATE on the previous `last_activity_at`, so two concurrent
requests cannot both credit the same stretch of time.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .enrollment import enrollment_for
from .models import ModuleProgress
from .signals import module_completed

TOO_FAST = 0.8


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


def learner_progress(user, module, course):
    """The learner's enrollment in the course and progress row for the module, the row made
    at the first view; (None, None) when not enrolled. One query once the row exists: module
    pages and heartbeats ask on every request."""
    if not user.is_authenticated:
        return None, None
    progress = (
        ModuleProgress.objects.select_related("enrollment")
        .filter(enrollment__user=user, enrollment__course_id=course.id, module=module)
        .first()
    )
    if progress is not None:
        return progress.enrollment, progress
    enrollment = enrollment_for(user, course)
    if enrollment is None:
        return None, None
    return enrollment, record_view(enrollment, module)


def _credit(progress, seconds, now):
    """Add seconds if nobody else credited since `progress` was read; return what was added."""
    seconds = max(0, int(seconds))
    updated = ModuleProgress.objects.filter(
        pk=progress.pk, last_activity_at=progress.last_activity_at
    ).update(seconds_credited=F("seconds_credited") + seconds, last_activity_at=now)
    progress.refresh_from_db(fields=["seconds_credited", "last_activity_at"])
    return seconds if updated else 0


def record_heartbeat(progress, now=None):
    """Credit a heartbeat from the reading page; return the seconds credited."""
    now = now or timezone.now()
    interval = settings.SEAT_TIME_HEARTBEAT_SECONDS
    gap = (now - progress.last_activity_at).total_seconds()
    if gap < interval * TOO_FAST:
        return 0
    return _credit(progress, min(gap, interval), now)


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
        gap = (now - progress.last_activity_at).total_seconds()
        _credit(progress, min(gap, minimum), now)
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
