"""Reminder emails: a course untouched for 14 days (at most once a month per course), a
licence renewal 90 and 30 days away with hours short; each sent once, only to confirmed
addresses, never after unsubscribing (certificates/reminders.py, accounts/sent_emails.py)."""

import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from accounts.closing import close_account
from accounts.models import SentEmail, User
from certificates import reminders, tasks
from certificates.issuing import revoke_certificate
from courses.enrollment import enroll
from courses.models import Enrollment, ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes.attempts import start_attempt
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, read_module

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


def days_ago(days, now=NOW):
    return now - timedelta(days=days)


def enrolled(user, course, days):
    """The user's enrollment in the course, made `days` days before NOW."""
    enrollment, _ = enroll(user, course)
    Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=days_ago(days))
    enrollment.refresh_from_db()
    return enrollment


def course_mails():
    return [m for m in mail.outbox if m.subject.startswith("Continue")]


def renewal_mails():
    return [m for m in mail.outbox if "licence renewal" in m.subject]


def unsubscribe_path(message):
    return re.search(r"https?://[^/\s]+(/accounts/unsubscribe/[^/\s]+/)", message.body)[1]


# --- A course left untouched -------------------------------------------------------------------


def test_a_course_untouched_for_14_days_gets_one_reminder(learner, course):
    enrolled(learner, course, days=20)
    run = reminders.send_reminders(now=NOW)
    assert run.course_reminders == 1
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert course.title in message.subject
    assert f"/courses/{course.slug}/" in message.body
    html = message.alternatives[0][0]
    assert f"/courses/{course.slug}/" in html
    assert "28 February 2026" in message.body  # the day the learner last touched it (enrolled)
    # Optional: an unsubscribe link in the text, the HTML and the headers.
    link = unsubscribe_path(message)
    assert link in html
    assert link in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Running again sends nothing twice.
    assert reminders.send_reminders(now=NOW).course_reminders == 0
    assert reminders.send_reminders(now=NOW + timedelta(days=3)).course_reminders == 0
    assert len(mail.outbox) == 1
    sent = SentEmail.objects.get()
    assert (sent.kind, sent.key) == ("course_reminder", f"course:{course.pk}:2026-03")


def test_the_command_run_twice_sends_one_reminder(learner, course):
    enrolled(learner, course, days=20)
    call_command("send_reminders", "--today", "2026-03-20", stdout=StringIO())
    call_command("send_reminders", "--today", "2026-03-20", stdout=StringIO())
    assert len(course_mails()) == 1


@pytest.mark.parametrize("days", [13, 14])
def test_not_before_14_whole_days(learner, course, days):
    # Enrolled exactly 14 days ago counts; 13 days ago does not.
    enrolled(learner, course, days=days)
    expected = 1 if days == 14 else 0
    assert reminders.send_reminders(now=NOW).course_reminders == expected


def test_reading_in_the_last_14_days_counts_as_activity(learner, course):
    enrollment = enrolled(learner, course, days=60)
    module = ModulePage.objects.child_of(course).order_by("path").first()
    progress = record_view(enrollment, module, now=days_ago(10))
    assert reminders.send_reminders(now=NOW).course_reminders == 0
    ModuleProgress.objects.filter(pk=progress.pk).update(last_activity_at=days_ago(15))
    assert reminders.send_reminders(now=NOW).course_reminders == 1
    assert "5 March 2026" in course_mails()[0].body


def test_a_quiz_attempt_in_the_last_14_days_counts_as_activity(learner, course):
    enrollment = enrolled(learner, course, days=60)
    module = ModulePage.objects.child_of(course).order_by("path").first()
    read_module(enrollment, module)
    ModuleProgress.objects.update(last_activity_at=days_ago(40))
    quiz = make_quiz(module=module, questions=1)
    start_attempt(learner, quiz, now=days_ago(3))
    assert reminders.send_reminders(now=NOW).course_reminders == 0
    assert reminders.send_reminders(now=NOW + timedelta(days=12)).course_reminders == 1


def test_a_completed_course_gets_no_reminder(learner, course):
    enrollment = enrolled(learner, course, days=60)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=days_ago(30))
    assert reminders.send_reminders(now=NOW).course_reminders == 0


def test_an_unpublished_course_gets_no_reminder(learner, course):
    enrolled(learner, course, days=60)
    course.unpublish()
    assert reminders.send_reminders(now=NOW).course_reminders == 0


