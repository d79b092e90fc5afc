"""Reminder emails: a course left untouched, and a licence renewal near with hours short.

Run daily by the `send_reminders` task or management command (docs/operations.md). Each
reminder is sent through accounts.sent_emails.send_once with a key for its occasion, so
running twice, or two runs at once, sends nothing twice:

- a course reminder when an enrollment has had no module activity and no quiz attempt for
  INACTIVE_DAYS days and the course is not complete; key "course:<course id>:<YYYY-MM>", and
  no second reminder for the same course within SPACING_DAYS (so not on 31 January and
  again on 1 February);
- a renewal reminder when the learner's licence renewal (accounts.renewal, rolled forward to
  the period running today) is RENEWAL_THRESHOLDS days away or fewer and the CE hours earned
  in the period (certificates.ce_progress) are below the hours the learner's board requires;
  key "renewal:<due date>:<threshold>", one per threshold: the 90-day reminder, then the
  30-day one. A learner who enters the window late gets only the reminder of the threshold
  they are inside.

Only learners who can receive them: active, account not closed, address confirmed, and that
kind of reminder not turned off (accounts.unsubscribe). Functions that decide take `now` (or
`today`), so tests and the command can fix the date.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.emails import provider_settings, send_templated_email
from accounts.models import User
from accounts.sent_emails import send_once, sent_since
from accounts.unsubscribe import unsubscribe_url
from cms.links import absolute_url
from cms.text import ce_amount, long_date
from courses.models import Enrollment, ModuleProgress
from quizzes.models import Attempt

from .ce_progress import CeProgress, ce_progress
from .models import Certificate

logger = logging.getLogger(__name__)

COURSE_REMINDER = "course_reminder"
RENEWAL_REMINDER = "renewal_reminder"
INACTIVE_DAYS = 14
SPACING_DAYS = 30
RENEWAL_THRESHOLDS = (90, 30)


def reachable_learners():
    """Users who may be sent optional emails: active, not closed, address confirmed."""
    return User.objects.filter(
        is_active=True, closed_at__isnull=True, email_confirmed_at__isnull=False
    )


# --- Courses left untouched ---------------------------------------------------------------


@dataclass(frozen=True)
class CourseReminder:
    enrollment: Enrollment
    last_activity: datetime
    key: str

    @property
    def user(self):
        return self.enrollment.user


def course_reminder_key(course_id, now):
    """The occasion of a course reminder: the course and the calendar month."""
    return f"course:{course_id}:{timezone.localtime(now):%Y-%m}"


def course_of_key(key):
    """The course id in a course reminder key, or None."""
    parts = key.split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def stalled_enrollments(now):
    """Enrollments in live courses, not complete, with no module activity and no quiz
    attempt started or submitted in the last INACTIVE_DAYS days (and enrolled before that),
    of learners who accept course reminders. Annotated with their latest activity."""
    cutoff = now - timedelta(days=INACTIVE_DAYS)
    progress = ModuleProgress.objects.filter(enrollment=OuterRef("pk"))
    attempts = Attempt.objects.filter(enrollment=OuterRef("pk"))
    return (
        Enrollment.objects.filter(
            completed_at__isnull=True,
            enrolled_at__lte=cutoff,
            course__live=True,
            user__in=reachable_learners().filter(course_reminders=True),
        )
        .exclude(Exists(progress.filter(last_activity_at__gt=cutoff)))
        .exclude(Exists(attempts.filter(Q(started_at__gt=cutoff) | Q(submitted_at__gt=cutoff))))
        .annotate(
            last_read=Subquery(
                progress.order_by("-last_activity_at").values("last_activity_at")[:1]
            ),
            last_attempt=Subquery(attempts.order_by("-started_at").values("started_at")[:1]),
            last_submitted=Subquery(
                attempts.filter(submitted_at__isnull=False)
                .order_by("-submitted_at")
                .values("submitted_at")[:1]
            ),
        )
        .select_related("user", "course")
        .order_by("pk")
    )


def course_reminders_due(now):
    """The course reminders to send at `now` (at most one per course per month)."""
    enrollments = list(stalled_enrollments(now))
    recent = {
        (row.user_id, course_of_key(row.key))
        for row in sent_since(
            COURSE_REMINDER,
            now - timedelta(days=SPACING_DAYS),
            users={e.user_id for e in enrollments},
        )
    }
    return [
        CourseReminder(
            enrollment=enrollment,
            last_activity=max(
                moment
                for moment in (
                    enrollment.enrolled_at,
                    enrollment.last_read,
                    enrollment.last_attempt,
                    enrollment.last_submitted,
                )
                if moment is not None
            ),
            key=course_reminder_key(enrollment.course_id, now),
        )
        for enrollment in enrollments
        if (enrollment.user_id, enrollment.course_id) not in recent
    ]


def course_url(course):
    """The course page's full address for an email (BASE_URL and the page's path)."""
    _site_id, _root, path = course.get_url_parts()
    return absolute_url(path or "/courses/")


def send_course_reminder(reminder, provider=None):
    user, course = reminder.user, reminder.enrollment.course
    send_templated_email(
        user,
        "certificates/emails/course_reminder",
        {
            "course": course,
            "course_url": course_url(course),
            "last_activity": long_date(timezone.localtime(reminder.last_activity)),
            "provider": provider,
        },
        unsubscribe_url=unsubscribe_url(user, COURSE_REMINDER),
    )


# --- Licence renewal with hours short -------------------------------------------------------


@dataclass(frozen=True)
class RenewalReminder:
    user: User
    threshold: int  # 90 or 30: the reminder of this many days or fewer before the due date
    due_on: date
    days_left: int
    progress: CeProgress

    @property
    def key(self):
        return f"renewal:{self.due_on.isoformat()}:{self.threshold}"


def renewal_threshold(days_left):
    """The threshold (90 or 30) whose reminder is due with `days_left` days to go, or None
    outside the window."""
    inside = [days for days in RENEWAL_THRESHOLDS if 0 <= days_left <= days]
    return min(inside) if inside else None


def renewal_reminder_for(user, certificates, today):
    """The renewal reminder the learner is due `today`, or None: only with a renewal date
    and a target, within 90 days of the due date, and with CE hours short of the target.
    `certificates` are the learner's (ce_progress makes no query)."""
    if user.renewal_due_on is None or not user.ce_hours_required:
        return None
    progress = ce_progress(user, certificates, today)
    if progress.reached:
        return None
    due_on = progress.period.end
    days_left = (due_on - today).days
    threshold = renewal_threshold(days_left)
    if threshold is None:
        return None
    return RenewalReminder(user, threshold, due_on, days_left, progress)


