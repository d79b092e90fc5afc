"""The email confirmation and unsubscribe pages in the browser, at phone width, with axe: an
unconfirmed learner meets the final exam, resends the link, confirms, and the exam opens; a
reminder's unsubscribe link turns reminders off (issue 16, item 5)."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

import pytest
from playwright.sync_api import expect

from accounts.models import User
from certificates.reminders import send_reminders
from courses.enrollment import enroll
from courses.models import Enrollment
from tests.conftest import build_course
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, read_all

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 800}
LEARNER = "sam@example.com"


def link_path(message, kind):
    """The path of the email's link (the email's address uses BASE_URL, not the test server)."""
    return re.search(rf"https?://[^/\s]+(/accounts/{kind}/[^/\s]+/)", message.body)[1]


def test_confirming_opens_the_final_exam(page, live_server, catalog):
    course = build_course(catalog, modules=1, title="Email Course", evaluation_required=False)
    exam = make_quiz(course=course, questions=2, title="Email Course final exam")
    learner = UserFactory(email=LEARNER, legal_name="Sam Ortiz", email_confirmed_at=None)
    read_all(enroll(learner, course)[0])
    base = live_server.url
    page.set_viewport_size(PHONE)

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(LEARNER)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{base}/quizzes/{exam.pk}/")
    expect(page.get_by_text("confirmed your email address").first).to_be_visible()
    expect(page.get_by_role("button", name="Start final exam")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text(f"We have sent a new confirmation link to {LEARNER}")).to_be_visible()
    assert page.url.endswith(f"/quizzes/{exam.pk}/")

    page.goto(base + link_path(mail.outbox[-1], "confirm-email"))
    expect(page.get_by_role("heading", level=1, name="Confirm your email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text(f"Thank you: {LEARNER} is confirmed.")).to_be_visible()
    assert User.objects.get(email=LEARNER).email_confirmed_at is not None

    page.goto(f"{base}/quizzes/{exam.pk}/")
    expect(page.get_by_role("button", name="Start final exam")).to_be_visible()

    page.goto(base + "/accounts/confirm-email/forged-token/")
    expect(page.get_by_text("This confirmation link is not valid.")).to_be_visible()
    assert_accessible(page)


def test_unsubscribing_from_a_reminder(page, live_server, catalog):
    course = build_course(catalog, modules=1, title="Reminder Course")
    learner = UserFactory(email=LEARNER, legal_name="Sam Ortiz")
    enrollment, _ = enroll(learner, course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        enrolled_at=timezone.now() - timedelta(days=20)
    )
    assert send_reminders().course_reminders == 1
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + link_path(mail.outbox[-1], "unsubscribe"))
    expect(page.get_by_text("Stop sending me reminders of courses")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_text("you will no longer receive reminders of courses")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.get(email=LEARNER).course_reminders