def test_at_most_one_reminder_per_course_a_month(learner, course, catalog):
    from tests.conftest import build_course

    other = build_course(catalog, modules=1, title="Other course")
    enrolled(learner, course, days=20)
    enrolled(learner, other, days=20)
    end_of_january = datetime(2026, 1, 31, 12, tzinfo=UTC)
    Enrollment.objects.update(enrolled_at=end_of_january - timedelta(days=20))
    # One per course: two courses, two reminders.
    assert reminders.send_reminders(now=end_of_january).course_reminders == 2
    # The next day is a new calendar month, but within 30 days of the last: nothing.
    assert reminders.send_reminders(now=end_of_january + timedelta(days=1)).course_reminders == 0
    assert reminders.send_reminders(now=datetime(2026, 3, 1, 12, tzinfo=UTC)).course_reminders == 0
    # 30 days on, still untouched: the month's reminder.
    march = datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert reminders.send_reminders(now=march).course_reminders == 2
    assert len(course_mails()) == 4
    keys = set(SentEmail.objects.values_list("key", flat=True))
    assert keys == {
        f"course:{course.pk}:2026-01",
        f"course:{other.pk}:2026-01",
        f"course:{course.pk}:2026-03",
        f"course:{other.pk}:2026-03",
    }


def test_the_monthly_key_guards_even_if_the_spacing_rule_is_skipped(learner, course):
    enrolled(learner, course, days=20)
    [reminder] = reminders.course_reminders_due(NOW)
    reminders.send_reminders(now=NOW)
    # A run that had decided before the first one recorded its send (a concurrent run):
    sent, failed = reminders.send_each(
        [reminder], reminders.COURSE_REMINDER, reminders.send_course_reminder, NOW
    )
    assert (sent, failed) == (0, 0)
    assert len(mail.outbox) == 1


# --- Who gets them -----------------------------------------------------------------------------


def test_no_reminder_to_an_unconfirmed_address(course):
    unconfirmed = UserFactory(email_confirmed_at=None, ce_hours_required=24)
    User.objects.filter(pk=unconfirmed.pk).update(renewal_due_on=NOW.date() + timedelta(days=30))
    enrolled(unconfirmed, course, days=30)
    run = reminders.send_reminders(now=NOW)
    assert (run.course_reminders, run.renewal_reminders) == (0, 0)
    assert not mail.outbox


def test_no_reminder_to_a_closed_or_inactive_account(learner, course):
    enrolled(learner, course, days=30)
    inactive = UserFactory(is_active=False)
    enrolled(inactive, course, days=30)
    close_account(learner)
    assert reminders.send_reminders(now=NOW).course_reminders == 0
    assert not mail.outbox


def test_unsubscribing_from_the_email_is_honoured(client, learner, course):
    enrolled(learner, course, days=20)
    reminders.send_reminders(now=NOW)
    link = unsubscribe_path(mail.outbox[0])
    page = client.get(link)  # one click: a page that asks
    assert page.status_code == 200
    assert "Unsubscribe" in page.text
    learner.refresh_from_db()
    assert learner.course_reminders  # a GET changes nothing (mail scanners open links)
    assert client.post(link).status_code == 200
    learner.refresh_from_db()
    assert not learner.course_reminders
    assert learner.renewal_reminders  # only that kind
    # Next month, still untouched: nothing is sent.
    assert reminders.send_reminders(now=NOW + timedelta(days=45)).course_reminders == 0
    assert len(mail.outbox) == 1