def renewal_reminders_due(today):
    """The renewal reminders to send `today`, in a fixed number of queries."""
    users = list(
        reachable_learners()
        .filter(
            renewal_reminders=True,
            renewal_due_on__isnull=False,
            ce_hours_required__isnull=False,
        )
        .order_by("pk")
    )
    certificates = defaultdict(list)
    for certificate in Certificate.objects.filter(user__in=users):
        certificates[certificate.user_id].append(certificate)
    reminders = (renewal_reminder_for(user, certificates[user.pk], today) for user in users)
    return [reminder for reminder in reminders if reminder is not None]


def send_renewal_reminder(reminder, provider=None):
    progress = reminder.progress
    send_templated_email(
        reminder.user,
        "certificates/emails/renewal_reminder",
        {
            "due_on": long_date(reminder.due_on),
            "days_left": reminder.days_left,
            "earned": ce_amount(progress.earned),
            "target": ce_amount(progress.target),
            "missing": ce_amount(progress.remaining),
            "catalog_url": absolute_url("/courses/"),
            "dashboard_url": absolute_url("/dashboard/"),
            "provider": provider,
        },
        unsubscribe_url=unsubscribe_url(reminder.user, RENEWAL_REMINDER),
    )


# --- Sending ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    """What a run sent, per kind, and how many sends failed (tried again on the next run)."""

    course_reminders: int = 0
    renewal_reminders: int = 0
    failed: int = 0


def send_each(reminders, kind, send, now):
    """Send each reminder once (accounts.sent_emails); return (sent, failed)."""
    provider = provider_settings()
    sent = failed = 0
    for reminder in reminders:
        user = reminder.user
        try:
            if send_once(user, kind, reminder.key, lambda r=reminder: send(r, provider), now=now):
                sent += 1
        except Exception:  # noqa: BLE001 - one bad send must not stop the others
            logger.exception("Could not send the %s %s to user %s", kind, reminder.key, user.pk)
            failed += 1
    return sent, failed


def send_reminders(now=None):
    """Send every reminder due at `now` that was not sent before; return what was sent."""
    now = now or timezone.now()
    courses_sent, courses_failed = send_each(
        course_reminders_due(now), COURSE_REMINDER, send_course_reminder, now
    )
    renewals = renewal_reminders_due(timezone.localdate(now))
    renewals_sent, renewals_failed = send_each(
        renewals, RENEWAL_REMINDER, send_renewal_reminder, now
    )
    return ReminderRun(courses_sent, renewals_sent, courses_failed + renewals_failed)
