import re

from django.core import mail

import pytest
from playwright.sync_api import expect

from accounts.models import User
from courses.models import ModuleProgress
from quizzes.models import Quiz
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def confirmation_path(email):
    """The path of the confirmation link last emailed to `email` (the live server runs in
    this process, so its mail is in Django's test outbox)."""
    message = [m for m in mail.outbox if m.to == [email]][-1]
    link = re.search(r"/accounts/confirm-email/[^/\s]+/", message.body)
    return link.group()


def test_newcomer_signs_up_enrolls_reads_and_sees_progress(page, demo_site, settings):
    # Short reading times and fast heartbeats, so the journey takes seconds.
    settings.SEAT_TIME_SCALE = 0.01
    settings.SEAT_TIME_HEARTBEAT_SECONDS = 1

    page.goto(demo_site.url + "/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1, name="Create your account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("casey@example.com")
    page.get_by_label("Legal name", exact=True).fill("Casey Morgan")
    page.get_by_label(re.compile("^Licence number")).fill("MA99887")
    page.get_by_label(re.compile("^Licence state")).fill("Oregon")
    page.get_by_label("Password", exact=True).fill("trigger-points-42")
    page.get_by_label("Password again").fill("trigger-points-42")
    page.get_by_role("button", name="Sign up").click()

    # Sign-up signs nobody in (a taken address must look the same); the emailed link does.
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    assert_accessible(page)
    page.goto(demo_site.url + confirmation_path("casey@example.com"))
    page.get_by_role("button", name="Confirm my email address").click()

    expect(page.get_by_role("heading", level=1, name="Your dashboard")).to_be_visible()
    expect(page.get_by_text("You are not taking a course yet")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Browse the courses").click()
    page.get_by_role("link", name="Neuromuscular Therapy Foundations", exact=True).click()
    page.get_by_role("button", name="Enroll").click()

    expect(
        page.get_by_role("heading", level=1, name="What NMT Is and How a Session Goes")
    ).to_be_visible()
    expect(page.get_by_text("You are enrolled in")).to_be_visible()
    assert_accessible(page)
    # The reading page's heartbeats credit the time; the status updates without a reload.
    expect(page.get_by_text("You have met the reading time for this module.")).to_be_visible(
        timeout=20_000
    )
    user = User.objects.get(email="casey@example.com")
    assert ModuleProgress.objects.get(enrollment__user=user).seconds_credited >= 3

    page.get_by_role("button", name="Mark module complete").click()
    expect(page.get_by_text("“What NMT Is and How a Session Goes” is complete.")).to_be_visible()
    # The next step is this module's quiz, not the next module.
    quiz = Quiz.objects.get(module__slug="what-is-nmt")
    expect(page.get_by_role("heading", level=1, name=quiz.title)).to_be_visible()

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("1 of 11 modules read", exact=True)).to_be_visible()
    next_step = (
        "Neuromuscular Therapy Foundations: Take the quiz: What NMT Is and How a Session Goes"
    )
    expect(page.get_by_role("link", name=next_step)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Neuromuscular Therapy Foundations").first.click()
    expect(page.get_by_text("1 of 11 modules read.")).to_be_visible()
    assert_accessible(page)