def test_turning_reminders_off_in_the_profile_is_honoured(client, learner, course):
    client.force_login(learner)
    response = client.post(
        "/accounts/profile/",
        {
            "email": learner.email,
            "legal_name": learner.legal_name,
            "renewal_period_months": "24",
            "renewal_reminders": "on",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.course_reminders, learner.renewal_reminders) == (False, True)
    enrolled(learner, course, days=20)
    assert reminders.send_reminders(now=NOW).course_reminders == 0


# --- Licence renewal ---------------------------------------------------------------------------


@pytest.fixture
def today():
    return timezone.localdate()


def due_in(user, today, days, hours=24):
    User.objects.filter(pk=user.pk).update(
        renewal_due_on=today + timedelta(days=days), ce_hours_required=hours
    )
    user.refresh_from_db()


def noon(day):
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_renewal_reminder_90_days_before_with_hours_missing(learner, certificate, today):
    due_in(learner, today, 90)
    run = reminders.send_reminders(now=noon(today))
    assert run.renewal_reminders == 1
    [message] = renewal_mails()
    assert message.to == [learner.email]
    assert "in 90 days" in message.subject
    assert "23 CEs still needed" in message.body  # 24 required, 1 earned (the certificate)
    assert "1 CE of the 24 CEs" in message.body
    assert "/courses/" in message.body
    html = message.alternatives[0][0]
    assert "23 CEs still needed" in html
    assert "/courses/" in html
    assert unsubscribe_path(message) in html
    key = f"renewal:{(today + timedelta(days=90)).isoformat()}:90"
    assert SentEmail.objects.filter(kind="renewal_reminder", key=key).exists()
    # Again the same day, or any day until the 30-day threshold: nothing more.
    assert reminders.send_reminders(now=noon(today)).renewal_reminders == 0
    assert reminders.send_reminders(now=noon(today + timedelta(days=59))).renewal_reminders == 0
    # 30 days before: the second reminder, once.
    assert reminders.send_reminders(now=noon(today + timedelta(days=60))).renewal_reminders == 1
    assert reminders.send_reminders(now=noon(today + timedelta(days=61))).renewal_reminders == 0
    assert len(renewal_mails()) == 2


@pytest.mark.parametrize(
    ("days", "threshold"),
    [(91, None), (90, 90), (31, 90), (30, 30), (1, 30), (0, 30)],
)
def test_renewal_thresholds(learner, today, days, threshold):
    due_in(learner, today, days)
    reminder = reminders.renewal_reminder_for(learner, [], today)
    assert (reminder.threshold if reminder else None) == threshold


def test_renewal_threshold_rule():
    assert [reminders.renewal_threshold(d) for d in (-1, 0, 30, 31, 90, 91)] == [
        None,
        30,
        30,
        90,
        90,
        None,
    ]


def test_a_learner_who_enters_the_window_late_gets_only_the_30_day_reminder(learner, today):
    due_in(learner, today, 20)
    assert reminders.send_reminders(now=noon(today)).renewal_reminders == 1
    assert "in 20 days" in renewal_mails()[0].subject
    assert SentEmail.objects.get().key.endswith(":30")


def test_no_renewal_reminder_when_the_hours_are_reached(learner, certificate, admin_user, today):
    due_in(learner, today, 30, hours=1)  # the certificate's 1 CE is enough
    assert reminders.send_reminders(now=noon(today)).renewal_reminders == 0
    # A revoked certificate no longer counts.
    revoke_certificate(certificate, by=admin_user, reason="Issued in error.")
    assert reminders.send_reminders(now=noon(today)).renewal_reminders == 1


def test_no_renewal_reminder_without_a_target_or_a_date(learner, today):
    User.objects.filter(pk=learner.pk).update(renewal_due_on=today + timedelta(days=30))
    assert reminders.send_reminders(now=noon(today)).renewal_reminders == 0
    User.objects.filter(pk=learner.pk).update(renewal_due_on=None, ce_hours_required=24)
    assert reminders.send_reminders(now=noon(today)).renewal_reminders == 0


def test_a_renewal_date_just_passed_rolls_to_the_next_period(learner, today):
    due_in(learner, today, -1)  # the next renewal is about 24 months away: nothing yet
    assert reminders.send_reminders(now=noon(today)).renewal_reminders == 0


def test_renewal_unsubscribe_is_honoured(client, learner, today):
    due_in(learner, today, 90)
    reminders.send_reminders(now=noon(today))
    client.post(unsubscribe_path(renewal_mails()[0]))
    learner.refresh_from_db()
    assert not learner.renewal_reminders
    assert learner.course_reminders
    assert reminders.send_reminders(now=noon(today + timedelta(days=60))).renewal_reminders == 0
    assert len(mail.outbox) == 1


def test_renewal_reminders_fixed_dates():
    """Pure rule with a fixed date: due 30 June 2026, 24 required, nothing earned."""
    user = User(renewal_due_on=date(2026, 6, 30), ce_hours_required=24, renewal_period_months=24)
    assert reminders.renewal_reminder_for(user, [], date(2026, 3, 31)) is None  # 91 days
    reminder = reminders.renewal_reminder_for(user, [], date(2026, 4, 1))  # 90 days
    assert (reminder.threshold, reminder.key) == (90, "renewal:2026-06-30:90")
    assert reminder.progress.remaining == 24
    assert reminders.renewal_reminder_for(user, [], date(2026, 5, 31)).threshold == 30


# --- Sending ---------------------------------------------------------------------------------


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_failed_send_is_not_recorded_and_is_tried_again(learner, course, settings):
    enrolled(learner, course, days=20)
    settings.EMAIL_BACKEND = "tests.certificates.test_reminders.FailingBackend"
    run = reminders.send_reminders(now=NOW)
    assert (run.course_reminders, run.failed) == (0, 1)
    assert not SentEmail.objects.exists()
    with pytest.raises(CommandError, match="could not be sent"):
        call_command("send_reminders", "--today", "2026-03-20", stdout=StringIO())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.send_reminders(now=NOW).course_reminders == 1


def test_the_scheduled_task_sends_them(learner, course):
    Enrollment.objects.filter(pk=enroll(learner, course)[0].pk).update(
        enrolled_at=timezone.now() - timedelta(days=20)
    )
    result = tasks.send_reminders.enqueue()  # the immediate backend runs it now
    assert result.return_value == {"course_reminders": 1, "renewal_reminders": 0, "failed": 0}
    tasks.send_reminders.enqueue()
    assert len(course_mails()) == 1


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="2026-03-31"):
        call_command("send_reminders", "--today", "31/03/2026")


def test_the_command_can_queue_the_task(learner, course, capsys):
    Enrollment.objects.filter(pk=enroll(learner, course)[0].pk).update(
        enrolled_at=timezone.now() - timedelta(days=20)
    )
    call_command("send_reminders", "--enqueue")
    assert "Queued" in capsys.readouterr().out
    assert len(course_mails()) == 1
